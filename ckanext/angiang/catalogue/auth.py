"""Who may do what with the catalogue: sysadmins (the DIC) write it; the
catalogue is a public decision, so everyone reads it (Art. 7.1, 13.1)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

__all__ = [
    "angiang_catalogue_entry_list", "angiang_catalogue_entry_show",
    "angiang_catalogue_decision_list", "angiang_catalogue_import",
    "angiang_catalogue_entry_create", "angiang_catalogue_entry_update",
    "angiang_catalogue_entry_withdraw",
]


@tk.auth_allow_anonymous_access
def _public(context, data_dict):
    return {"success": True}


def _sysadmin_only(context, data_dict):
    # Sysadmins never reach an auth function; everyone else is refused.
    return {"success": False,
            "msg": tk._("Only portal administrators may change the open data catalogue.")}


angiang_catalogue_entry_list = _public
angiang_catalogue_entry_show = _public
angiang_catalogue_decision_list = _public
angiang_catalogue_import = _sysadmin_only
angiang_catalogue_entry_create = _sysadmin_only
angiang_catalogue_entry_update = _sysadmin_only
angiang_catalogue_entry_withdraw = _sysadmin_only
