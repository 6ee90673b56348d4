"""Template helpers of the ``angiang_portal`` plugin (all ``angiang_``)."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk

from ckanext.angiang.metadata import vocabularies
from ckanext.angiang.metadata_views.helpers import current_lang
from ckanext.angiang.portal import activity_labels, home, ordering, pages

__all__ = [
    "angiang_home_summary",
    "angiang_action_names",
    "angiang_usage_top",
    "angiang_page",
    "angiang_page_names",
    "angiang_user_initials",
    "angiang_agency_level_label",
    "angiang_agency_ref",
    "angiang_vocabulary_label",
    "angiang_search_sorts",
    "angiang_operator_name",
    "angiang_activity_type_label",
    "angiang_agency_tasks",
    "angiang_facet_items",
]


def angiang_home_summary() -> dict[str, Any]:
    return home.summary()


def angiang_action_names() -> set[str]:
    """Names of the actions this process registered (a plugin's action is
    there only when its plugin is enabled)."""
    from ckan.logic import _actions

    if not _actions:
        try:
            tk.get_action("package_show")  # fills the registry
        except KeyError:
            return set()
    return set(_actions)


def angiang_usage_top(limit: int = 6) -> list[dict[str, Any]]:
    """The most used datasets from the usage plugin's ``angiang_usage_top``
    (``{limit}`` -> package dicts), or [] while no plugin provides it."""
    if "angiang_usage_top" not in angiang_action_names():
        return []
    user = getattr(tk.g, "user", "") or ""
    return tk.get_action("angiang_usage_top")({"user": user}, {"limit": limit}) or []


def angiang_page(name: str) -> dict[str, Any]:
    """Page ``name`` in the page's language (the Vietnamese text while the
    English one is not written)."""
    lang = current_lang()
    page = pages.read(name, lang) if lang in pages.LANGUAGES else None
    if page is None:
        page = pages.read(name, "vi")
    return {
        "name": name,
        "title": (page or {}).get("title", ""),
        "content": (page or {}).get("content", ""),
        "stored": page is not None,
    }


def angiang_page_names() -> tuple[str, ...]:
    return pages.PAGES


def angiang_user_initials(user: Any) -> str:
    """Up to two letters for an avatar: the initials of the first and last
    words of the full name (Vietnamese names: family name, given name), or
    the account name's first letter."""
    if isinstance(user, str):
        # a display name (CKAN's placeholder snippet gets one) or an account name
        user = model.User.get(user) or {"fullname": user, "name": user}
    if isinstance(user, dict):
        full, name = user.get("fullname") or "", user.get("name") or ""
    elif isinstance(user, str):
        full, name = "", user
    else:
        full, name = getattr(user, "fullname", "") or "", getattr(user, "name", "") or ""
    words = [w for w in full.split() if w[:1].isalpha()]
    if len(words) >= 2:
        return (words[0][0] + words[-1][0]).upper()
    if words:
        return words[0][0].upper()
    return (name[:1] or "?").upper()


def angiang_agency_level_label(value: str) -> str:
    """The label of an ``agency_level`` value in the page's language."""
    return vocabularies.label("agency_level", value, current_lang()) if value else ""


def angiang_vocabulary_label(vocabulary: str, value: str) -> str:
    return vocabularies.label(vocabulary, value, current_lang()) if value else ""


def angiang_agency_ref(name: str) -> dict[str, str] | None:
    """``{name, title}`` of the active agency named ``name``, or None."""
    if not name:
        return None
    group = model.Group.get(name)
    if group is None or group.state != "active" or not group.is_organization:
        return None
    return {"name": group.name, "title": group.title or group.name}


def angiang_facet_items(
    name: str, search_facets: dict[str, Any] | None = None, label_function: Any = None
) -> list[dict[str, Any]]:
    """CKAN's ``get_facet_items_dict`` (most datasets first, as many as the
    facet shows), values with the same count in Vietnamese order of their
    label (core orders them by code point: "Đ" and "Ủ" after "Z")."""
    items = tk.h.get_facet_items_dict(name, search_facets)

    def label(item: dict[str, Any]) -> str:
        return str(label_function(item) if label_function else item.get("display_name") or "")

    return sorted(items, key=lambda i: (-i["count"], ordering.sort_key(label(i))))


def angiang_search_sorts() -> list[tuple[str, str]]:
    """(label, Solr sort) of the search pages' sort menu: CKAN's, plus the
    newest first and, with the usage figures of ``angiang_catalogue``
    (Art. 17.2: the ``usage_total`` index field), the most used. Titles
    sort in Vietnamese order (the search index's collation)."""
    sorts = [
        (tk._("Relevance"), "score desc, metadata_modified desc"),
        (tk._("Newest"), "metadata_created desc"),
        (tk._("Last Modified"), "metadata_modified desc"),
        (tk._("Name Ascending"), "title_string asc"),
        (tk._("Name Descending"), "title_string desc"),
    ]
    if plugins.plugin_loaded("angiang_catalogue"):
        sorts.append((tk._("Most used"), "usage_total desc, metadata_modified desc"))
    return sorts


def angiang_operator_name() -> str:
    """The department that runs the portal (``ckanext.angiang.dic_name``)."""
    return tk.config.get("ckanext.angiang.dic_name") or ""


def angiang_activity_type_label(activity_type: str) -> str:
    return activity_labels.label(activity_type)


def angiang_agency_tasks(org_id: str) -> dict[str, Any] | None:
    """What an agency's editors and admins have to do, for their agency's
    page (where they land after logging in): datasets awaiting review (when
    the catalogue plugin is enabled) and their draft count. None for anyone
    else."""
    user = getattr(tk.g, "userobj", None)
    if user is None:
        return None
    from ckan import authz

    role = authz.users_role_for_group_or_org(org_id, user.name)
    if role not in ("admin", "editor"):
        return None
    tasks: dict[str, Any] = {"role": role, "awaiting": None}
    if "angiang_review_list" in angiang_action_names():
        try:
            tasks["awaiting"] = len(
                tk.get_action("angiang_review_list")({"user": user.name}, {"agency": org_id})
            )
        except (tk.NotAuthorized, tk.ObjectNotFound):
            tasks["awaiting"] = None
    tasks["drafts"] = (
        model.Session.query(model.Package.id)
        .filter(
            model.Package.owner_org == org_id,
            model.Package.state == "draft",
            model.Package.creator_user_id == user.id,
        )
        .count()
    )
    return tasks
