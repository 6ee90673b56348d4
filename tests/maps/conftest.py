"""The maps tests run on test.ini's plugins and the portal schema; their
data is made once per module (``reset_db_with_migrations``, tests/conftest.py)."""
