"""PostgreSQL search backend of the portal (the ``angiang_search`` plugin).

- :mod:`.backend`      points CKAN's ``make_connection()`` at PostgreSQL
- :mod:`.connection`   the pysolr-compatible connection (add/delete/commit/search)
- :mod:`.where`        one q/fq value -> SQL condition
- :mod:`.query_parser` Lucene/Solr query syntax -> tree (with date math)
- :mod:`.local_params` ``{!...}`` local parameters, ckanext-spatial's filters
- :mod:`.compiler`     tree -> parameterised SQL; ranking and sorting
- :mod:`.statements`   the statements of a search (rescoring window, page, total)
- :mod:`.facets`       facet counts
- :mod:`.index`        index document -> table row
- :mod:`.model`        the table and its migrations
- :mod:`.text`         Vietnamese normalisation (NFC, casefold, accents)
- :mod:`.hooks`        search parameters the plugin adds (ext_bbox)
- :mod:`.messages`     translatable error messages

Who sees a dataset is decided by CKAN's permission labels (the draft rule
is the ``angiang`` plugin's: :mod:`ckanext.angiang.permissions`).
"""
