"""The metadata model on the web (the ``angiang_schema`` plugin's pages and
template helpers), apart from the reference data in :mod:`ckanext.angiang.metadata`.

- :mod:`.licences` the licence pages, the register as JSON and the licence
  ``Link`` header of every download (Art. 4.5)
- :mod:`.helpers`  template helpers (all ``angiang_``)
"""
