"""PostgreSQL search backend of the portal (the ``angiang_search`` plugin).

- :mod:`.backend`    points CKAN's ``make_connection()`` at PostgreSQL
- :mod:`.connection` the pysolr-compatible connection (add/delete/commit/search)
- :mod:`.query_parser` Lucene/Solr query syntax -> tree
- :mod:`.compiler`   tree -> parameterised SQL, ranking, sorting
- :mod:`.facets`     facet counts
- :mod:`.index`      index document -> table row
- :mod:`.model`      the table and its migrations
- :mod:`.text`       Vietnamese normalisation (NFC, casefold, accents)
- :mod:`.hooks`      search parameters the plugin adds (ext_bbox)
"""
