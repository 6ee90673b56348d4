"""Template helpers of the catalogue pages and the dataset form."""

from __future__ import annotations

import datetime
from typing import Any

from ckanext.angiang.catalogue import entries, freshness, status
from ckanext.angiang.metadata import vocabularies
from ckanext.angiang.metadata_views.helpers import current_lang

__all__ = [
    "angiang_catalogue_choices",
    "angiang_catalogue_status_label",
    "angiang_catalogue_frequency_label",
    "angiang_catalogue_entry",
    "angiang_freshness",
    "angiang_render_date",
    "angiang_review",
    "angiang_usage",
    "angiang_compliance_rating_label",
    "angiang_compliance_state_label",
]


def angiang_catalogue_choices(owner_org: str | None) -> list[dict[str, Any]]:
    """The entries in force of the dataset's agency (all, without one), for
    the dataset form's list of codes."""
    import ckan.model as model

    group = model.Group.get(owner_org) if owner_org else None
    return [
        {"value": e["code"], "label": f"{e['code']} — {e['title']}"}
        for e in status.entries(agency_id=group.id if group else None)
    ]


def angiang_catalogue_status_label(value: str) -> str:
    return status.status_label(value)


def angiang_catalogue_frequency_label(value: str) -> str:
    return vocabularies.label("frequency", value, current_lang())


def angiang_catalogue_entry(code: str | None) -> dict[str, Any] | None:
    """The entry a dataset names (any state), for its page."""
    return entries.get(code) if code else None


def angiang_freshness(package_id: str) -> dict[str, Any]:
    """The dataset's freshness: state, next due date, last data update."""
    return freshness.of_dataset(package_id)


def angiang_render_date(value: Any) -> str:
    """A day (``datetime.date``: a due date) as CKAN renders dates.
    ``h.render_datetime`` renders a date object as nothing; a day becomes its
    noon UTC, which falls on the same day in every zone from UTC-12 to UTC+11
    (An Giang is UTC+7)."""
    import ckan.plugins.toolkit as tk

    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time(12))
    return tk.h.render_datetime(value)


def angiang_review(package_id: str, owner_org: str | None) -> dict[str, Any]:
    """The dataset's review status and whether the current user reviews it."""
    import ckan.plugins.toolkit as tk

    from ckanext.angiang.catalogue import review

    user = tk.current_user.name if tk.current_user.is_authenticated else ""
    found = review.events(package_id)
    return {
        "status": review.status(package_id),
        "events": found,
        "reviewer": bool(user and owner_org and review.is_reviewer(user, owner_org)),
    }


def angiang_usage(package_id: str) -> dict[str, int]:
    """The dataset's uses by kind (views, downloads, API calls), all time
    (the page shows it only to who may see the dataset)."""
    from ckanext.angiang.catalogue import usage

    return usage.of_dataset(package_id)


def angiang_compliance_rating_label(value: str | None) -> str:
    """An MQA rating (Excellent, Good, Sufficient, Bad) in the page language."""
    import ckan.plugins.toolkit as tk

    return {
        "Excellent": tk._("Excellent"),
        "Good": tk._("Good"),
        "Sufficient": tk._("Sufficient"),
        "Bad": tk._("Bad"),
    }.get(value or "", value or "")


def angiang_compliance_state_label(value: str) -> str:
    """A link or stored-file check state in the page language."""
    import ckan.plugins.toolkit as tk

    return {
        "ok": tk._("OK"),
        "broken": tk._("Broken (HTTP error)"),
        "unreachable": tk._("Unreachable (timeout, no connection)"),
        "refused": tk._("Refused (not HTTP, or an internal address)"),
        "mismatch": tk._("Checksum mismatch"),
        "missing": tk._("File missing"),
        "unverified": tk._("No checksum recorded"),
    }.get(value, value)
