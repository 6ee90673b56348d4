"""Blueprints of the core ``angiang`` plugin."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ckanext.angiang import health, outage

angiang = Blueprint("angiang", __name__)


@angiang.route("/healthz")
def healthz():
    """200 when database, Redis and search answer; 503 otherwise, with
    ``Retry-After`` as every other 503 of an outage (``outage.retry_after``)."""
    result = health.report()
    response = jsonify(result)
    response.status_code = 200 if result["status"] == "up" else 503
    if response.status_code == 503:
        response.headers["Retry-After"] = str(outage.retry_after())
    response.headers["Cache-Control"] = "no-store"
    return response


def get_blueprints():
    return [angiang]
