"""The daily freshness job (Art. 11.1a, 15: the DIC urges agencies): it
re-indexes datasets that became overdue, then emails each agency's focal
point (Art. 6.2) the list of its public datasets whose update is overdue,
through CKAN's mailer, once per dataset and overdue period (its due date).

Every attempt is kept (``angiang_freshness_reminder``): a dataset counts as
reminded only once a mail about it was accepted by the SMTP server, so when
the server is down the attempt is recorded as failed and the next run tries
again; a dataset is never in two accepted mails for one period. One run at a
time (a PostgreSQL advisory lock), whichever process starts it.
"""

from __future__ import annotations

import datetime
import itertools
import logging
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib import mailer

from ckanext.angiang.catalogue import freshness
from ckanext.angiang.catalogue import model as cm

log = logging.getLogger(__name__)
_LOCK = "SELECT pg_try_advisory_lock(hashtext('angiang_freshness_job'))"
_UNLOCK = "SELECT pg_advisory_unlock(hashtext('angiang_freshness_job'))"


def _already_sent(items: list[dict[str, Any]]) -> set[tuple[str, datetime.date]]:
    r = cm.reminder
    ids = [i["id"] for i in items]
    rows = (
        model.Session.execute(
            sa.select(r.c.package_id, r.c.due_date).where(
                r.c.package_id.in_(ids), r.c.outcome == cm.SENT
            )
        )
        if ids
        else []
    )
    return {(row.package_id, row.due_date) for row in rows}


def _body(agency: model.Group, items: list[dict[str, Any]]) -> str:
    site = tk.config.get("ckan.site_url").rstrip("/")
    lines = [
        tk._("Dear {name},").format(name=agency.extras.get("focal_point_name") or ""),
        "",
        tk._(
            "The following datasets of {agency} on the open data portal have not been "
            "updated on the schedule of the open data catalogue (Decision 62/2024/QĐ-UBND, "
            "Art. 8.3, 12.2):"
        ).format(agency=agency.title),
        "",
    ]
    for i in items:
        lines.append(
            tk._("- {title}: update due on {date}, {url}").format(
                title=i["title"],
                date=i["next_due"].strftime("%d/%m/%Y"),
                url=f"{site}/dataset/{i['name']}",
            )
        )
    lines += [
        "",
        tk._("Please update their data (their resources) on the portal."),
        "",
        tk.config.get("ckanext.angiang.dic_name") or "",
    ]
    return "\n".join(lines)


def _record(items, agency_id: str, recipient: str, outcome: str, error: str = "") -> None:
    now = datetime.datetime.utcnow()
    model.Session.execute(
        cm.reminder.insert(),
        [
            {
                "package_id": i["id"],
                "agency_id": agency_id,
                "due_date": i["next_due"],
                "recipient": recipient,
                "attempted_at": now,
                "outcome": outcome,
                "error": error,
            }
            for i in items
        ],
    )
    model.Session.commit()


def _remind(agency_id: str, items: list[dict[str, Any]], counts: dict[str, int]) -> None:
    agency = model.Group.get(agency_id)
    email = (agency.extras.get("focal_point_email") or "").strip() if agency else ""
    if not email:
        _record(items, agency_id, "", cm.FAILED, "no focal point email")
        counts["failed"] += len(items)
        return
    subject = tk._("{count} dataset(s) of {agency} are overdue for update").format(
        count=len(items), agency=agency.title
    )
    try:
        mailer.mail_recipient(
            agency.extras.get("focal_point_name") or agency.title,
            email,
            subject,
            _body(agency, items),
        )
    except (mailer.MailerException, OSError) as e:
        log.warning("freshness reminder to %s not sent (will retry): %s", email, e)
        _record(items, agency_id, email, cm.FAILED, str(e)[:500])
        counts["failed"] += len(items)
        return
    _record(items, agency_id, email, cm.SENT)
    counts["sent"] += len(items)
    counts["emails"] += 1


def run(today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: re-index what became overdue, then remind agencies.
    ``{"reindexed", "overdue", "sent", "failed", "emails"}`` (counts of
    datasets, and of emails accepted); ``{"locked": 1}`` if another run is on."""
    lock = model.meta.engine.connect()  # the lock lives as long as this connection
    if not lock.execute(sa.text(_LOCK)).scalar():
        lock.close()
        return {"locked": 1}
    try:
        counts = {"reindexed": freshness.refresh_index(today), "sent": 0, "failed": 0, "emails": 0}
        items = freshness.overdue(today)
        counts["overdue"] = len(items)
        done = _already_sent(items)
        due = [i for i in items if (i["id"], i["next_due"]) not in done]
        for agency_id, group in itertools.groupby(due, key=lambda i: i["owner_org"]):
            _remind(agency_id, list(group), counts)
        return counts
    finally:
        model.Session.rollback()
        lock.execute(sa.text(_UNLOCK))
        lock.close()


def history(agency_id: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """The latest reminder attempts, newest first."""
    r = cm.reminder
    q = sa.select(r).order_by(r.c.attempted_at.desc(), r.c.id.desc()).limit(limit)
    if agency_id:
        q = q.where(r.c.agency_id == agency_id)
    return [dict(row) for row in model.Session.execute(q).mappings()]
