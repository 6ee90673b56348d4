"""A request-level guard against input no action can store or parse.

Two kinds of input make CKAN answer 500 wherever they appear, so they are
refused once, before any view runs, with a 400 and a clear message:

- a NUL character (``\\x00``, ``%00``, ``\\u0000`` in JSON) in the URL path,
  a query parameter, a form field or a JSON body: PostgreSQL text cannot
  hold it (psycopg2 raises "A string literal cannot contain NUL" at the
  first query, whatever the action);
- JSON nested deeper than ``ckanext.angiang.request.max_json_depth``
  (objects and arrays): Python's parser and CKAN's validators recurse, and a
  body nested 10,000 deep raises RecursionError. Nothing the portal stores
  is nested more than a few levels.

It also refuses the resource form posted without its hidden ``id`` and
``save`` fields: CKAN 2.12's ``CreateView.post`` reads both as
``data[...]`` (KeyError, i.e. a 500).

Checking here rather than in validators covers every action, view and
extension at once (CKAN core's own schemas, ckanext-dcat's and
ckanext-harvest's routes); what comes from elsewhere (harvested records)
goes through the validators and the search index's own limits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from flask import jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from ckanext.angiang import api_params

_ = tk._

NUL = "\x00"
#: An escaped NUL inside a JSON string (``\\u0000``), after any number of
#: pairs of backslashes, i.e. not itself escaped.
_JSON_NUL = re.compile(r"(?<!\\)(?:\\\\)*\\u0000", re.IGNORECASE)
#: A JSON string, written as an unrolled loop (linear time).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def max_json_depth() -> int:
    return tk.config.get("ckanext.angiang.request.max_json_depth")


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether the objects/arrays of ``text`` (JSON, possibly invalid) nest
    deeper than ``limit``; brackets inside strings do not count."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for m in _BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if m.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _items(multidict) -> list[str]:
    """Every key and every value of a query string or form (repeated keys
    included)."""
    return [s for key, value in multidict.items(multi=True) for s in (key, value)]


def _has_nul(values: Iterable[Any]) -> bool:
    return any(isinstance(v, str) and NUL in v for v in values)


def _body_text() -> str | None:
    """The request body as text, when it is not a form (the API reads such
    bodies as JSON)."""
    if request.mimetype in _FORM_TYPES:
        return None
    data = request.get_data(cache=True)
    if not data:
        return None
    return data.decode("utf-8", errors="replace")


def problem() -> str | None:
    """The reason to refuse the current request, or None."""
    nul = _("The request contains a NUL character (\\x00), which cannot be stored.")
    if NUL in request.path:
        return nul
    if _has_nul(_items(request.args)):
        return nul
    limit = max_json_depth()
    deep = _("The JSON in the request is nested more than {limit} levels deep.").format(limit=limit)
    if request.mimetype in _FORM_TYPES:
        try:
            fields = _items(request.form)
        except RequestEntityTooLarge:
            # a form beyond Werkzeug's limits: the view refuses it with its
            # own message (e.g. the SSO sign-in response), or Werkzeug with 413
            return None
        if _has_nul(fields) or _has_nul(f.filename for f in request.files.values()):
            return nul
        # the Action API reads a form whose only key is a JSON document
        if any(isinstance(f, str) and _JSON_NUL.search(f) for f in fields):
            return nul
        if any(isinstance(f, str) and json_depth_exceeds(f, limit) for f in fields):
            return deep
    text = _body_text()
    if text is not None:
        if NUL in text or _JSON_NUL.search(text):
            return nul
        if json_depth_exceeds(text, limit):
            return deep
    if _malformed_dataset_form():
        return _("The form is incomplete or malformed: reload the page and try again.")
    return None


def _malformed_dataset_form() -> bool:
    """A dataset or resource form POST that CKAN 2.12's views cannot read:
    the resource form without its hidden ``id`` or ``save`` field
    (``CreateView.post`` reads both as ``data[...]``), or a dataset form
    with a plain ``tags`` field (the form sends ``tag_string``; on a
    validation error the view re-renders with ``dict_list_reduce(tags)``,
    an AttributeError on a string)."""
    if request.method != "POST" or "package_type" not in (request.view_args or {}):
        return False
    endpoint = request.endpoint or ""
    if endpoint.endswith("_resource.new"):
        return not ("id" in request.form and "save" in request.form)
    return endpoint.rsplit(".", 1)[-1] in ("new", "edit") and "tags" in request.form


def _is_api() -> bool:
    path = request.path
    return path.startswith("/api/") or bool(re.match(r"^/[a-z]{2}(?:_[A-Za-z]{2})?/api/", path))


def refuse_bad_input():
    """``before_request``: a 400 for the inputs above, JSON on the API; on
    the Action API also a 409 for parameters of the wrong type
    (:mod:`ckanext.angiang.api_params`)."""
    message = problem()
    if message is None:
        params = api_params.request_params()
        errors = api_params.errors_of(params, api_params.action_name()) if params else None
        if errors:
            return _api_error(dict(errors, __type="Validation Error"), 409)
        return None
    if _is_api():
        return _api_error({"__type": "Bad Request", "message": message}, 400)
    return tk.abort(400, message)


def _api_error(error: dict[str, Any], status: int):
    """CKAN's Action API error envelope (``views/api.py``), ``help`` included."""
    name = request.path.rstrip("/").rsplit("/", 1)[-1] if "/action/" in request.path else ""
    response = jsonify(
        {
            "help": tk.h.url_for(
                "api.action", logic_function="help_show", ver=3, name=name or None, qualified=True
            ),
            "success": False,
            "error": error,
        }
    )
    response.status_code = status
    return response
