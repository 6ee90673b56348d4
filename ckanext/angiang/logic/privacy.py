"""No private identifier reaches anyone without the right to read it.

CKAN 2.12 lets a few read actions name private, draft or purged datasets
(issue 17, item 7). The chained actions below, registered by the ``angiang``
plugin, drop what the caller may not read, with the same permission labels
``package_show`` uses (``IPermissionLabels``), so a rule added there (the
draft rule of Art. 8.2) applies here too:

- ``member_list`` (``object_type=package``) lists the agency's private
  datasets and drafts to anyone;
- the activity streams keep resource-view activities of private datasets
  (CKAN filters only ``* package`` activities, by the labels the dataset had
  when the activity was written) and the activities of purged datasets;
  ``dataset_purge`` now removes the purged dataset's activities as well;
- ``tag_list``, ``tag_search``, ``tag_autocomplete`` and ``tag_show`` read
  every tag of every dataset: for anyone but a sysadmin they only show free
  tags that at least one public, active dataset carries (a vocabulary's tags
  are its published list of terms and stay listed).
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

import sqlalchemy as sa

import ckan.authz as authz
import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import get_permission_labels

_ = tk._

__all__ = [
    "member_list",
    "user_activity_list",
    "recently_changed_packages_activity_list",
    "dashboard_activity_list",
    "group_activity_list",
    "organization_activity_list",
    "dataset_purge",
    "tag_list",
    "tag_search",
    "tag_autocomplete",
    "tag_show",
]

#: The chained actions that the ``activity`` plugin defines.
ACTIVITY_ACTIONS = ("user_activity_list", "recently_changed_packages_activity_list",
                    "dashboard_activity_list", "group_activity_list",
                    "organization_activity_list")

#: Rounds of refilling an activity page whose items were dropped.
_REFILL_ROUNDS = 10
#: What core's tag search is asked for when this module filters its result.
_ALL = 1_000_000


def _user(context) -> Optional[model.User]:
    user = context.get("auth_user_obj")
    if user is None and context.get("user"):
        user = model.User.get(context["user"])
    return user


def _is_sysadmin(context) -> bool:
    user = _user(context)
    return bool(getattr(user, "sysadmin", False)) or authz.is_sysadmin(context.get("user"))


def readable_dataset_ids(context, ids: Iterable[str]) -> set[str]:
    """The ids among ``ids`` of datasets that exist (not purged) and that the
    context's user may read (``package_show``'s permission labels)."""
    ids = {i for i in ids if isinstance(i, str)}
    if not ids:
        return set()
    packages = model.Session.query(model.Package).filter(model.Package.id.in_(ids)).all()
    if _is_sysadmin(context):
        return {pkg.id for pkg in packages}
    labels = get_permission_labels()
    user_labels = set(labels.get_user_dataset_labels(_user(context)))
    return {pkg.id for pkg in packages
            if user_labels.intersection(labels.get_dataset_labels(pkg))}


# --- member_list --------------------------------------------------------------

@tk.chained_action
@tk.side_effect_free
def member_list(original_action, context, data_dict):
    """CKAN's ``member_list`` without the datasets the caller may not read."""
    members = original_action(context, data_dict)
    ids = [m[0] for m in members if m[1] == "package"]
    if not ids:
        return members
    readable = readable_dataset_ids(context, ids)
    return [m for m in members if m[1] != "package" or m[0] in readable]


# --- activity streams ---------------------------------------------------------

def _about_dataset(activity: dict[str, Any]) -> bool:
    """Activities whose object is a dataset: ``new|changed|deleted package``
    and the resource (view) activities, which name the dataset too."""
    kind = activity.get("activity_type") or ""
    return kind.endswith("package") or "resource" in kind


def _public_deleted_ids(ids: set[str]) -> set[str]:
    """Deleted (not purged) datasets among ``ids`` that were public."""
    if not ids:
        return set()
    rows = model.Session.query(model.Package.id).filter(
        model.Package.id.in_(ids), model.Package.state == "deleted",
        model.Package.private.is_(False))
    return {r[0] for r in rows}


def _activity_filter(context) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """Keeps the activities whose dataset the caller may read now, and the
    ``* package`` activities of a public dataset since deleted (CKAN already
    filtered those by the labels they were written with); drops those of
    purged, private and draft datasets."""
    def keep(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        ids = {a.get("object_id") for a in activities if _about_dataset(a)}
        if not ids:
            return activities
        readable = readable_dataset_ids(context, ids)
        deleted = _public_deleted_ids(ids - readable)
        return [a for a in activities
                if not _about_dataset(a) or a.get("object_id") in readable
                or (a.get("object_id") in deleted
                    and (a.get("activity_type") or "").endswith("package"))]
    return keep


def _page_size(data_dict) -> int:
    limit_max = tk.asint(tk.config.get("ckan.activity_list_limit_max"))
    try:
        limit = int(data_dict.get("limit") or tk.config.get("ckan.activity_list_limit"))
    except (TypeError, ValueError):
        limit = tk.asint(tk.config.get("ckan.activity_list_limit"))
    return max(1, min(limit, limit_max))


def _filtered_stream(original_action, context, data_dict):
    """The stream CKAN returns, without the activities the caller may not
    read; a page that lost items is refilled from the next ones, so paging
    still works."""
    keep = _activity_filter(context)
    batch = original_action(dict(context), data_dict)
    kept = keep(batch)
    if len(kept) == len(batch):
        return kept
    size = _page_size(data_dict)
    offset = tk.asint(data_dict.get("offset") or 0)
    rounds = 0
    while len(batch) >= size and len(kept) < size and rounds < _REFILL_ROUNDS:
        offset += len(batch)
        batch = original_action(dict(context), dict(data_dict, offset=offset, limit=size))
        kept.extend(keep(batch))
        rounds += 1
    return kept[:size]


def _stream(name: str):
    @tk.chained_action
    @tk.side_effect_free
    def chained(original_action, context, data_dict):
        return _filtered_stream(original_action, context, data_dict)
    chained.__name__ = name
    chained.__doc__ = f"CKAN's ``{name}`` without activities of datasets the caller may not read."
    return chained


user_activity_list = _stream("user_activity_list")
recently_changed_packages_activity_list = _stream("recently_changed_packages_activity_list")
dashboard_activity_list = _stream("dashboard_activity_list")
group_activity_list = _stream("group_activity_list")
organization_activity_list = _stream("organization_activity_list")


@tk.chained_action
def dataset_purge(original_action, context, data_dict):
    """Purging a dataset also purges its activities (they hold whole copies
    of the dataset; CKAN leaves them, see its TODO in ``Activity``)."""
    pkg = model.Package.get(data_dict.get("id")) if isinstance(data_dict.get("id"), str) else None
    result = original_action(context, data_dict)
    if pkg is not None and p.plugin_loaded("activity"):
        from ckanext.activity.model import Activity

        model.Session.query(Activity).filter(Activity.object_id == pkg.id).delete(
            synchronize_session=False)
        model.repo.commit()
    return result


# --- tags ---------------------------------------------------------------------

def _public_tag_ids() -> sa.Select:
    """Ids of the tags carried by at least one public, active dataset."""
    return (
        sa.select(model.PackageTag.tag_id)
        .join(model.Package, model.Package.id == model.PackageTag.package_id)
        .where(model.PackageTag.state == "active", model.Package.state == "active",
               model.Package.private.is_(False))
    )


def _public_tag_names(names: Iterable[str]) -> set[str]:
    """The free tags among ``names`` that a public, active dataset carries."""
    names = [n for n in names if isinstance(n, str)]
    if not names:
        return set()
    q = model.Session.query(model.Tag.name).filter(
        model.Tag.name.in_(names), model.Tag.id.in_(_public_tag_ids()),
        model.Tag.vocabulary_id.is_(None))
    return {r[0] for r in q}


def _unfiltered(context, data_dict) -> bool:
    """Sysadmins see every tag; a vocabulary's tags are its published list
    of terms (the portal's themes...), not words of any dataset."""
    return _is_sysadmin(context) or bool(data_dict.get("vocabulary_id"))


def _tag_name(tag: Any) -> Optional[str]:
    return tag.get("name") if isinstance(tag, dict) else tag


def _visible_tags(tags: list[Any]) -> list[Any]:
    names = _public_tag_names([_tag_name(t) for t in tags])
    return [t for t in tags if _tag_name(t) in names]


def _paged(data_dict, items: list[Any]) -> list[Any]:
    """``offset`` and ``limit`` as CKAN's ``_tag_search`` applies them (no
    limit by default)."""
    offset = tk.asint(data_dict.get("offset") or 0)
    limit = data_dict.get("limit")
    return items[offset:offset + tk.asint(limit)] if limit not in (None, "") else items[offset:]


@tk.chained_action
@tk.side_effect_free
def tag_list(original_action, context, data_dict):
    """CKAN's ``tag_list`` with only the tags of public, active datasets."""
    tags = original_action(context, data_dict)
    if _unfiltered(context, data_dict):
        return tags
    return _visible_tags(tags)


@tk.chained_action
@tk.side_effect_free
def tag_search(original_action, context, data_dict):
    """CKAN's ``tag_search`` with only the tags of public, active datasets."""
    if _unfiltered(context, data_dict):
        return original_action(context, data_dict)
    everything = original_action(context, dict(data_dict, offset=0, limit=_ALL))
    results = _visible_tags(everything["results"])
    return {"count": len(results), "results": _paged(data_dict, results)}


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(original_action, context, data_dict):
    """CKAN's ``tag_autocomplete`` with only the tags of public, active
    datasets."""
    if _unfiltered(context, data_dict):
        return original_action(context, data_dict)
    everything = original_action(context, dict(data_dict, offset=0, limit=_ALL))
    return _paged(data_dict, _visible_tags(everything))


@tk.chained_action
@tk.side_effect_free
def tag_show(original_action, context, data_dict):
    """CKAN's ``tag_show``: a tag only private or draft datasets carry is not
    found (its name is itself an identifier of unpublished data)."""
    result = original_action(context, data_dict)
    if _unfiltered(context, data_dict) or result.get("vocabulary_id"):
        return result
    if not _public_tag_names([result.get("name")]):
        raise tk.ObjectNotFound(_("Tag not found"))
    return result
