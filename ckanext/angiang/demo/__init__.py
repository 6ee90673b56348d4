"""The demo portal: agencies and datasets of An Giang province, loaded by
``ckan angiang demo load`` (and so by ``make run``).

- :mod:`.content` reads and checks the data files in ``data/``;
- :mod:`.tables` builds each dataset's table from its spec, deterministically;
- :mod:`.render` turns tables into CSV, JSON, XLSX and OpenAPI documents;
- :mod:`.loader` creates everything through CKAN's Action API, idempotently.
"""

from __future__ import annotations


def load(data_dir: str | None = None) -> dict[str, int]:
    """Load the demo content (see :func:`ckanext.angiang.demo.loader.load`)."""
    from ckanext.angiang.demo import loader

    return loader.load(data_dir)
