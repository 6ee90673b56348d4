"""Types of the Action API's common parameters, checked before any action.

CKAN's actions read many parameters without validating them:
``package_show?id=a&id=b`` (the API turns a repeated key into a list),
``dataset_purge {"id": ["..."]}``, ``organization_show?include_datasets=maybe``,
``tag_autocomplete?limit=abc``, ``user_create {"email": [...]}`` either
answered 500 or, worse, acted on the list (a one-element list of ids
purged, deleted or edited the dataset). Whatever the action, these names
mean one thing in CKAN's API, so one rule per name is checked on every
Action API request, as CKAN's own ``ValidationError`` (HTTP 409):

- identifiers and single strings (``id``, ``package_id``, ``name``...):
  a string or a number, never a list or an object;
- flags (``all_fields``, ``include_*``...): true/false, yes/no, on/off, 1/0;
- counts (``limit``, ``offset``, ``page``...): a whole number.

One exception by action: ``datastore_search`` takes ``q`` as a string or as
an object of column -> words (``{"q": {"Phường": "Mỹ Phước"}}``, the
DataStore API's per-column full-text search, Art. 5.2b); a list is still
refused.
"""

from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from flask import request

_ = tk._

SCALARS = frozenset(
    {
        "id",
        "package_id",
        "resource_id",
        "owner_org",
        "org_id",
        "group_id",
        "user_id",
        "username",
        "user",
        "object",
        "object_type",
        "name",
        "email",
        "password",
        "url",
        "vocabulary_id",
        "view_type",
        "capacity",
        "role",
        "type",
        "q",
        "format",
        "title",
        "notes",
    }
)
FLAGS = frozenset(
    {
        "all_fields",
        "include_datasets",
        "include_extras",
        "include_users",
        "include_groups",
        "include_tags",
        "include_followers",
        "include_dataset_count",
        "include_member_count",
        "include_private",
        "include_drafts",
        "include_deleted",
        "include_withdrawn",
        "include_plugin_extras",
        "include_num_followers",
        "use_default_schema",
        "private",
        # the portal's review switches (angiang_review_policy_update,
        # angiang_review_source_exempt): "maybe" must not turn review off
        "required",
        "exempt",
    }
)
COUNTS = frozenset({"limit", "offset", "rows", "start", "page"})
#: Actions of CKAN 2.12 that answer an empty count (``?limit=``) with a 500
#: (``int('')``, or ``None < 0``): there an empty count is refused too.
EMPTY_COUNT_CRASHES = frozenset(
    {
        "package_list",
        "current_package_list_with_resources",
        "package_activity_list",
        "group_activity_list",
        "organization_activity_list",
        "user_activity_list",
        "recently_changed_packages_activity_list",
        "dashboard_activity_list",
    }
)
# scalars that an action also takes as an object
OBJECTS_ALLOWED = {"datastore_search": frozenset({"q"})}

_FLAG_WORDS = {"true", "false", "yes", "no", "on", "off", "1", "0", "t", "f", "y", "n"}
_WHOLE = re.compile(r"^\s*\+?\d{1,18}\s*$")  # never negative (an OFFSET < 0 is a 500)
_ACTION_PATH = re.compile(r"^(?:/[a-z]{2}(?:_[A-Za-z]{2})?)?/api/(?:\d/)?action/[\w-]+$")


def is_flag(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return value in (0, 1)
    return isinstance(value, str) and value.strip().lower() in _FLAG_WORDS | {""}


def _is_count(value: Any) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value < 2**63
    if isinstance(value, float):
        return value.is_integer() and 0 <= value < 2**63
    return isinstance(value, str) and bool(_WHOLE.match(value))


def errors_of(params: dict[str, Any], action: str | None = None) -> dict[str, list[str]]:
    """Field errors of ``params`` (an Action API request's data for
    ``action``)."""
    errors: dict[str, list[str]] = {}
    objects = OBJECTS_ALLOWED.get(action or "", frozenset())
    for key, value in params.items():
        if key in objects and isinstance(value, dict):
            continue
        if key in SCALARS and isinstance(value, (list, dict)):
            errors[key] = [_("Expecting a single value, not a list or an object.")]
        elif key in FLAGS and not is_flag(value):
            errors[key] = [_("Expecting true or false.")]
        elif key in COUNTS and (
            not _is_count(value) or (value == "" and action in EMPTY_COUNT_CRASHES)
        ):
            errors[key] = [_("Expecting a whole number.")]
    return errors


def _mixed(multidict) -> dict[str, Any]:
    """A repeated key as a list, as CKAN's API reads query strings and forms."""
    out: dict[str, Any] = {}
    for key, values in multidict.lists():
        out[key] = values[0] if len(values) == 1 else values
    return out


def action_name() -> str | None:
    """The action the current Action API request calls, or None elsewhere."""
    if not _ACTION_PATH.match(request.path):
        return None
    return request.path.rstrip("/").rsplit("/", 1)[-1]


def request_params() -> dict[str, Any] | None:
    """The current Action API request's data as CKAN's API will read it
    (``views/api.py`` ``_get_request_data``), or None elsewhere."""
    if not _ACTION_PATH.match(request.path):
        return None
    if request.method in ("POST", "PUT") and request.form:
        keys = list(request.form.keys())
        values = list(request.form.values())
        # the body is one JSON document (CKAN's views/api.py: value "" or "1")
        if len(keys) == 1 and values[0] in ("", "1"):
            try:
                data = json.loads(keys[0])
            except ValueError:
                return None
            return data if isinstance(data, dict) else None
        return _mixed(request.form)
    if request.args and request.method == "GET":
        return _mixed(request.args)
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None
