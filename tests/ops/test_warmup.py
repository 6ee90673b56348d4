"""A gunicorn worker's warm-up (ckanext/angiang/serving/warmup.py): before
its first connection it has read the search docsets, through the public
paths only, so that the first visitor does not wait for them."""

import ckan.model as model
import pytest
from angiang_testing import factories

from ckanext.angiang.search import docsets
from ckanext.angiang.serving.warmup import warm_up

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db_with_migrations")


def _held():
    return docsets.for_engine(model.meta.engine)


@pytest.mark.ckan_config("ckanext.angiang.search.docsets", "true")
def test_warm_up_reads_the_docsets_and_renders_the_search_page(app):
    factories.Dataset(title="Dân số các xã năm 2025")
    _held().clear()  # as in a fresh worker
    assert _held().empty()
    beats = []

    figures = warm_up(app.app, heartbeat=lambda: beats.append(1))

    assert figures["docsets"] is True
    assert not _held().empty()
    assert figures["pages"]["/dataset/"][0] == 200
    assert figures["pages"]["/"][0] == 200
    assert beats  # gunicorn's heartbeat kept going (no worker timeout)
    answered = _held().answered
    app.get("/api/3/action/package_search?q=dân số")
    assert _held().answered == answered + 1  # the first visitor's search: from memory


@pytest.mark.ckan_config("ckanext.angiang.search.docsets", "false")
def test_without_docsets_the_warm_up_renders_the_pages_only(app):
    _held().clear()
    figures = warm_up(app.app)
    assert figures["docsets"] is False
    assert _held().empty()
    assert figures["pages"]["/dataset/"][0] == 200
