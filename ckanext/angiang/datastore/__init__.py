"""The portal's data API and previews (Art. 5.2b): CKAN's DataStore, filled by
ckanext-xloader from uploaded and harvested CSV/XLSX files, and previewed by
the DataTables view. Plugin: ``angiang_datastore`` (ckanext/angiang/plugins/datastore.py).

- :mod:`.encoding`: UTF-8 (with or without BOM), UTF-16, Windows-1258 and TCVN3
  files made UTF-8 before loading, other files refused;
- :mod:`.xloader_seams`: where the portal plugs into xloader (encodings, the
  hosts a URL may be fetched from, its API token, the MD5 it would write as
  the resource's SHA-256);
- :mod:`.status`: the load's state and message shown on the resource page.
"""
