"""The catalogue's API actions: check access → validate → act."""

from __future__ import annotations

import datetime
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.angiang.catalogue import entries, schema, status
from ckanext.angiang.catalogue import model as cm
from ckanext.angiang.catalogue.spreadsheet import AppendixError

_ = tk._

__all__ = [
    "angiang_catalogue_entry_list",
    "angiang_catalogue_entry_show",
    "angiang_catalogue_decision_list",
    "angiang_catalogue_import",
    "angiang_catalogue_entry_create",
    "angiang_catalogue_entry_update",
    "angiang_catalogue_entry_withdraw",
]


def _validated(context, data_dict, schema_: dict) -> dict[str, Any]:
    data, errors = tk.navl_validate(data_dict, schema_, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def _out(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _out(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_out(v) for v in value]
    return value


def _user(context) -> str:
    return context.get("user") or ""


@tk.side_effect_free
def angiang_catalogue_entry_list(context, data_dict):
    """The entries in force (``include_withdrawn`` for all), with each one's
    publication status; ``agency`` and ``publication_status`` filter."""
    tk.check_access("angiang_catalogue_entry_list", context, data_dict)
    data = _validated(context, data_dict, schema.entry_list())
    items = status.entries(
        agency_id=data.get("agency"), include_withdrawn=data.get("include_withdrawn", False)
    )
    if data.get("publication_status"):
        items = [i for i in items if i["publication_status"] == data["publication_status"]]
    return _out(items)


@tk.side_effect_free
def angiang_catalogue_entry_show(context, data_dict):
    """One entry (also a withdrawn one), its public datasets and history."""
    tk.check_access("angiang_catalogue_entry_show", context, data_dict)
    data = _validated(context, data_dict, schema.entry_show())
    found = status.entries(code=data["code"], include_withdrawn=True)
    if not found:
        raise tk.ObjectNotFound(_("No catalogue entry has this code."))
    item = found[0]
    item["datasets"] = status.datasets_of(item["code"])
    item["history"] = status.history(item["code"])
    if not authz.is_sysadmin(context.get("user")):
        for change in item["history"]:  # who changed it: for the DIC only
            change.pop("changed_by", None)
    return _out(item)


@tk.side_effect_free
def angiang_catalogue_decision_list(context, data_dict):
    tk.check_access("angiang_catalogue_decision_list", context, data_dict)
    items = status.decisions()
    if not authz.is_sysadmin(context.get("user")):  # who imported: for the DIC only
        for item in items:
            item.pop("imported_by", None)
    return _out(items)


def _read_upload(upload: Any) -> tuple[bytes, str]:
    if isinstance(upload, (bytes, bytearray)):
        return bytes(upload), ""
    stream = getattr(upload, "stream", None) or getattr(upload, "file", None)
    if stream is None:
        raise tk.ValidationError({"upload": [_("Upload the appendix as a file (XLSX or CSV).")]})
    limit_mb = tk.config.get("ckanext.angiang.catalogue.max_upload_mb")
    data = stream.read(limit_mb * 1024 * 1024 + 1)
    if len(data) > limit_mb * 1024 * 1024:
        raise tk.ValidationError(
            {"upload": [_("The file is larger than {size} MB.").format(size=limit_mb)]}
        )
    return data, getattr(upload, "filename", "") or ""


def _appendix_errors(e: AppendixError) -> tk.ValidationError:
    return tk.ValidationError({"rows": [p.as_dict() for p in e.problems]})


def angiang_catalogue_import(context, data_dict):
    """Import a decision's appendix (XLSX/CSV ``upload``): all rows or none;
    the errors list every problem as ``{row, column, message}``."""
    tk.check_access("angiang_catalogue_import", context, data_dict)
    data = _validated(context, data_dict, schema.appendix_import())
    content, filename = _read_upload(data["upload"])
    try:
        return entries.import_appendix(
            content,
            filename,
            data["decision_number"],
            data["decision_date"],
            data.get("decision_title", ""),
            _user(context),
            replace=data.get("replace", False),
        )
    except AppendixError as e:
        raise _appendix_errors(e) from None


def _decision_id(data: dict[str, Any], context) -> str | None:
    if not data.get("decision_number"):
        return None
    if not data.get("decision_date"):
        raise tk.ValidationError({"decision_date": [_("Missing value")]})
    try:
        dec = entries.ensure_decision(
            data["decision_number"],
            data["decision_date"],
            data.get("decision_title", ""),
            _user(context),
            new=False,
        )
    except AppendixError as e:
        raise tk.ValidationError({"decision_date": [e.problems[0].message]}) from None
    return dec["id"]


def _entry_values(data: dict[str, Any]) -> dict[str, Any]:
    values = {
        k: v
        for k, v in data.items()
        if k in ("code", "title", "frequency", "due_date", "formats", "sector", "notes", "source")
    }
    if "agency" in data:
        values["agency_id"] = data["agency"]
    return values


def _finish(code: str, context) -> dict[str, Any]:
    model.Session.commit()
    return angiang_catalogue_entry_show(context, {"code": code})


def angiang_catalogue_entry_create(context, data_dict):
    """Add one entry by a decision (number and date)."""
    tk.check_access("angiang_catalogue_entry_create", context, data_dict)
    data = _validated(context, data_dict, schema.entry_create())
    current = entries.get(data["code"])
    if current and current["status"] == cm.ACTIVE:
        raise tk.ValidationError(
            {"code": [_("Entry {code} is already in the catalogue.").format(code=data["code"])]}
        )
    decision_id = _decision_id(data, context)
    entries.add(_entry_values(data), decision_id, _user(context))
    return _finish(data["code"], context)


def angiang_catalogue_entry_update(context, data_dict):
    """Amend an entry by a later decision (``decision_number``, ``decision_date``)
    or, without one, correct a clerical error; both are kept in the history."""
    tk.check_access("angiang_catalogue_entry_update", context, data_dict)
    data = _validated(context, data_dict, schema.entry_update())
    if entries.get(data["code"]) is None:
        raise tk.ObjectNotFound(_("No catalogue entry has this code."))
    decision_id = _decision_id(data, context)
    entries.amend(data["code"], _entry_values(data), decision_id, _user(context))
    return _finish(data["code"], context)


def angiang_catalogue_entry_withdraw(context, data_dict):
    """Withdraw an entry by a later decision; its history stays."""
    tk.check_access("angiang_catalogue_entry_withdraw", context, data_dict)
    data = _validated(context, data_dict, schema.entry_withdraw())
    current = entries.get(data["code"])
    if current is None:
        raise tk.ObjectNotFound(_("No catalogue entry has this code."))
    if current["status"] != cm.ACTIVE:
        raise tk.ValidationError({"code": [_("This entry is already withdrawn.")]})
    entries.withdraw(data["code"], _decision_id(data, context), _user(context))
    return _finish(data["code"], context)
