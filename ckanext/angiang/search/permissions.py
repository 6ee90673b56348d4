"""Who sees a dataset in search results, counts and facets.

CKAN's default labels with one change: a **draft** is labelled for its
creator only. CKAN labels a draft of an agency ``member-<agency>``, which
lets every member of the agency list it with ``include_drafts``; a draft is
the unfinished work of one officer (Art. 8.2: an agency account updates its
own data; a draft is not yet data of the agency), so only its creator (and
sysadmins, who bypass labels) find it. Private and public datasets keep
CKAN's labels: ``public``; ``member-<agency>``; ``collaborator-<dataset>``.
"""
from __future__ import annotations

import ckan.model as model
from ckan.lib.plugins import DefaultPermissionLabels


#: CKAN has no constant for it; its auth treats any state starting with
#: "draft" as a draft (``package_show`` auth).
DRAFT_PREFIX = "draft"


class AngiangPermissionLabels(DefaultPermissionLabels):
    def get_dataset_labels(self, dataset_obj: model.Package) -> list[str]:
        if (dataset_obj.state or "").startswith(DRAFT_PREFIX):
            return [f"creator-{dataset_obj.creator_user_id}"]
        return super().get_dataset_labels(dataset_obj)
