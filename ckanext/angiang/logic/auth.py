"""Auth functions of the ``angiang_schema`` plugin. Sysadmins (the DIC) pass
every check before these run; everything else reuses CKAN's organization
roles (Art. 8.2), so nothing here grants agency staff extra rights."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

_ = tk._

__all__ = [
    "angiang_license_create",
    "angiang_license_delete",
    "angiang_agency_merge",
    "angiang_agency_rename",
    "angiang_agency_tree",
]


def _sysadmin_only(context, data_dict):
    return {"success": False, "msg": _("Only the portal administrators (DIC) may do this.")}


angiang_license_create = _sysadmin_only
angiang_license_delete = _sysadmin_only
angiang_agency_merge = _sysadmin_only
angiang_agency_rename = _sysadmin_only


@tk.auth_allow_anonymous_access
def angiang_agency_tree(context, data_dict):
    return {"success": True}
