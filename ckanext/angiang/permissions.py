"""Who may see and change a dataset: CKAN's permission rules with the draft
rule of the portal (the ``angiang`` plugin's ``IPermissionLabels`` and
``IAuthFunctions``, so the rule holds whatever search engine is loaded).

A **draft** is the unfinished work of one officer, not yet data of the
agency (Art. 8.2: an agency account updates its own data). Only its creator
(and sysadmins, the DIC, who bypass labels and auth functions) may see it,
in search results, counts and facets (its only label is ``creator-<user>``;
CKAN labels an agency's draft ``member-<agency>``, which lets every member
list it with ``include_drafts``) and through ``package_show``, whose CKAN
2.12 auth function reads the same labels (so ``resource_show``, the dataset
pages and the DCAT endpoints refuse it too). Changing or deleting a draft is
refused to everyone else as well: ``package_update`` (through which CKAN
authorises ``package_patch``, ``package_delete`` and resource changes)
would otherwise let another editor of the agency write to, and read back,
a dataset they may not see.

Private and public datasets keep CKAN's labels: ``public``;
``member-<agency>``; ``collaborator-<dataset>``.
"""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultPermissionLabels
from ckan.logic.auth import get_package_object

#: CKAN has no constant for it; its auth treats any state starting with
#: "draft" as a draft.
DRAFT_PREFIX = "draft"


def is_draft(dataset_obj: model.Package) -> bool:
    return (dataset_obj.state or "").startswith(DRAFT_PREFIX)


class AngiangPermissionLabels(DefaultPermissionLabels):
    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        if is_draft(dataset_obj):
            return [f"creator-{dataset_obj.creator_user_id}"]
        return super().get_dataset_labels(dataset_obj)


def _is_creator(context: dict[str, Any], dataset_obj: model.Package) -> bool:
    user = context.get("auth_user_obj") or model.User.get(context.get("user") or "")
    return bool(
        user and not getattr(user, "is_anonymous", False) and user.id == dataset_obj.creator_user_id
    )


@tk.chained_auth_function
def package_update(next_auth, context, data_dict):
    """Art. 8.2: a draft is changed by its creator only (see the module)."""
    dataset_obj = get_package_object(context, data_dict)
    if is_draft(dataset_obj) and not _is_creator(context, dataset_obj):
        return {
            "success": False,
            "msg": tk._("Only the officer who created this draft may see or change it."),
        }
    return next_auth(context, data_dict)


def get_auth_functions() -> dict[str, Any]:
    return {"package_update": package_update}
