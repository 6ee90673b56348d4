"""Freshness (Art. 8.3: agencies update on the period the catalogue sets;
Art. 12.2: data must be "live"): each dataset's next due date from its
update frequency and its last real data update.

- The frequency is that of the dataset's catalogue entry when it names one
  in force (the obligation), else the dataset's own ``frequency``.
- The last real data update is the last time a resource was added or its
  file, URL, size, hash or last-modified date changed (recorded by
  :func:`record` from the dataset hooks); a metadata edit does not count.
- Irregular, continuous-as-needed, never and unknown frequencies have no
  due date: such a dataset is never overdue.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ckanext.angiang.catalogue import model as cm
from ckanext.angiang.catalogue.period import local_today

#: Indexed states (the search facet ``freshness``).
OVERDUE, CURRENT, UNSCHEDULED = "overdue", "current", "unscheduled"
STATES = (OVERDUE, CURRENT, UNSCHEDULED)
FIELD = "freshness"

#: Months (or days) per frequency of the vocabulary.
_MONTHS = {"MONTHLY": 1, "QUARTERLY": 3, "ANNUAL_2": 6, "ANNUAL": 12, "BIENNIAL": 24}
_DAYS = {"DAILY": 1, "CONT": 1, "WEEKLY": 7}


def add_months(day: datetime.date, months: int) -> datetime.date:
    import calendar

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(frequency: str | None, data_updated: datetime.datetime | None) -> datetime.date | None:
    """When the next data update is due (None: no schedule)."""
    if data_updated is None or not frequency:
        return None
    day = data_updated.date() if isinstance(data_updated, datetime.datetime) else data_updated
    grace = datetime.timedelta(days=tk.config.get("ckanext.angiang.freshness.grace_days"))
    if frequency in _MONTHS:
        return add_months(day, _MONTHS[frequency]) + grace
    if frequency in _DAYS:
        return day + datetime.timedelta(days=_DAYS[frequency]) + grace
    return None


def state(due: datetime.date | None, today: datetime.date | None = None) -> str:
    if due is None:
        return UNSCHEDULED
    return OVERDUE if due < (today or local_today()) else CURRENT


def _signatures(package_id: str) -> dict[str, str]:
    r = model.resource_table
    rows = model.Session.execute(
        sa.select(r.c.id, r.c.url, r.c.hash, r.c.size, r.c.last_modified).where(
            r.c.package_id == package_id, r.c.state == "active"
        )
    )
    return {row.id: "|".join("" if v is None else str(v) for v in row[1:]) for row in rows}


def record(package_id: str) -> None:
    """After a dataset is saved: if a resource's data is new or changed, the
    data was updated now. Runs in the caller's transaction."""
    if not cm.ready(model.Session):
        return
    now = datetime.datetime.utcnow()
    signatures = _signatures(package_id)
    t = cm.freshness
    previous = model.Session.execute(
        sa.select(t.c.resources).where(t.c.package_id == package_id).with_for_update()
    ).scalar()
    if previous is None:
        model.Session.execute(
            insert(t)
            .values(package_id=package_id, data_updated=now, resources=signatures, indexed_state="")
            .on_conflict_do_nothing()
        )
        return
    changed = any(previous.get(rid) != sig for rid, sig in signatures.items())
    values: dict[str, Any] = {"resources": signatures}
    if changed:
        values["data_updated"] = now
    if changed or previous != signatures:
        model.Session.execute(t.update().where(t.c.package_id == package_id).values(**values))


def _rows(
    package_ids: Iterable[str] | None = None,
    public_only: bool = False,
    agency_id: str | None = None,
):
    """(package id, name, title, owner_org, private, frequency in force,
    data_updated, indexed_state) of active datasets (public ones only, of one
    agency only: filtered in SQL)."""
    p, f, e = model.package_table, cm.freshness, cm.entry
    frequency = sa.func.coalesce(e.c.frequency, p.c.extras["frequency"].astext)
    q = (
        sa.select(
            p.c.id,
            p.c.name,
            p.c.title,
            p.c.owner_org,
            p.c.private,
            frequency.label("frequency"),
            f.c.data_updated,
            f.c.indexed_state,
        )
        .join(f, f.c.package_id == p.c.id)
        .outerjoin(
            e, sa.and_(e.c.code == p.c.extras["catalogue_code"].astext, e.c.status == cm.ACTIVE)
        )
        .where(p.c.state == "active", p.c.type == "dataset")
    )
    if package_ids is not None:
        q = q.where(p.c.id.in_(list(package_ids)))
    if public_only:
        q = q.where(p.c.private.is_(False))
    if agency_id:
        q = q.where(p.c.owner_org == agency_id)
    if public_only:  # published data is an agency's (Art. 8.2): no agency, no duty
        q = q.where(p.c.owner_org.isnot(None))
    return model.Session.execute(q).mappings()


def of_dataset(package_id: str, today: datetime.date | None = None) -> dict[str, Any]:
    """``{state, next_due, data_updated, frequency}`` of one dataset."""
    for row in _rows([package_id]):
        due = next_due(row["frequency"], row["data_updated"])
        return {
            "state": state(due, today),
            "next_due": due,
            "frequency": row["frequency"],
            "data_updated": row["data_updated"],
        }
    return {"state": UNSCHEDULED, "next_due": None, "frequency": None, "data_updated": None}


def overdue(
    today: datetime.date | None = None, public_only: bool = True, agency_id: str | None = None
) -> list[dict[str, Any]]:
    """The overdue datasets with their due dates, by agency then title."""
    out = []
    for row in _rows(public_only=public_only, agency_id=agency_id):
        due = next_due(row["frequency"], row["data_updated"])
        if state(due, today) == OVERDUE:
            out.append(dict(row, next_due=due))
    return sorted(out, key=lambda r: (r["owner_org"] or "", r["title"] or ""))


def index_field(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_index``: the ``freshness`` facet value, noted as
    indexed (in the indexing transaction) so :func:`refresh_index` only
    re-indexes what time has changed."""
    if pkg_dict.get("id") and cm.ready(model.Session):
        pkg_dict[FIELD] = of_dataset(pkg_dict["id"])["state"]
        model.Session.execute(
            cm.freshness.update()
            .where(cm.freshness.c.package_id == pkg_dict["id"])
            .values(indexed_state=pkg_dict[FIELD])
        )
    return pkg_dict


def facet_label(value: str) -> str:
    return {
        OVERDUE: tk._("Update overdue"),
        CURRENT: tk._("Up to date"),
        UNSCHEDULED: tk._("No fixed schedule"),
    }.get(value, value)


def add_facet(facets_dict):
    facets_dict[FIELD] = tk._("Update status")
    return facets_dict


def label_facet(search_results: dict[str, Any]) -> dict[str, Any]:
    """``after_dataset_search``: the facet's values in the page's language."""
    for item in ((search_results.get("search_facets") or {}).get(FIELD) or {}).get("items", []):
        item["display_name"] = facet_label(item["name"])
    return search_results


def refresh_index(today: datetime.date | None = None) -> int:
    """Re-index the datasets whose state changed since they were indexed
    (time passes without a write: a dataset becomes overdue); their count."""
    from ckan.lib.search import rebuild

    changed = []
    for row in _rows():
        now_state = state(next_due(row["frequency"], row["data_updated"]), today)
        if now_state != row["indexed_state"]:
            changed.append((row["id"], now_state))
    for package_id, now_state in changed:
        model.Session.execute(
            cm.freshness.update()
            .where(cm.freshness.c.package_id == package_id)
            .values(indexed_state=now_state)
        )
    model.Session.commit()
    for package_id, _state in changed:
        rebuild(package_id)
    return len(changed)
