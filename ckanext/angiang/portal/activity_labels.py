"""Names of activity types for the activity stream's filter, in the page's
language (CKAN prints the stored type, "New Package", in English)."""

from __future__ import annotations

import ckan.plugins.toolkit as tk


def label(activity_type: str) -> str:
    _ = tk._
    labels = {
        "new package": _("New dataset"),
        "changed package": _("Changed dataset"),
        "deleted package": _("Deleted dataset"),
        "follow dataset": _("Followed dataset"),
        "new resource view": _("New resource view"),
        "changed resource view": _("Changed resource view"),
        "deleted resource view": _("Deleted resource view"),
        "new organization": _("New agency"),
        "changed organization": _("Changed agency"),
        "deleted organization": _("Deleted agency"),
        "follow organization": _("Followed agency"),
        "new group": _("New group"),
        "changed group": _("Changed group"),
        "deleted group": _("Deleted group"),
        "follow group": _("Followed group"),
        "new user": _("New user"),
        "changed user": _("Changed user"),
        "follow user": _("Followed user"),
    }
    return labels.get(activity_type, activity_type.capitalize())
