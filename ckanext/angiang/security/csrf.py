"""CSRF protection that one request cannot switch off for the others.

CKAN 2.12 (``ckan/config/middleware/flask_app.py``, ``ckan_before_request``)
calls ``csrf.exempt(view)`` whenever a request was authenticated by an API
token, and also for every anonymous request (flask-login's request loader
sets ``g.login_via_auth_header``). ``exempt`` adds the view to a set that
lives as long as the process: after one anonymous visit or one token call, a
cookie-only POST without a token to that view (the Action API, ``/dataset/new``,
``/user/login``...) passes in that worker.

``install`` replaces flask-wtf's set of exempt views by ``RequestScopedExemptions``:
exemptions made while the app is being built stay (they are the code's own);
one made while serving a request holds for that request only, and only when

- the request was authenticated by the API token header (a browser on another
  site cannot send it), or
- it is an Action API call by an anonymous visitor (no session, so nothing a
  forged request could act with).

So a cookie-authenticated call of the Action API, JSON or form-encoded,
must carry the CSRF token (CKAN's JavaScript sends it in ``X-CSRFToken``),
as every cookie-authenticated form post must.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from flask import g, has_request_context, request
from flask_login import current_user

_KEY = "angiang_csrf_exempt"


def _request_may_be_exempt() -> bool:
    header = tk.config.get("apitoken_header_name")
    if request.headers.get(header) and g.get("login_via_auth_header"):
        return True  # authenticated (or refused) by its API token alone
    blueprint = (request.endpoint or "").split(".")[0]
    return blueprint == "api" and not current_user.is_authenticated


class RequestScopedExemptions(set):
    """flask-wtf's ``_exempt_views``: a set whose additions during a request
    are remembered in ``flask.g`` for that request (when allowed), never in
    the set."""

    def add(self, view: Any) -> None:
        if not has_request_context():
            super().add(view)
        elif _request_may_be_exempt():
            g.setdefault(_KEY, set()).add(view)

    def update(self, *others: Iterable[Any]) -> None:
        for other in others:
            for view in other:
                self.add(view)

    def __contains__(self, view: object) -> bool:
        if super().__contains__(view):
            return True
        return has_request_context() and view in g.get(_KEY, ())


def install(csrf_protect: Any) -> None:
    """Make ``csrf_protect`` (CKAN's ``CSRFProtect``) scope exemptions per
    request. Idempotent: CKAN's tests build several apps in one process."""
    if not isinstance(csrf_protect._exempt_views, RequestScopedExemptions):
        csrf_protect._exempt_views = RequestScopedExemptions(csrf_protect._exempt_views)
