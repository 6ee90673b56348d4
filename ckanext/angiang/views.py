"""Blueprints of the core ``angiang`` plugin."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ckanext.angiang import health

angiang = Blueprint("angiang", __name__)


@angiang.route("/healthz")
def healthz():
    """200 when database, Redis and search answer; 503 otherwise."""
    result = health.report()
    response = jsonify(result)
    response.status_code = 200 if result["status"] == "up" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def get_blueprints():
    return [angiang]
