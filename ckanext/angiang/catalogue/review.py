"""Review before publishing (Art. 9.6: no state secret may be published;
publishing needs an explicit attestation and can be held for review).

Per agency, on by default: when an editor makes a dataset public with the
"no state secret" attestation, the dataset stays private, "awaiting review",
until an admin of the agency (or a sysadmin) approves it; the approval makes
it public. An agency admin's or sysadmin's own attestation publishes at once
(they are the reviewers). Who attested, approved or rejected, and when, is
kept (``angiang_review_event``), besides the dataset's activity stream.
Review gates the step from private to public: a dataset already public
stays public when edited. A sysadmin can turn review off for an agency.
"""

from __future__ import annotations

import datetime
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from ckanext.angiang.catalogue import model as cm

AWAITING = "awaiting_review"
_APPROVING = "angiang_review_approving"  # context flag of the approval's own update
#: The note stored (untranslated, the same in every language) when a
#: reviewer's own attestation publishes; :func:`note_text` shows it translated.
SELF_APPROVED = "published by a reviewer"
#: Context key the harvesters set to the harvest source whose blanket
#: attestation ("no_state_secret" in its defaults) a dataset comes with.
HARVEST_SOURCE = "angiang_harvest_source"


def required(agency_id: str | None) -> bool:
    if not agency_id or not cm.ready(model.Session):
        return False
    found = model.Session.execute(
        sa.select(cm.review_policy.c.required).where(cm.review_policy.c.agency_id == agency_id)
    ).scalar()
    return True if found is None else bool(found)


def set_required(agency_id: str, value: bool, user: str) -> None:
    values = {"required": value, "changed_by": user, "changed_at": datetime.datetime.utcnow()}
    model.Session.execute(
        insert(cm.review_policy)
        .values(agency_id=agency_id, **values)
        .on_conflict_do_update(index_elements=["agency_id"], set_=values)
    )


def source_exempt(source_id: str) -> bool:
    if not cm.ready(model.Session):
        return False
    return (
        model.Session.execute(
            sa.select(cm.source_exemption.c.source_id).where(
                cm.source_exemption.c.source_id == source_id
            )
        ).first()
        is not None
    )


def set_source_exempt(source_id: str, exempt: bool, user: str) -> None:
    t = cm.source_exemption
    if not exempt:
        model.Session.execute(t.delete().where(t.c.source_id == source_id))
        return
    values = {"exempted_by": user, "exempted_at": datetime.datetime.utcnow()}
    model.Session.execute(
        insert(t)
        .values(source_id=source_id, **values)
        .on_conflict_do_update(index_elements=["source_id"], set_=values)
    )


def is_reviewer(user: str, agency_id: str) -> bool:
    return authz.is_sysadmin(user) or authz.users_role_for_group_or_org(agency_id, user) == "admin"


def events(package_id: str) -> list[dict[str, Any]]:
    e = cm.review_event
    return [
        dict(r)
        for r in model.Session.execute(
            sa.select(e).where(e.c.package_id == package_id).order_by(e.c.id)
        ).mappings()
    ]


def note_text(note: str) -> str:
    """An event's note as shown: the portal's own notes in the page language,
    reviewers' words as written."""
    if note == SELF_APPROVED:
        return tk._("Published by a reviewer (an admin of the agency or a sysadmin)")
    return note


def status(package_id: str) -> str | None:
    """``awaiting_review``, ``approved``, ``rejected`` or None (never reviewed)."""
    found = events(package_id)
    if not found:
        return None
    return AWAITING if found[-1]["event"] == cm.ATTESTED else found[-1]["event"]


def record(package_id: str, event: str, user: str, note: str = "") -> None:
    model.Session.execute(
        cm.review_event.insert().values(
            package_id=package_id,
            event=event,
            user_name=user or "",
            at=datetime.datetime.utcnow(),
            note=note or "",
        )
    )


def _as_bool(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def gate(context: dict, data_dict: dict) -> str | None:
    """Before a dataset is created or updated: what review does with it.

    ``"hold"``: an editor asks to publish; the dataset is kept private.
    ``"self"``: a reviewer publishes; both events are recorded. None: no
    change of visibility under review."""
    if context.get(_APPROVING):
        return None
    source_id = context.get(HARVEST_SOURCE)
    current = model.Package.get(data_dict.get("id") or data_dict.get("name") or "")
    if current is not None and current.state == "active" and not current.private:
        return None  # already public
    private = data_dict.get("private", current.private if current is not None else False)
    if _as_bool(private) if isinstance(private, str) else bool(private):
        return None
    agency_id = data_dict.get("owner_org") or (current.owner_org if current else None)
    group = model.Group.get(agency_id) if agency_id else None
    if group is None or not required(group.id):
        return None
    if source_id:
        # A harvest source's blanket attestation: reviewed like an editor's,
        # whoever saves the dataset (the site user), unless a sysadmin
        # exempted the source.
        if source_exempt(source_id):
            return None
    elif is_reviewer(context.get("user") or "", group.id):
        return "self"
    data_dict["private"] = True
    return "hold"


def after(result_id: str, decision: str | None, user: str, defer_commit: bool) -> None:
    """After the dataset is saved: the events; committed with it when the
    caller defers its commit (a harvester's create-then-update)."""
    if decision is None:
        return
    if decision == "hold" and status(result_id) == AWAITING:
        return  # asked again while awaiting: one request
    record(result_id, cm.ATTESTED, user)
    if decision == "self":
        record(result_id, cm.APPROVED, user, SELF_APPROVED)
    if not defer_commit:
        model.Session.commit()


def awaiting(agency_id: str) -> list[dict[str, Any]]:
    """The agency's datasets awaiting review, oldest request first."""
    e, p = cm.review_event, model.package_table
    last = (
        sa.select(e.c.package_id, sa.func.max(e.c.id).label("id"))
        .group_by(e.c.package_id)
        .subquery()
    )
    q = (
        sa.select(p.c.id, p.c.name, p.c.title, e.c.user_name, e.c.at)
        .join(last, last.c.package_id == p.c.id)
        .join(e, e.c.id == last.c.id)
        .where(
            p.c.owner_org == agency_id,
            p.c.state == "active",
            p.c.private.is_(True),
            e.c.event == cm.ATTESTED,
        )
        .order_by(e.c.at)
    )
    return [dict(r) for r in model.Session.execute(q).mappings()]


def approving_context(context: dict) -> dict:
    return {"user": context.get("user"), _APPROVING: True, "ignore_auth": True}


def check_reviewer(context: dict, agency_id: str) -> None:
    if not is_reviewer(context.get("user") or "", agency_id):
        raise tk.NotAuthorized(tk._("Only an admin of the dataset's agency may review it."))
