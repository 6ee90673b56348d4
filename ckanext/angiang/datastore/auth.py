"""DataStore reads follow the dataset (Art. 8.2): CKAN's ``datastore_search``
and ``datastore_info`` already ask ``resource_show`` (so a private or draft
dataset's table is its agency's only); the DataStore's own tables
(``_table_metadata`` lists every table, private datasets' too) are not
readable through the API except by sysadmins."""

from __future__ import annotations

import ckan.plugins.toolkit as tk

_ = tk._


def _internal_table(data_dict) -> bool:
    name = data_dict.get("resource_id") or data_dict.get("id") or ""
    return isinstance(name, str) and name.startswith("_")


def _guarded(original, context, data_dict):
    if _internal_table(data_dict):
        # sysadmins never reach auth functions: this refuses everyone else
        return {"success": False, "msg": _("Not authorized to read this table.")}
    return original(context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_search(original, context, data_dict):
    return _guarded(original, context, data_dict)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def datastore_info(original, context, data_dict):
    return _guarded(original, context, data_dict)


def get_auth_functions():
    return {"datastore_search": datastore_search, "datastore_info": datastore_info}
