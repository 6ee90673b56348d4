"""What the portal's tests share, importable from every test directory,
benchmark and script (``tests/`` is put on ``sys.path`` by
``tests/conftest.py``; a plain ``tests`` package would be shadowed by
``ckan.tests``):

- :mod:`.factories`: agencies, datasets and resources that satisfy the
  portal schema, and the fields of valid ones for API and form tests.
"""
