"""The dataset's link to its catalogue entry (``catalogue_code``): a
controlled field once the catalogue holds entries (Art. 7.1, 8.1).

- The code must name an entry in force, of the dataset's own agency
  (Art. 8.2: an agency publishes its own sector's data).
- A dataset keeps the code it already had (its entry withdrawn or moved by a
  later decision), so an edit of other fields is never refused for it.
- While the catalogue is empty (no decision imported yet, or the
  ``angiang_catalogue`` plugin not enabled) the code is the free text it
  always was; the plugin's migration turned the codes datasets already had
  into entries, so nothing in use is ever left unlinked.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing

from ckanext.angiang.catalogue import entries
from ckanext.angiang.catalogue import model as cm

PLUGIN = "angiang_catalogue"


def _owner_id(data: dict[Any, Any]) -> str | None:
    owner = data.get(("owner_org",))
    if owner in (None, missing, ""):
        return None
    group = model.Group.get(str(owner))
    return group.id if group else None


def angiang_catalogue_entry_code(key, data, errors, context):
    value = data.get(key)
    if value in (None, missing, "") or errors.get(key):
        return
    if not p.plugin_loaded(PLUGIN) or not cm.ready(model.Session) or not entries.has_entries():
        return
    package = context.get("package")
    if package is not None and package.extras.get(key[-1]) == value:
        return
    entry = entries.get(str(value))
    if entry is None or entry.get("status") != cm.ACTIVE:
        errors[key].append(tk._("No entry with this code is in force in the open data catalogue."))
        return
    owner = _owner_id(data)
    if owner and entry["agency_id"] != owner:
        agency = model.Group.get(entry["agency_id"])
        errors[key].append(
            tk._("This catalogue entry belongs to {agency}.").format(
                agency=agency.title if agency else entry["agency_id"]
            )
        )
