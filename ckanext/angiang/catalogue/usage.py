"""Usage figures (Art. 17.2: the DIC reports every six months on the use of
the portal): page views, downloads and API calls per dataset and day.

Counted by the portal itself, no third-party tracker and no script in the
page. CKAN's own ``tracking`` plugin is not used: its beacon counts only
pages a browser with JavaScript shows (no API call, no direct download) and
it keeps an unsalted MD5 of each visitor's IP address and user agent in
``tracking_raw`` (an IPv4 address is recovered from it in minutes, so it is
personal data). Here:

- an ``after_request`` hook classifies the answered request by its Flask
  endpoint: a dataset page (``dataset.read``), a resource download
  (``resource.download``: uploaded files and the redirect to linked ones)
  or an Action API call about a dataset (``package_show``,
  ``resource_show``, ``datastore_search``); only successful answers count,
  and requests whose user agent matches ``ckanext.angiang.usage.robots``
  (crawlers, link checkers, previews) never do;
- nothing about the visitor is read or kept: no address, no key, no cookie;
  the counter is ``(local day, kind, dataset id or name)``;
- the hook does one Redis ``HINCRBY`` (atomic, so any number of web
  processes count correctly); a Redis failure loses the count, never the
  page;
- :func:`flush` (``ckan angiang usage flush``, and the freshness scheduler
  every interval) moves the counters into ``angiang_usage_daily``, one row
  per dataset, day and kind, with the dataset's agency, and re-indexes the
  datasets whose figures changed (the ``usage_total`` sort, "most used").

Days are local days in ``ckanext.angiang.usage.timezone``
(Asia/Ho_Chi_Minh), like the report's half-years.
"""

from __future__ import annotations

import datetime
import logging
import re
import uuid
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.redis import connect_to_redis
from flask import Response, request

from ckanext.angiang.catalogue import model as cm

log = logging.getLogger(__name__)

VIEW, DOWNLOAD, API = cm.VIEW, cm.DOWNLOAD, cm.API
KINDS = cm.USAGE_KINDS
#: Index field of a dataset's uses in all (the search page's "most used").
FIELD = "usage_total"
#: API actions that use one dataset, and the parameter naming it
#: (``r:`` marks a resource id).
API_ACTIONS = {
    "package_show": ("id", ""),
    "resource_show": ("id", "r:"),
    "datastore_search": ("resource_id", "r:"),
}
_SUCCESS = (200, 302, 303, 307)
_SEP = "|"


def timezone() -> ZoneInfo:
    return ZoneInfo(tk.config.get("ckanext.angiang.usage.timezone"))


def local_today() -> datetime.date:
    return datetime.datetime.now(timezone()).date()


def _prefix() -> str:
    return f"{tk.config.get('ckan.site_id')}:angiang:usage:"


@lru_cache(maxsize=8)
def _robots(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def is_robot(user_agent: str) -> bool:
    return bool(_robots(tk.config.get("ckanext.angiang.usage.robots")).search(user_agent or ""))


#: The dataset page's endpoints: CKAN's, and ckanext-dcat's that serves the
#: same URL (its HTML, or RDF by content negotiation: then an API use).
_DATASET_PAGES = ("dataset.read", "dcat.read_dataset")


def _endpoint_kind(endpoint: str) -> str | None:
    if endpoint in _DATASET_PAGES:
        return VIEW
    if endpoint == "resource.download" or endpoint == "dataset_resource.download":
        return DOWNLOAD
    if endpoint == "api.action":
        return API
    return None


def classify(mimetype: str = "text/html") -> tuple[str, str] | None:
    """``(kind, reference)`` of the current request (answered with
    ``mimetype``), or None (not a use)."""
    endpoint = request.endpoint or ""
    kind = _endpoint_kind(endpoint)
    if kind is None or request.method not in ("GET", "POST"):
        return None
    args = request.view_args or {}
    if kind == API:
        wanted = API_ACTIONS.get(str(args.get("logic_function") or ""))
        if wanted is None:
            return None
        param, mark = wanted
        value = request.args.get(param)
        if value is None and request.method == "POST":
            body = request.get_json(silent=True)
            value = body.get(param) if isinstance(body, dict) else request.form.get(param)
        return (kind, mark + str(value)) if isinstance(value, str) and value else None
    if request.method != "GET":
        return None
    ref = args.get("id") or args.get("_id")
    if kind == VIEW and mimetype != "text/html":
        kind = API  # the dataset's DCAT record (Turtle, JSON-LD, RDF/XML)
    return (kind, str(ref)) if ref else None


def count_request(response: Response) -> Response:
    """``after_request``: one Redis increment for a successful use."""
    try:
        if response.status_code not in _SUCCESS:
            return response
        found = classify(response.mimetype or "")
        if found is None or is_robot(request.headers.get("User-Agent", "")):
            return response
        kind, ref = found
        if len(ref) > 200:
            return response
        key = _prefix() + local_today().isoformat()
        pipe = connect_to_redis().pipeline(transaction=False)
        pipe.hincrby(key, kind + _SEP + ref, 1)
        pipe.expire(key, 40 * 86400)
        pipe.execute()
    except Exception:  # a lost count never costs a page
        log.warning("usage: counting failed", exc_info=True)
    return response


# --- from Redis to PostgreSQL -------------------------------------------------


def _resolve(refs: set[str]) -> dict[str, tuple[str, str]]:
    """``ref -> (package id, agency id)`` for the refs naming a dataset."""
    p, r = model.package_table, model.resource_table
    out: dict[str, tuple[str, str]] = {}
    res_ids = [x[2:] for x in refs if x.startswith("r:")]
    names = [x for x in refs if not x.startswith("r:")]
    if names:
        rows = model.Session.execute(
            sa.select(p.c.id, p.c.name, p.c.owner_org).where(
                sa.or_(p.c.id.in_(names), p.c.name.in_(names)), p.c.type != "harvest"
            )
        )
        for row in rows:
            out[row.id] = out[row.name] = (row.id, row.owner_org or "")
    if res_ids:
        rows = model.Session.execute(
            sa.select(r.c.id, p.c.id.label("pid"), p.c.owner_org)
            .join(p, p.c.id == r.c.package_id)
            .where(r.c.id.in_(res_ids))
        )
        for row in rows:
            out["r:" + row.id] = (row.pid, row.owner_org or "")
    return out


def _lock(client, seconds: int = 600) -> str | None:
    token = uuid.uuid4().hex
    return token if client.set(_prefix() + "lock", token, nx=True, ex=seconds) else None


def flush(reindex: bool = True) -> dict[str, int]:
    """Move the Redis counters into ``angiang_usage_daily`` (one flusher at
    a time); re-index the datasets whose figures changed."""
    client = connect_to_redis()
    token = _lock(client)
    if token is None:
        return {"uses": 0, "datasets": 0, "skipped": 1}
    uses, touched = 0, set()
    try:
        prefix = _prefix()
        keys = [
            k.decode() if isinstance(k, bytes) else k
            for k in client.scan_iter(match=prefix + "*", count=500)
        ]
        for key in sorted(keys):
            rest = key[len(prefix) :]
            if rest == "lock":
                continue
            if ":flushing:" not in rest:
                moved = f"{key}:flushing:{uuid.uuid4().hex}"
                try:
                    client.rename(key, moved)
                except Exception:  # gone meanwhile
                    continue
                key, rest = moved, moved[len(prefix) :]
            day = datetime.date.fromisoformat(rest.split(":", 1)[0])
            counts = {
                (k.decode() if isinstance(k, bytes) else k): int(v)
                for k, v in client.hgetall(key).items()
            }
            n, pkgs = _store(day, counts)
            model.Session.commit()
            client.delete(key)
            uses += n
            touched |= pkgs
    finally:
        if client.get(_prefix() + "lock") in (token, token.encode()):
            client.delete(_prefix() + "lock")
    if reindex and touched:
        from ckan.lib.search import rebuild

        for package_id in sorted(touched):
            rebuild(package_id)
    return {"uses": uses, "datasets": len(touched), "skipped": 0}


def _store(day: datetime.date, counts: dict[str, int]) -> tuple[int, set[str]]:
    parsed = {}
    for field, n in counts.items():
        kind, _sep, ref = field.partition(_SEP)
        if kind in KINDS and ref and n > 0:
            parsed[(kind, ref)] = n
    known = _resolve({ref for _k, ref in parsed})
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for (kind, ref), n in parsed.items():
        if ref not in known:
            continue  # not a dataset (a mistyped name, a deleted resource)
        package_id, agency_id = known[ref]
        row = rows.setdefault(
            (package_id, kind),
            {
                "day": day,
                "package_id": package_id,
                "kind": kind,
                "agency_id": agency_id,
                "count": 0,
            },
        )
        row["count"] += n
    if rows:
        add(list(rows.values()))
    return sum(r["count"] for r in rows.values()), {r["package_id"] for r in rows.values()}


def add(rows: list[dict[str, Any]]) -> None:
    """Add uses ``{day, package_id, kind, agency_id, count}`` (summed), in
    one statement whatever the number of rows (arrays unnested)."""
    summed: dict[tuple, list] = {}
    for r in rows:
        key = (r["package_id"], r["day"], r["kind"])
        if key in summed:
            summed[key][4] += int(r["count"])
        else:
            summed[key] = [r["day"], r["package_id"], r["kind"], r["agency_id"], int(r["count"])]
    if not summed:
        return
    days, pids, kinds, agencies, counts = (list(c) for c in zip(*summed.values(), strict=True))
    model.Session.execute(
        sa.text("""
        INSERT INTO angiang_usage_daily (day, package_id, kind, agency_id, count)
        SELECT * FROM unnest(CAST(:days AS date[]), CAST(:pids AS text[]),
                             CAST(:kinds AS text[]), CAST(:agencies AS text[]),
                             CAST(:counts AS bigint[]))
        ON CONFLICT (package_id, day, kind) DO UPDATE
        SET count = angiang_usage_daily.count + EXCLUDED.count,
            agency_id = EXCLUDED.agency_id"""),
        {"days": days, "pids": pids, "kinds": kinds, "agencies": agencies, "counts": counts},
    )


# --- figures ------------------------------------------------------------------


def empty() -> dict[str, int]:
    return {VIEW: 0, DOWNLOAD: 0, API: 0, "total": 0}


def _bounds(q, start: datetime.date | None, end: datetime.date | None):
    t = cm.usage_daily
    if start:
        q = q.where(t.c.day >= start)
    if end:
        q = q.where(t.c.day < end)
    return q


def of_dataset(
    package_id: str, start: datetime.date | None = None, end: datetime.date | None = None
) -> dict[str, int]:
    """Uses of one dataset by kind (days in [start, end))."""
    t = cm.usage_daily
    out = empty()
    if not cm.ready(model.Session):
        return out
    q = _bounds(
        sa.select(t.c.kind, sa.func.sum(t.c.count))
        .where(t.c.package_id == package_id)
        .group_by(t.c.kind),
        start,
        end,
    )
    for kind, n in model.Session.execute(q):
        out[kind] = int(n)
    out["total"] = sum(out[k] for k in KINDS)
    return out


def totals_by_dataset(
    package_ids: list[str] | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> dict[str, dict[str, int]]:
    t = cm.usage_daily
    q = _bounds(
        sa.select(t.c.package_id, t.c.kind, sa.func.sum(t.c.count)).group_by(
            t.c.package_id, t.c.kind
        ),
        start,
        end,
    )
    if package_ids is not None:
        q = q.where(t.c.package_id.in_(package_ids))
    out: dict[str, dict[str, int]] = {}
    for pid, kind, n in model.Session.execute(q):
        row = out.setdefault(pid, empty())
        row[kind] = int(n)
        row["total"] += int(n)
    return out


def by_agency(
    start: datetime.date | None = None, end: datetime.date | None = None, public_only: bool = True
) -> dict[str, dict[str, int]]:
    """Uses per agency (the agency the dataset had when used), of datasets
    public now unless ``public_only`` is False."""
    t, p = cm.usage_daily, model.package_table
    q = _bounds(
        sa.select(t.c.agency_id, t.c.kind, sa.func.sum(t.c.count))
        .join(p, p.c.id == t.c.package_id)
        .where(p.c.state == "active")
        .group_by(t.c.agency_id, t.c.kind),
        start,
        end,
    )
    if public_only:
        q = q.where(p.c.private.is_(False))
    out: dict[str, dict[str, int]] = {}
    for agency_id, kind, n in model.Session.execute(q):
        row = out.setdefault(agency_id, empty())
        row[kind] = int(n)
        row["total"] += int(n)
    return out


def top(
    limit: int, start: datetime.date | None = None, end: datetime.date | None = None
) -> list[tuple[str, int]]:
    """``(package id, uses)`` of the most used public, active datasets."""
    t, p = cm.usage_daily, model.package_table
    total = sa.func.sum(t.c.count).label("uses")
    q = _bounds(
        sa.select(t.c.package_id, total)
        .join(p, p.c.id == t.c.package_id)
        .where(p.c.state == "active", p.c.private.is_(False), p.c.type == "dataset")
        .group_by(t.c.package_id)
        .order_by(total.desc(), t.c.package_id)
        .limit(limit),
        start,
        end,
    )
    return [(pid, int(n)) for pid, n in model.Session.execute(q)]


def index_field(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``before_dataset_index``: the dataset's uses in all, for sorting."""
    if pkg_dict.get("id") and cm.ready(model.Session):
        pkg_dict[FIELD] = of_dataset(pkg_dict["id"])["total"]
    return pkg_dict
