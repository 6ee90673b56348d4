"""Validation schemas of the catalogue actions (check → validate → act)."""

from __future__ import annotations

import datetime
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.angiang.catalogue import entries, status, words

_ = tk._
Invalid = tk.Invalid


def angiang_catalogue_agency(value: Any) -> str:
    """An agency's id, name, code or title → its id."""
    ids = entries.agency_ids(str(value)) if value else []
    if len(ids) != 1:
        raise Invalid(
            _('No agency of the portal is called "{value}".').format(value=value)
            if not ids
            else _("This names several agencies; use its URL name.")
        )
    return ids[0]


def angiang_catalogue_frequency(value: Any) -> str:
    code = words.frequency(value)
    if code is None:
        raise Invalid(_('Unknown update frequency (e.g. ANNUAL, "hằng năm", "khi có thay đổi").'))
    return code


def angiang_catalogue_formats(value: Any) -> list[str]:
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    out = words.formats(value)
    if out is None:
        raise Invalid(_('List format names such as "CSV, XLSX".'))
    return out


def angiang_catalogue_code(value: Any) -> str:
    reason = entries.code_problem(str(value))
    if reason:
        raise Invalid(reason)
    return str(value).strip()


def angiang_catalogue_date(value: Any) -> datetime.date:
    found = words.due_date(value)
    if found is None:
        raise Invalid(_("Write a date as YYYY-MM-DD or DD/MM/YYYY."))
    return found


def angiang_catalogue_publication_status(value: Any) -> str:
    if value not in status.PUBLICATION_STATES:
        raise Invalid(
            _("Must be one of: {values}.").format(values=", ".join(status.PUBLICATION_STATES))
        )
    return value


def _v(*names: str) -> list:
    return [tk.get_validator(n) for n in names]


def _decision(required: bool) -> dict[str, list]:
    first = "not_empty" if required else "ignore_missing"
    return {
        "decision_number": _v(first, "unicode_safe", "strip_value"),
        "decision_date": [*_v(first), angiang_catalogue_date],
        "decision_title": _v("ignore_missing", "unicode_safe"),
    }


def entry_fields(required: bool) -> dict[str, list]:
    first = _v("not_empty") if required else _v("ignore_missing")
    return {
        "title": [*first, *_v("unicode_safe", "strip_value")],
        "agency": [*first, angiang_catalogue_agency],
        "frequency": [*first, angiang_catalogue_frequency],
        "due_date": [*first, angiang_catalogue_date],
        "formats": [*_v("ignore_missing"), angiang_catalogue_formats],
        "sector": _v("ignore_missing", "unicode_safe", "strip_value"),
        "notes": _v("ignore_missing", "unicode_safe"),
        "source": _v("ignore_missing", "unicode_safe", "strip_value"),
    }


def entry_create() -> dict[str, list]:
    return {
        "code": [*_v("not_empty"), angiang_catalogue_code],
        **entry_fields(True),
        **_decision(True),
    }


def entry_update() -> dict[str, list]:
    return {"code": _v("not_empty", "unicode_safe"), **entry_fields(False), **_decision(False)}


def entry_withdraw() -> dict[str, list]:
    return {"code": _v("not_empty", "unicode_safe"), **_decision(True)}


def entry_show() -> dict[str, list]:
    return {"code": _v("not_empty", "unicode_safe")}


def entry_list() -> dict[str, list]:
    return {
        "agency": [*_v("ignore_missing"), angiang_catalogue_agency],
        "publication_status": [*_v("ignore_missing"), angiang_catalogue_publication_status],
        "include_withdrawn": _v("ignore_missing", "boolean_validator"),
    }


def appendix_import() -> dict[str, list]:
    return {
        "upload": _v("not_empty"),
        **_decision(True),
        "replace": _v("ignore_missing", "boolean_validator"),
    }


# --- usage and the six-month report (Art. 17.2) --------------------------------


def angiang_report_period(value: Any):
    from ckanext.angiang.catalogue import period

    try:
        return period.parse(value)
    except ValueError:
        raise Invalid(_("Write a half-year as YYYYH1 or YYYYH2, e.g. 2026H1.")) from None


def angiang_usage_limit(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise Invalid(_("Must be a whole number from 1 to 100.")) from None
    if not 1 <= number <= 100:
        raise Invalid(_("Must be a whole number from 1 to 100."))
    return number


def usage_top() -> dict[str, list]:
    return {
        "limit": [*_v("ignore_missing"), angiang_usage_limit],
        "period": [*_v("ignore_missing"), angiang_report_period],
    }


def usage_summary() -> dict[str, list]:
    return {
        "id": _v("ignore_missing", "unicode_safe"),
        "agency": [*_v("ignore_missing"), angiang_catalogue_agency],
        "period": [*_v("ignore_missing"), angiang_report_period],
    }


def report_show() -> dict[str, list]:
    return {"period": [*_v("not_empty"), angiang_report_period]}


def source_exempt() -> dict[str, list]:
    return {
        "source": _v("not_empty", "unicode_safe"),
        "exempt": _v("ignore_missing", "boolean_validator"),
    }


# --- the compliance dashboard (Art. 11.1a, 15) ---------------------------------


def _one_of(states: tuple[str, ...]):
    def validator(value: Any) -> str:
        if value not in states:
            raise Invalid(_("Must be one of: {values}.").format(values=", ".join(states)))
        return value

    return validator


def compliance_summary() -> dict[str, list]:
    return {"agency": [*_v("ignore_missing"), angiang_catalogue_agency]}


def _at_most_list_limit(value: Any) -> int:
    from ckanext.angiang.catalogue.dashboard import LIST_LIMIT

    return min(int(value), LIST_LIMIT)


def _problem_list(states: tuple[str, ...]) -> dict[str, list]:
    return {
        "agency": [*_v("ignore_missing"), angiang_catalogue_agency],
        "id": _v("ignore_missing", "unicode_safe", "package_id_or_name_exists"),
        "status": [*_v("ignore_missing"), _one_of(states)],
        "limit": [*_v("ignore_missing", "natural_number_validator"), _at_most_list_limit],
        "offset": _v("ignore_missing", "natural_number_validator"),
    }


def link_status() -> dict[str, list]:
    from ckanext.angiang.catalogue import model as cm

    return _problem_list(cm.LINK_STATES)


def integrity_report() -> dict[str, list]:
    from ckanext.angiang.catalogue import model as cm

    return _problem_list(cm.FILE_STATES)
