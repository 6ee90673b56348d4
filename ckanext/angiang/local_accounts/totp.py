"""Two-factor login with TOTP (RFC 6238, pyotp) and recovery codes.

Secrets are stored encrypted (Fernet, key derived from the portal's
SECRET_KEY); recovery codes only as SHA-256 hashes. A TOTP code is accepted
once: the step it belongs to is recorded, and an older or equal step is
refused, in every process (the row is locked while checking).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
import time

import ckan.model as model
import ckan.plugins.toolkit as tk
import pyotp
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken

metadata = sa.MetaData()
totp_table = sa.Table(
    "angiang_totp",
    metadata,
    sa.Column("user_id", sa.UnicodeText, primary_key=True),
    sa.Column("secret", sa.UnicodeText, nullable=False),
    sa.Column("confirmed", sa.Boolean, nullable=False),
    sa.Column("last_step", sa.BigInteger, nullable=False),
    sa.Column("created", sa.DateTime),
)
recovery_table = sa.Table(
    "angiang_recovery_code",
    metadata,
    sa.Column("user_id", sa.UnicodeText, primary_key=True),
    sa.Column("code_hash", sa.UnicodeText, primary_key=True),
    sa.Column("used", sa.DateTime),
)
RECOVERY_CODES = 10
STEP = 30


def _fernet() -> Fernet:
    secret = str(tk.config.get("SECRET_KEY") or tk.config.get("beaker.session.secret"))
    key = hashlib.sha256(b"angiang-totp:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().replace("-", "").lower().encode()).hexdigest()


def required(user: model.User) -> bool:
    """Whether ``user`` must use a second factor (by configuration)."""
    roles = tk.config.get("ckanext.angiang.2fa.required_for")
    if "sysadmin" in roles and user.sysadmin:
        return True
    if "agency_admin" in roles:
        return (
            model.Session.query(model.Member)
            .join(model.Group, model.Group.id == model.Member.group_id)
            .filter(
                model.Member.table_name == "user",
                model.Member.table_id == user.id,
                model.Member.state == "active",
                model.Member.capacity == "admin",
                model.Group.is_organization.is_(True),
                model.Group.state == "active",
            )
            .first()
        ) is not None
    return False


def _row(user_id: str, lock: bool = False):
    query = sa.select(totp_table).where(totp_table.c.user_id == user_id)
    if lock:
        query = query.with_for_update()
    return model.Session.execute(query).first()


def enrolled(user_id: str) -> bool:
    row = _row(user_id)
    return bool(row and row.confirmed)


def pending_secret(user_id: str) -> str:
    """The secret being set up (a new one unless one is waiting)."""
    row = _row(user_id)
    if row and not row.confirmed:
        return _fernet().decrypt(row.secret.encode()).decode()
    secret = pyotp.random_base32()
    token = _fernet().encrypt(secret.encode()).decode()
    model.Session.execute(sa.delete(totp_table).where(totp_table.c.user_id == user_id))
    model.Session.execute(
        totp_table.insert().values(
            user_id=user_id,
            secret=token,
            confirmed=False,
            last_step=0,
            created=dt.datetime.utcnow(),
        )
    )
    model.Session.commit()
    return secret


def provisioning_uri(user: model.User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email or user.name, issuer_name=tk.config.get("ckan.site_title")
    )


def _matching_step(secret: str, code: str) -> int | None:
    code = (code or "").strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):  # "１２３" too is isdigit()
        return None
    totp, now = pyotp.TOTP(secret), int(time.time())
    for offset in (0, -1, 1):  # one step of clock drift either way
        step = now // STEP + offset
        if secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def verify(user_id: str, code: str) -> bool:
    """A TOTP code of the user's confirmed secret, never used before; or an
    unused recovery code. Commits."""
    row = _row(user_id, lock=True)
    try:
        if row is None or not row.confirmed:
            return False
        secret = _fernet().decrypt(row.secret.encode()).decode()
        step = _matching_step(secret, code)
        if step is not None and step > row.last_step:
            model.Session.execute(
                totp_table.update().where(totp_table.c.user_id == user_id).values(last_step=step)
            )
            return True
        return use_recovery_code(user_id, code)
    except InvalidToken:  # SECRET_KEY changed: the secret cannot be read
        return False
    finally:
        model.Session.commit()


def confirm(user_id: str, code: str) -> list[str] | None:
    """Confirm the pending secret with a first code; the new recovery codes."""
    row = _row(user_id, lock=True)
    if row is None or row.confirmed:
        model.Session.rollback()
        return None
    step = _matching_step(_fernet().decrypt(row.secret.encode()).decode(), code)
    if step is None:
        model.Session.rollback()
        return None
    model.Session.execute(
        totp_table.update()
        .where(totp_table.c.user_id == user_id)
        .values(confirmed=True, last_step=step)
    )
    return new_recovery_codes(user_id)


def new_recovery_codes(user_id: str) -> list[str]:
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    model.Session.execute(sa.delete(recovery_table).where(recovery_table.c.user_id == user_id))
    model.Session.execute(
        recovery_table.insert(),
        [{"user_id": user_id, "code_hash": _hash(c), "used": None} for c in codes],
    )
    model.Session.commit()
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def use_recovery_code(user_id: str, code: str) -> bool:
    if not code or len(code) > 32:
        return False
    result = model.Session.execute(
        recovery_table.update()
        .where(
            recovery_table.c.user_id == user_id,
            recovery_table.c.code_hash == _hash(code),
            recovery_table.c.used.is_(None),
        )
        .values(used=dt.datetime.utcnow())
    )
    return result.rowcount == 1
