"""Auth of the portal's page actions: anyone reads, sysadmins write (CKAN
lets sysadmins through before any auth function runs)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = ["angiang_page_show", "angiang_page_list", "angiang_page_update"]


@tk.auth_allow_anonymous_access
def angiang_page_show(context, data_dict):
    return {"success": True}


@tk.auth_allow_anonymous_access
def angiang_page_list(context, data_dict):
    return {"success": True}


def angiang_page_update(context, data_dict):
    return {"success": False, "msg": tk._("Only sysadmins can edit the portal's pages")}
