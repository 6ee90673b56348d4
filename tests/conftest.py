"""Shared fixtures. CKAN's own pytest plugin (shipped with the ckan package)
provides app, clean_db, with_plugins, ckan_config...; factories come from
ckan.tests.factories."""
