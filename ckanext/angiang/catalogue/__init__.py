"""The official open data catalogue (danh mục dữ liệu mở, Art. 7.1, 8.1, 8.3,
16) issued by the PPC Chairman's decisions, and the DIC's duties around it
(Art. 11.1a, 15): which dataset fulfils which entry, what is published, what
is overdue.

- :mod:`.model`: the tables (created by the plugin's migrations only).
- :mod:`.words`: Vietnamese headings, frequency words and dates of an appendix.
- :mod:`.spreadsheet`: reading an appendix (XLSX, CSV) into checked rows.
- :mod:`.entries`: adding, amending and withdrawing entries, history kept.
- :mod:`.status`: an entry's datasets and publication status.
- :mod:`.action`, :mod:`.auth`, :mod:`.schema`: the API.
- :mod:`.views`, :mod:`.cli`: public pages and ``ckan angiang catalogue``.
- Compliance (Art. 9.2, 11.1, 15): :mod:`.linkcheck` (link checker),
  :mod:`.integrity` (SHA-256 of stored files), :mod:`.quality` (MQA per
  dataset), :mod:`.dashboard` (the figures), :mod:`.compliance_action`,
  :mod:`.compliance_views`, :mod:`.compliance_cli`; :mod:`.jobs` runs them daily.
"""
