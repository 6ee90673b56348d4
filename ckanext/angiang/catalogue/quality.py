"""Metadata quality per dataset and per agency (Art. 11.2: agencies
supervise the quality of what they publish; Art. 15: the DIC reports on
it), by the data.europa.eu MQA method of ``ckan angiang mqa``
(:mod:`ckanext.angiang.dcat.mqa`) applied to the public DCAT-AP catalogue.

A dataset's score is the sum over indicators of weight x its own share
(out of 405). An agency's is the mean of its public datasets' scores. The
whole catalogue's figure of ``ckan angiang mqa`` weighs distributions over
the catalogue, so it can differ slightly from the mean shown here.

Accessibility is not requested again: a link counts as accessible when the
link checker (:mod:`.linkcheck`) last found it ``ok``, and a URL of the portal
itself when it serves it (its stored files are checked by :mod:`.integrity`).
Private datasets are not in the catalogue and have no score.
"""

from __future__ import annotations

import datetime
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.angiang.catalogue import model as cm


def _stored_link_checks():
    rows = model.Session.execute(sa.select(cm.link_status.c.url, cm.link_status.c.status))
    known = {row.url: row.status for row in rows}
    site = (tk.config.get("ckan.site_url") or "").rstrip("/") + "/"

    def check(urls):
        out = {}
        for url in urls:
            if url.startswith(site):
                out[url] = (True, "portal")
            else:
                state = known.get(url)
                out[url] = (state == cm.LINK_OK, state or "not checked")
        return out

    return check


def run() -> dict[str, Any]:
    """Score every public dataset and store the scores (the previous ones
    replaced in one transaction)."""
    from ckanext.angiang.dcat import mqa
    from ckanext.dcat.utils import dataset_uri

    ids: dict[str, str] = {}

    def graphs():
        for graph, datasets in mqa.pages_with_datasets():
            ids.update((dataset_uri(d), d["id"]) for d in datasets)
            yield graph

    per_dataset: dict[str, float] = {}
    with _request_context():
        report = mqa.assess(graphs(), check_url=_stored_link_checks(), per_dataset=per_dataset)
    now = datetime.datetime.utcnow()
    rows = [
        {"package_id": ids[uri], "points": points, "computed_at": now}
        for uri, points in per_dataset.items()
        if uri in ids
    ]
    model.Session.execute(cm.quality.delete())
    if rows:
        model.Session.execute(cm.quality.insert(), rows)
    model.Session.commit()
    return {
        "datasets": len(rows),
        "catalogue_points": round(report.points, 1),
        "rating": report.rating,
    }


def _request_context():
    """The serializer builds URLs: outside a web request (the jobs worker,
    the CLI) the request context CKAN made with its app is used."""
    import contextlib

    from ckan.lib.helpers import _get_auto_flask_context

    return _get_auto_flask_context() or contextlib.nullcontext()
