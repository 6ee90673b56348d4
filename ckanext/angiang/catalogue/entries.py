"""Adding, amending and withdrawing catalogue entries, one decision at a
time (Art. 7.1: the PPC Chairman issues the catalogue; later decisions add,
change or withdraw rows). Every change is kept in the history with the
entry as it was and as it became, the decision and the user."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.angiang.catalogue import model as cm
from ckanext.angiang.catalogue import spreadsheet, words
from ckanext.angiang.catalogue.spreadsheet import AppendixError, Problem

_ = tk._


def _now() -> datetime.datetime:
    return datetime.datetime.utcnow()


def agency_finder() -> Callable[[str], list[str]]:
    """A function giving the ids of the active agencies a text names: by URL
    name, id, code, title or short name, compared without case or accents.
    The agencies are read once, when the finder is made (an appendix of a
    few thousand rows looks them up once, not once per row)."""
    by_key: dict[str, list[str]] = {}
    by_exact: dict[str, str] = {}
    orgs = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active"
    )
    for g in orgs:
        by_exact[g.id] = by_exact[g.name] = g.id
        names = [g.name, g.title, g.extras.get("agency_code"), g.extras.get("short_name")]
        for key in dict.fromkeys(words.fold(n) for n in names if n):
            by_key.setdefault(key, []).append(g.id)

    def find(text: str) -> list[str]:
        if not text:
            return []
        if text in by_exact:
            return [by_exact[text]]
        return list(by_key.get(words.fold(text), []))

    return find


def agency_ids(text: str) -> list[str]:
    """The ids of the active agencies ``text`` names (one look-up; an
    import makes one :func:`agency_finder` for all its rows)."""
    return agency_finder()(text)


def code_problem(code: str) -> str | None:
    from ckanext.angiang.logic.validators import angiang_code

    try:
        angiang_code(code)
    except tk.Invalid as e:
        return str(e.error)
    return None


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return json.loads(
        json.dumps({k: row.get(k) for k in (*cm.ENTRY_FIELDS, "status")}, default=str)
    )


def get(code: str, for_update: bool = False) -> dict[str, Any] | None:
    q = sa.select(cm.entry).where(cm.entry.c.code == code)
    if for_update:
        q = q.with_for_update()
    row = model.Session.execute(q).mappings().first()
    return dict(row) if row else None


def decision_by_number(number: str) -> dict[str, Any] | None:
    row = (
        model.Session.execute(sa.select(cm.decision).where(cm.decision.c.number == number))
        .mappings()
        .first()
    )
    return dict(row) if row else None


def ensure_decision(
    number: str, issued: datetime.date, title: str, user: str, new: bool
) -> dict[str, Any]:
    """The decision ``number``: created here; with ``new`` it must not exist
    yet (a decision's appendix is imported once)."""
    found = decision_by_number(number)
    if found:
        if new:
            raise AppendixError(
                [
                    Problem(
                        0,
                        _("Decision number"),
                        _(
                            "Decision {number} was already imported; a later decision amends it."
                        ).format(number=number),
                    )
                ]
            )
        if found["issued"] != issued:
            raise AppendixError(
                [
                    Problem(
                        0,
                        _("Decision date"),
                        _("Decision {number} was issued on {date}.").format(
                            number=number, date=found["issued"]
                        ),
                    )
                ]
            )
        return found
    values = {
        "id": str(uuid.uuid4()),
        "number": number,
        "issued": issued,
        "title": title or "",
        "imported_at": _now(),
        "imported_by": user or "",
    }
    model.Session.execute(cm.decision.insert().values(**values))
    return values


def _record(
    code: str, decision_id: str | None, change: str, before: dict | None, after: dict, user: str
) -> None:
    model.Session.execute(
        cm.history.insert().values(
            code=code,
            decision_id=decision_id,
            change=change,
            before=_jsonable(before) if before else None,
            after=_jsonable(after),
            changed_at=_now(),
            changed_by=user or "",
        )
    )


def add(values: dict[str, Any], decision_id: str, user: str) -> str:
    """Insert (or restore a withdrawn) entry; the change kind."""
    code = values["code"]
    fields = {k: values.get(k) for k in cm.ENTRY_FIELDS}
    fields.update(
        sector=fields["sector"] or "",
        notes=fields["notes"] or "",
        source=fields["source"] or "",
        formats=fields["formats"] or [],
    )
    before = get(code, for_update=True)
    after = dict(fields, status=cm.ACTIVE, decision_id=decision_id, modified=_now())
    if before is None:
        model.Session.execute(
            cm.entry.insert().values(code=code, created=after["modified"], **after)
        )
        change = cm.ADDED
    else:
        model.Session.execute(cm.entry.update().where(cm.entry.c.code == code).values(**after))
        change = cm.RESTORED if before["status"] == cm.WITHDRAWN else cm.AMENDED
    _record(code, decision_id, change, before, after, user)
    return change


def amend(code: str, changes: dict[str, Any], decision_id: str | None, user: str) -> str:
    """Change an entry's fields by a decision (or a correction without one)."""
    before = get(code, for_update=True)
    if before is None:
        raise KeyError(code)
    after = dict(
        before, **{k: v for k, v in changes.items() if k in cm.ENTRY_FIELDS}, modified=_now()
    )
    if decision_id:
        after["decision_id"] = decision_id
    model.Session.execute(
        cm.entry.update()
        .where(cm.entry.c.code == code)
        .values(**{k: after[k] for k in (*cm.ENTRY_FIELDS, "decision_id", "modified")})
    )
    _record(code, decision_id, cm.AMENDED if decision_id else cm.CORRECTED, before, after, user)
    return cm.AMENDED if decision_id else cm.CORRECTED


def withdraw(code: str, decision_id: str, user: str) -> str:
    before = get(code, for_update=True)
    if before is None:
        raise KeyError(code)
    after = dict(before, status=cm.WITHDRAWN, decision_id=decision_id, modified=_now())
    model.Session.execute(
        cm.entry.update()
        .where(cm.entry.c.code == code)
        .values(status=cm.WITHDRAWN, decision_id=decision_id, modified=after["modified"])
    )
    _record(code, decision_id, cm.WITHDRAWN_CHANGE, before, after, user)
    return cm.WITHDRAWN_CHANGE


def _plan(rows: Iterable[spreadsheet.Row]) -> list[tuple[spreadsheet.Row, str]]:
    """What each row does, checked against the entries in force."""
    problems, plan = [], []
    for row in rows:
        current = get(row.values["code"])
        act = row.action or (words.AMEND if current else words.ADD)
        if act == words.ADD and current and current["status"] == cm.ACTIVE:
            problems.append(
                Problem(
                    row.row,
                    _("Code (Mã)"),
                    _("Entry {code} is already in the catalogue; amend it instead.").format(
                        code=row.values["code"]
                    ),
                )
            )
        elif act in (words.AMEND, words.WITHDRAW) and (
            not current or current["status"] != cm.ACTIVE
        ):
            problems.append(
                Problem(
                    row.row,
                    _("Code (Mã)"),
                    _("No entry {code} is in force to amend or withdraw.").format(
                        code=row.values["code"]
                    ),
                )
            )
        plan.append((row, act))
    if problems:
        raise AppendixError(problems)
    return plan


def import_appendix(
    data: bytes,
    filename: str,
    number: str,
    issued: datetime.date,
    title: str = "",
    user: str = "",
    replace: bool = False,
) -> dict[str, Any]:
    """Apply a decision's appendix: every row, or nothing (AppendixError with
    the row report). With ``replace`` the decision replaces the whole
    catalogue: entries in force that it does not list are withdrawn."""
    try:
        rows = spreadsheet.check_rows(data, filename, agency_finder(), code_problem)
        plan = _plan(rows)
        dec = ensure_decision(number, issued, title, user, new=True)
        counts = {cm.ADDED: 0, cm.AMENDED: 0, cm.RESTORED: 0, cm.WITHDRAWN_CHANGE: 0}
        for row, act in plan:
            code = row.values["code"]
            if act == words.WITHDRAW:
                change = withdraw(code, dec["id"], user)
            elif act == words.AMEND:
                change = amend(code, row.values, dec["id"], user)
            else:
                change = add(row.values, dec["id"], user)
            counts[change] += 1
        if replace:
            listed = {row.values["code"] for row in rows}
            in_force = (
                model.Session.execute(
                    sa.select(cm.entry.c.code).where(cm.entry.c.status == cm.ACTIVE)
                )
                .scalars()
                .all()
            )
            for code in sorted(set(in_force) - listed):
                counts[withdraw(code, dec["id"], user)] += 1
        model.Session.commit()
    except Exception:
        model.Session.rollback()
        raise
    return {"decision": dec["number"], "rows": len(rows), **counts}


def has_entries() -> bool:
    return model.Session.execute(sa.select(cm.entry.c.code).limit(1)).first() is not None
