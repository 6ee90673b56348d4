"""Input that CKAN 2.12's actions do not check before using it (issue 17,
item 8), refused with a field-level ``ValidationError`` (HTTP 409 on the
API, the form's error summary on pages) instead of a 500:

- ``package_search``: ``include_private=maybe`` (``asbool`` raises
  ValueError), a parameter given twice (``rows=1&rows=2`` becomes a list that
  ``int()`` cannot read), lists or objects where a string is expected;
- ``package_create``/``package_update`` and the group/organization writes:
  ``tags`` (``resources``, ``extras``...) as a string; CKAN's validation
  raises DataError there, which its API answers with a 400 echoing the whole
  submitted dataset. The shapes are read from the schema the action will
  validate with (scheming's repeating subfields included);
- ``bulk_update_public|private|delete``: ``datasets`` as a string
  (``IN ('a', 'b', ...)`` over its characters, or an SQL error), and the
  access check comes before anything is read.
"""

from __future__ import annotations

from typing import Any

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk

_ = tk._

__all__ = [
    "package_search",
    "package_create",
    "package_update",
    "organization_create",
    "organization_update",
    "group_create",
    "group_update",
    "bulk_update_public",
    "bulk_update_private",
    "bulk_update_delete",
]

_TRUE = {"true", "1", "yes", "on", "t", "y"}
_FALSE = {"false", "0", "no", "off", "f", "n", ""}
SEARCH_BOOLEANS = ("include_private", "include_drafts", "include_deleted", "use_default_schema")
#: package_search parameters read as one value (a string or a number)
SEARCH_SCALARS = (
    "q",
    "fq",
    "sort",
    "rows",
    "start",
    "defType",
    "mm",
    "qf",
    "q.op",
    "facet",
    "facet.limit",
    "facet.mincount",
    "fl",
    "df",
    "bf",
    "pf",
)
#: package_search parameters that are lists of strings (or one string)
SEARCH_LISTS = ("fq_list", "facet.field")


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, str)) and str(value).strip().lower() in _TRUE | _FALSE:
        return str(value).strip().lower() in _TRUE
    raise ValueError(value)


def search_parameter_errors(data_dict: dict[str, Any]) -> dict[str, list[str]]:
    """Field errors of ``package_search`` parameters CKAN would crash on."""
    errors: dict[str, list[str]] = {}
    for key in SEARCH_BOOLEANS:
        if key in data_dict:
            try:
                _boolean(data_dict[key])
            except ValueError:
                errors[key] = [_("Expecting true or false.")]
    for key in SEARCH_SCALARS:
        value = data_dict.get(key)
        if isinstance(value, list):
            errors[key] = [_("Give this parameter only once.")]
        elif value is not None and not isinstance(value, (str, int, float)):
            errors[key] = [_("Expecting a single value.")]
    for key in SEARCH_LISTS:
        value = data_dict.get(key)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[key] = [_("Expecting a list of strings.")]
    return errors


@tk.chained_action
@tk.side_effect_free
def package_search(original_action, context, data_dict):
    """CKAN's ``package_search`` after a check of the parameters it reads
    without validating."""
    errors = search_parameter_errors(data_dict)
    if errors:
        raise tk.ValidationError(errors)
    for key in SEARCH_BOOLEANS:
        if key in data_dict:
            data_dict = dict(data_dict, **{key: _boolean(data_dict[key])})
    return original_action(context, data_dict)


# --- shapes of nested fields --------------------------------------------------


def shape_errors(schema: dict[str, Any], data: Any) -> dict[str, list[str]]:
    """Errors for every key of ``data`` whose ``schema`` entry is a
    sub-schema (a dict) but whose value is not a list of objects, at any
    depth; CKAN's validation raises DataError on those."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        return errors
    for key, sub in schema.items():
        if not isinstance(sub, dict) or data.get(key) in (None, ""):
            continue
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            errors[key] = _field_error(key, _("Expecting a list of objects."))
            continue
        for item in value:
            nested = shape_errors(sub, item)
            if nested:
                errors[key] = _field_error(
                    key,
                    _("Expecting a list of objects.")
                    + " "
                    + ", ".join(f"{k}: {' '.join(map(str, v))}" for k, v in sorted(nested.items())),
                )
                break
    return errors


def _field_error(key: str, message: str) -> list[Any]:
    # CKAN's ValidationError reads a "tags" error as [{"name": [...]}]
    return [{"name": [message]}] if key == "tags" else [message]


def _dataset_type(data_dict: dict[str, Any]) -> str:
    kind = data_dict.get("type")
    if isinstance(kind, str) and kind:
        return kind
    ref = data_dict.get("id") or data_dict.get("name")
    pkg = model.Package.get(ref) if isinstance(ref, str) and ref else None
    return pkg.type if pkg is not None and pkg.type else "dataset"


def _check_dataset_shapes(context, data_dict, create: bool) -> None:
    schema = context.get("schema")
    if schema is None:
        plugin = lib_plugins.lookup_package_plugin(_dataset_type(data_dict))
        schema = plugin.create_package_schema() if create else plugin.update_package_schema()
    errors = shape_errors(schema, data_dict)
    if errors:
        raise tk.ValidationError(errors)


@tk.chained_action
def package_create(original_action, context, data_dict):
    _check_dataset_shapes(context, data_dict, create=True)
    return original_action(context, data_dict)


@tk.chained_action
def package_update(original_action, context, data_dict):
    _check_dataset_shapes(context, data_dict, create=False)
    return original_action(context, data_dict)


def _group_chain(is_org: bool, create: bool):
    @tk.chained_action
    def chained(original_action, context, data_dict):
        schema = context.get("schema")
        if schema is None:
            kind = data_dict.get("type") if isinstance(data_dict.get("type"), str) else None
            plugin = lib_plugins.lookup_group_plugin(
                kind or ("organization" if is_org else "group")
            )
            schema = plugin.create_group_schema() if create else plugin.update_group_schema()
        errors = shape_errors(schema, data_dict)
        if errors:
            raise tk.ValidationError(errors)
        return original_action(context, data_dict)

    return chained


organization_create = _group_chain(True, True)
organization_update = _group_chain(True, False)
group_create = _group_chain(False, True)
group_update = _group_chain(False, False)


# --- bulk updates -------------------------------------------------------------


def check_bulk_update(action: str, context, data_dict) -> list[str]:
    """Access first, then the parameters; returns the dataset ids."""
    org_id = data_dict.get("org_id")
    if not isinstance(org_id, str) or not org_id.strip():
        raise tk.ValidationError({"org_id": [_("Missing value")]})
    tk.check_access(action, context, data_dict)
    datasets = data_dict.get("datasets")
    if not isinstance(datasets, list) or not all(isinstance(d, str) for d in datasets):
        raise tk.ValidationError({"datasets": [_("Expecting a list of dataset ids.")]})
    return datasets


def _bulk_chain(action: str):
    @tk.chained_action
    def chained(original_action, context, data_dict):
        check_bulk_update(action, context, data_dict)
        return original_action(context, data_dict)

    chained.__name__ = action
    return chained


bulk_update_public = _bulk_chain("bulk_update_public")
bulk_update_private = _bulk_chain("bulk_update_private")
bulk_update_delete = _bulk_chain("bulk_update_delete")
