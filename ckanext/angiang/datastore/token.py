"""The API token xloader's jobs use to call back the portal and download
uploaded files of private datasets.

xloader reads it from ``ckanext.xloader.api_token``. When that option is not
set, the portal issues one itself for its site user: one token a calendar
month (id ``angiang-xloader-<site id>-<YYYYMM>``, created once by whichever
process asks first, ``ON CONFLICT DO NOTHING``), valid until the end of the
next month so that jobs queued at a month's end still run. Nothing is kept in
memory that another process could make stale: the token is a pure function of
the secret, the site id and the month.
"""

from __future__ import annotations

import datetime as dt

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib import api_token
from sqlalchemy.dialects.postgresql import insert

OPTION = "ckanext.xloader.api_token"


def _month_start(day: dt.date, months_ahead: int) -> dt.datetime:
    index = day.year * 12 + day.month - 1 + months_ahead
    return dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=dt.UTC)


def _issue(jti: str) -> None:
    """The token's row, for the site user, on a connection of its own: never
    commits the caller's transaction (xloader submits from inside
    resource_create). Without a committed site user there is no token."""
    user = model.User.__table__
    table = model.ApiToken.__table__
    try:
        with model.meta.engine.begin() as conn:
            user_id = conn.execute(
                sa.select(user.c.id).where(
                    user.c.name == tk.config.get("ckan.site_id"), user.c.state == "active"
                )
            ).scalar()
            if user_id is None:
                raise tk.ValidationError({OPTION: ["no site user yet"]})
            conn.execute(
                insert(table)
                .values(
                    id=jti,
                    name="xloader (angiang_datastore)",
                    user_id=user_id,
                    created_at=sa.func.now(),
                    plugin_extras={},
                )
                .on_conflict_do_nothing(index_elements=["id"])
            )
    except sa.exc.SQLAlchemyError as error:
        # xloader's submit catches ValidationError: the resource is saved, not loaded
        raise tk.ValidationError({OPTION: ["could not issue the token"]}) from error


def portal_token(now: dt.datetime | None = None) -> str:
    """This month's token of the site user (see the module's docstring)."""
    now = now or dt.datetime.now(dt.UTC)
    jti = "angiang-xloader-{}-{:%Y%m}".format(tk.config.get("ckan.site_id"), now)
    _issue(jti)
    expires = _month_start(now.date(), 2)
    return api_token.encode(
        {
            "jti": jti,
            "iat": int(_month_start(now.date(), 0).timestamp()),
            "exp": int(expires.timestamp()),
        }
    )


def xloader_api_token() -> str:
    configured = tk.config.get(OPTION)
    if configured and configured != "NOT_SET":
        return configured
    return portal_token()
