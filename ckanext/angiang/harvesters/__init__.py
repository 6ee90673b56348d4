"""Harvesting agencies' sources into the portal (Art. 8.1, 8.3).

- :mod:`.openapi`: ``angiang_openapi``, an agency API described by OpenAPI 3;
- :mod:`.ckan`: ``angiang_ckan``, ckanext-harvest's CKAN harvester mapped into
  the portal's dataset schema;
- :mod:`.dcat`: ``angiang_dcat_rdf``, ckanext-dcat's DCAT RDF harvester mapped
  into the portal's dataset schema;
- :mod:`.base`: what they share (names, saving through the portal's schema,
  withdrawal of records gone upstream, snapshot files with SHA-256).
"""
