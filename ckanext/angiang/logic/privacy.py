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

from collections.abc import Callable, Iterable
from typing import Any

import ckan.authz as authz
import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib.dictization import model_dictize, table_dictize
from ckan.lib.plugins import get_permission_labels
from ckan.model.misc import escape_sql_like_special_characters

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
ACTIVITY_ACTIONS = (
    "user_activity_list",
    "recently_changed_packages_activity_list",
    "dashboard_activity_list",
    "group_activity_list",
    "organization_activity_list",
)

#: Chunks of the unfiltered activity stream read for one page (a page far
#: down a stream of many hidden activities may come back short).
_SCAN_ROUNDS = 50


def _user(context) -> model.User | None:
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
    return {pkg.id for pkg in packages if user_labels.intersection(labels.get_dataset_labels(pkg))}


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
        model.Package.id.in_(ids),
        model.Package.state == "deleted",
        model.Package.private.is_(False),
    )
    return {r[0] for r in rows}


def _activity_filter(context) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """Keeps the activities whose dataset the caller may read now, and the
    ``* package`` activities of a public dataset since deleted (CKAN already
    filtered those by the labels they were written with); drops those of
    purged, private and draft datasets."""

    def keep(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
        about = [a.get("object_id") for a in activities if _about_dataset(a)]
        if not about:
            return activities
        ids = {str(i) for i in about if i}  # one without an id is dropped below
        readable = readable_dataset_ids(context, ids)
        deleted = _public_deleted_ids(ids - readable)
        return [
            a
            for a in activities
            if not _about_dataset(a)
            or a.get("object_id") in readable
            or (
                a.get("object_id") in deleted and (a.get("activity_type") or "").endswith("package")
            )
        ]

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
    read, paged over what the caller sees: ``offset`` counts visible
    activities, so consecutive pages neither repeat nor skip one (a page
    refilled from the following activities used to repeat them on the next
    page). The unfiltered stream is read from its start in chunks of
    ``ckan.activity_list_limit_max``, at most :data:`_SCAN_ROUNDS` of them."""
    keep = _activity_filter(context)
    size = _page_size(data_dict)
    offset = tk.asint(data_dict.get("offset") or 0)
    chunk = size if offset == 0 else tk.asint(tk.config.get("ckan.activity_list_limit_max"))
    kept: list[dict[str, Any]] = []
    raw = 0
    for _round in range(_SCAN_ROUNDS):
        batch = original_action(dict(context), dict(data_dict, offset=raw, limit=chunk))
        visible = keep(batch)
        if offset >= len(visible):
            offset -= len(visible)
        else:
            kept.extend(visible[offset:])
            offset = 0
        if len(kept) >= size or len(batch) < chunk:
            break
        raw += len(batch)
        chunk = tk.asint(tk.config.get("ckan.activity_list_limit_max"))
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
            synchronize_session=False
        )
        model.repo.commit()
    return result


# --- tags ---------------------------------------------------------------------


def _public_tag_ids() -> sa.Select:
    """Ids of the tags carried by at least one public, active dataset."""
    return (
        sa.select(model.PackageTag.tag_id)
        .join(model.Package, model.Package.id == model.PackageTag.package_id)
        .where(
            model.PackageTag.state == "active",
            model.Package.state == "active",
            model.Package.private.is_(False),
        )
    )


def _public_tag_names(names: Iterable[str]) -> set[str]:
    """The free tags among ``names`` that a public, active dataset carries."""
    names = [n for n in names if isinstance(n, str)]
    if not names:
        return set()
    q = model.Session.query(model.Tag.name).filter(
        model.Tag.name.in_(names),
        model.Tag.id.in_(_public_tag_ids()),
        model.Tag.vocabulary_id.is_(None),
    )
    return {r[0] for r in q}


def _unfiltered(context, data_dict) -> bool:
    """Sysadmins see every tag; a vocabulary's tags are its published list
    of terms (the portal's themes...), not words of any dataset."""
    return _is_sysadmin(context) or bool(data_dict.get("vocabulary_id"))


def _natural(data_dict, key: str) -> int | None:
    value = data_dict.get(key)
    if value in (None, ""):
        return None
    try:
        number = int(value) if not isinstance(value, (bool, list, dict)) else -1
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise tk.ValidationError({key: [_("Must be a natural number")]})
    return number


def _public_free_tags(data_dict, terms_required: bool):
    """Free tags that a public, active dataset carries, whose names contain
    every term of ``query``/``q`` (as CKAN's ``_tag_search`` matches them),
    by name: one SQL statement, paged in SQL. None when terms are required
    and there are none (CKAN's answer is then empty)."""
    terms = data_dict.get("query") or data_dict.get("q") or []
    if isinstance(terms, str):
        terms = [terms]
    terms = (
        [t.strip() for t in terms if isinstance(t, str) and t.strip()]
        if isinstance(terms, list)
        else []
    )
    fields = data_dict.get("fields")
    if isinstance(fields, dict):
        terms += [v for f, v in fields.items() if f in ("tag", "tags") and isinstance(v, str)]
    if terms_required and not terms:
        return None
    q = model.Session.query(model.Tag).filter(
        model.Tag.vocabulary_id.is_(None), model.Tag.id.in_(_public_tag_ids())
    )
    for term in terms:
        escaped = escape_sql_like_special_characters(term, escape="\\")
        q = q.filter(model.Tag.name.ilike(f"%{escaped}%"))
    return q.order_by(model.Tag.name)


def _page_of(q, data_dict):
    offset, limit = _natural(data_dict, "offset"), _natural(data_dict, "limit")
    if offset:
        q = q.offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return q.all()


@tk.chained_action
@tk.side_effect_free
def tag_list(original_action, context, data_dict):
    """CKAN's ``tag_list`` with only the tags of public, active datasets
    (selected in SQL, not filtered from every tag in Python)."""
    if _unfiltered(context, data_dict):
        return original_action(context, data_dict)
    tk.check_access("tag_list", context, data_dict)
    tags = _public_free_tags(data_dict, terms_required=False).all()
    if tk.asbool(data_dict.get("all_fields") or False):
        return model_dictize.tag_list_dictize(tags, context)
    return [tag.name for tag in tags]


@tk.chained_action
@tk.side_effect_free
def tag_search(original_action, context, data_dict):
    """CKAN's ``tag_search`` with only the tags of public, active datasets,
    counted and paged in SQL."""
    if _unfiltered(context, data_dict):
        return original_action(context, data_dict)
    tk.check_access("tag_search", context, data_dict)
    q = _public_free_tags(data_dict, terms_required=True)
    if q is None:
        return {"count": 0, "results": []}
    count = q.count()
    return {
        "count": count,
        "results": [table_dictize(tag, context) for tag in _page_of(q, data_dict)],
    }


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(original_action, context, data_dict):
    """CKAN's ``tag_autocomplete`` with only the tags of public, active
    datasets, paged in SQL."""
    if _unfiltered(context, data_dict):
        return original_action(context, data_dict)
    tk.check_access("tag_autocomplete", context, data_dict)
    q = _public_free_tags(data_dict, terms_required=True)
    return [] if q is None else [tag.name for tag in _page_of(q, data_dict)]


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
