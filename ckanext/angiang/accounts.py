"""Accounts the portal needs to run: the DIC sysadmin and its API tokens."""

from __future__ import annotations

import secrets

import ckan.model as model
import ckan.plugins.toolkit as tk


def ensure_sysadmin(name: str) -> bool:
    """Create sysadmin ``name`` if missing; return whether it was created.

    The password is random and never printed: people log in through SSO or
    reset it; scripts use ``make token``.
    """
    user = model.User.by_name(name)
    if user is not None:
        if not user.sysadmin:
            user.sysadmin = True
            model.Session.commit()
        return False
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    tk.get_action("user_create")(
        {"user": site_user["name"], "ignore_auth": True},
        {
            "name": name,
            "email": f"{name}@angiang.gov.vn",
            # random, with a digit and a symbol whatever the draw (password policy)
            "password": secrets.token_urlsafe(24) + "-0",
            "fullname": "Quản trị Cổng dữ liệu mở (DIC)",
        },
    )
    user = model.User.by_name(name)
    user.sysadmin = True
    model.Session.commit()
    return True


def new_api_token(name: str) -> str:
    """A new API token for user ``name`` (created by the site user)."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    result = tk.get_action("api_token_create")(
        {"user": site_user["name"], "ignore_auth": True},
        # expire_api_token (when enabled) reads the lifetime from these
        {"user": name, "name": "make-token", "expires_in": 30, "unit": 86400},
    )
    return result["token"]
