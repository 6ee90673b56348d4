"""PostgreSQL search backend of the portal (the ``angiang_search`` plugin).

- :mod:`.backend`      points CKAN's ``make_connection()`` at PostgreSQL
- :mod:`.connection`   the pysolr-compatible connection (add/delete/commit/search):
  picks who answers a search (the docsets, else the SQL statements)
- :mod:`.transactions` whether the index may commit the transaction it wrote in
- :mod:`.where`        one q/fq value -> tree -> SQL condition
- :mod:`.query_parser` Lucene/Solr query syntax -> tree
- :mod:`.date_math`    Solr dates and date math (``NOW-1DAY/DAY``)
- :mod:`.local_params` ``{!...}`` local parameters, ckanext-spatial's filters
- :mod:`.meaning`      what a tree means (field kinds, text forms, boolean and
  ``mm`` rules): the one home both back ends follow
- :mod:`.compiler`     tree -> parameterised SQL; ranking and sorting
- :mod:`.statements`   the SQL statements of a search (rescoring window, page, total)
- :mod:`.docsets`      the index held in memory (numpy arrays), kept in step
- :mod:`.evaluator`    tree -> boolean array over the docsets; a search from memory
- :mod:`.facets`       facet counts
- :mod:`.index`        index document -> table row
- :mod:`.model`        the table and its migrations
- :mod:`.text`         Vietnamese normalisation (NFC, casefold, accents)
- :mod:`.hooks`        search parameters the plugin adds (ext_bbox)
- :mod:`.messages`     translatable error messages, ``QuerySyntaxError``

Who sees a dataset is decided by CKAN's permission labels (the draft rule
is the ``angiang`` plugin's: :mod:`ckanext.angiang.permissions`).
"""
