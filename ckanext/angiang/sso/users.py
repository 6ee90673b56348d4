"""From a checked SAML identity to a CKAN user who belongs to their agency.

Everything that can refuse the login (no e-mail, unknown agency code, e-mail
used by an unlinked local account, disabled account) is checked before the
first write, so a refused login creates or changes no account.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

from ckanext.angiang.sso.errors import SsoError
from ckanext.angiang.sso.response import Identity
from ckanext.angiang.sso.tables import identity_table

ROLE_RANK = {"member": 1, "editor": 2, "admin": 3}


@dataclass
class Plan:
    identity: Identity
    email: str
    fullname: str
    agency: model.Group
    user: model.User | None  # None: to be created
    linked: bool  # an angiang_sso_identity row exists
    previous_agency_id: str | None


def agency_by_code(code: str) -> model.Group | None:
    if not code:
        return None
    return (
        model.Session.query(model.Group)
        .filter(
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
            model.Group.extras["agency_code"].astext == code,
        )
        .first()
    )


def linked_user_row(idp: str, name_id: str):
    return model.Session.execute(
        sa.select(identity_table).where(
            identity_table.c.idp_entity_id == idp, identity_table.c.name_id == name_id
        )
    ).first()


def is_sso_user(user_id: str) -> bool:
    return (
        model.Session.execute(
            sa.select(identity_table.c.user_id).where(identity_table.c.user_id == user_id)
        ).first()
        is not None
    )


def plan(identity: Identity) -> Plan:
    opt = tk.config.get
    email = identity.first(opt("ckanext.saml2auth.user_email"))
    if not email or "@" not in email:
        raise SsoError("no_email")
    fullname = identity.first(opt("ckanext.saml2auth.user_fullname"))
    code = identity.first(opt("ckanext.angiang.sso.agency_code_attribute"))
    agency = agency_by_code(code)
    if agency is None:
        raise SsoError("unknown_agency", code)
    row = linked_user_row(identity.idp, identity.name_id)
    user = model.User.get(row.user_id) if row else None
    if user is None:
        existing = model.User.by_email(email)
        if existing is not None and existing.state == model.State.DELETED:
            existing = None  # a deleted account's old e-mail blocks no one
        if existing:
            if not opt("ckanext.angiang.sso.link_existing_by_email") or is_sso_user(existing.id):
                raise SsoError("email_taken", email)
            user = existing
    if user is not None and user.state != model.State.ACTIVE:
        raise SsoError("account_blocked", user.name)
    return Plan(
        identity,
        email,
        fullname,
        agency,
        user,
        linked=row is not None,
        previous_agency_id=row.agency_id if row else None,
    )


def _site_context() -> dict:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"user": site_user["name"], "ignore_auth": True}


def _free_name(email: str) -> str:
    base = re.sub(r"[^a-z0-9_-]+", "-", email.split("@")[0].lower()).strip("-_")
    base = (base or "user")[:90].ljust(2, "0")
    name, n = base, 1
    while model.User.by_name(name) is not None:
        n += 1
        name = f"{base}-{n}"
    return name


def _capacity(user: model.User, agency_id: str) -> str | None:
    member = (
        model.Session.query(model.Member)
        .filter(
            model.Member.group_id == agency_id,
            model.Member.table_name == "user",
            model.Member.table_id == user.id,
            model.Member.state == "active",
        )
        .first()
    )
    return member.capacity if member else None


def apply(p: Plan) -> model.User:
    """Create or update the user and their agency membership; commit."""
    user = p.user
    if user is None:
        try:
            created = tk.get_action("user_create")(
                _site_context(),
                {
                    "name": _free_name(p.email),
                    "email": p.email,
                    "fullname": p.fullname,
                    # never shown to anyone: staff sign in through the IdP
                    "password": secrets.token_urlsafe(32) + "-0",
                },
            )
        except tk.ValidationError as e:  # an attribute CKAN refuses (e-mail...)
            model.Session.rollback()
            raise SsoError("malformed", str(e.error_dict)) from e
        user = model.User.get(created["id"])
    else:
        user.email = p.email
        if p.fullname:
            user.fullname = p.fullname
    now = dt.datetime.utcnow()
    values = {"user_id": user.id, "agency_id": p.agency.id, "last_login": now}
    if p.linked:
        model.Session.execute(
            identity_table.update()
            .where(
                identity_table.c.idp_entity_id == p.identity.idp,
                identity_table.c.name_id == p.identity.name_id,
            )
            .values(**values)
        )
    else:
        model.Session.execute(
            identity_table.insert().values(
                idp_entity_id=p.identity.idp, name_id=p.identity.name_id, created=now, **values
            )
        )
    model.Session.commit()
    _sync_membership(user, p)
    return user


def _sync_membership(user: model.User, p: Plan) -> None:
    role = tk.config.get("ckanext.angiang.sso.agency_role")
    context = _site_context()
    current = _capacity(user, p.agency.id)
    if ROLE_RANK.get(current or "", 0) < ROLE_RANK[role]:
        tk.get_action("organization_member_create")(
            dict(context), {"id": p.agency.id, "username": user.name, "role": role}
        )
    old = p.previous_agency_id
    if old and old != p.agency.id and _capacity(user, old):
        # the IdP moved the person to another agency: the access SSO gave
        # in the former one goes
        tk.get_action("organization_member_delete")(
            dict(context), {"id": old, "username": user.name}
        )
