"""Merge and rename agencies (the 2025 reorganisation of Vietnam's local
government: departments merged, district level abolished, communes merged).

* **merge** ``sources`` into ``target``: every dataset of each source moves to
  the target through ``package_patch`` (so each dataset's activity stream
  records the change of publisher), child agencies point at the target, the
  sources are deleted, and their names join the target's ``former_names`` so
  old ``/organization/<name>`` URLs redirect to it. All or nothing: one
  transaction, rolled back on the first failure.
* **rename** an agency: new ``name`` and/or ``title``; the old name joins
  ``former_names`` (redirect), children and search entries follow.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any

import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.lib import search

log = logging.getLogger(__name__)
_ = tk._


def _org(ref: str, field: str) -> model.Group:
    group = model.Group.get(ref) if ref else None
    if group is None or not group.is_organization or group.state != "active":
        raise tk.ValidationError({field: [_('No agency "{name}".').format(name=ref)]})
    return group


def former_names(group: model.Group) -> list[str]:
    raw = (group.extras or {}).get("former_names")
    try:
        names = json.loads(raw) if raw else []
    except ValueError:
        names = []
    return [n for n in names if isinstance(n, str)]


def _set_extra(group: model.Group, key: str, value: str) -> None:
    extras = dict(group.extras or {})
    extras[key] = value
    group.extras = extras


def _add_former_names(target: model.Group, names: Iterable[str]) -> None:
    current = former_names(target)
    for n in names:
        if n and n != target.name and n not in current:
            current.append(n)
    _set_extra(target, "former_names", json.dumps(current))


def _repoint_children(old_name: str, new_name: str) -> None:
    children = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True),
        model.Group.extras["parent_agency"].astext == old_name,
    )
    for child in children:
        _set_extra(child, "parent_agency", new_name)


_CAPACITY_RANK = {"member": 0, "editor": 1, "admin": 2}


def _move_members(src: model.Group, target: model.Group) -> None:
    """Staff of a merged agency become staff of the target with the same
    role (the higher one when they already belong to it)."""

    def members(group):
        return {
            m.table_id: m
            for m in model.Session.query(model.Member).filter(
                model.Member.group_id == group.id,
                model.Member.table_name == "user",
                model.Member.state == "active",
            )
        }

    existing = members(target)
    for user_id, m in members(src).items():
        have = existing.get(user_id)
        if have is None:
            model.Session.add(
                model.Member(group=target, table_id=user_id, table_name="user", capacity=m.capacity)
            )
        elif _CAPACITY_RANK.get(m.capacity, 0) > _CAPACITY_RANK.get(have.capacity, 0):
            have.capacity = m.capacity


def _delete(group: model.Group) -> None:
    """What ``organization_delete`` does, without its commit (the merge
    commits once, at the end)."""
    for member in model.Session.query(model.Member).filter(
        sa.or_(model.Member.table_id == group.id, model.Member.group_id == group.id),
        model.Member.state == "active",
    ):
        member.delete()
    group.delete()
    for item in p.PluginImplementations(p.IOrganizationController):
        item.delete(group)


def _dataset_ids(org: model.Group) -> list[str]:
    rows = (
        model.Session.query(model.Package.id)
        .filter(model.Package.owner_org == org.id, model.Package.state != "deleted")
        .all()
    )
    return [r[0] for r in rows]


def _reindex(ids: Iterable[str]) -> None:
    for pid in ids:
        try:
            search.rebuild(pid)
        except search.SearchIndexError:
            log.exception("could not re-index dataset %s", pid)


def merge(context: dict[str, Any], sources: list[str], target_ref: str) -> dict[str, Any]:
    target = _org(target_ref, "target")
    source_orgs = []
    for ref in sources:
        src = _org(ref, "sources")
        if src.id == target.id:
            raise tk.ValidationError({"sources": [_("An agency cannot be merged into itself.")]})
        if src not in source_orgs:
            source_orgs.append(src)
    if not source_orgs:
        raise tk.ValidationError({"sources": [_("Name at least one agency to merge.")]})

    moved: list[str] = []
    user = context.get("user")
    try:
        for src in source_orgs:
            for pid in _dataset_ids(src):
                # CKAN 2.12's package_update rolls its savepoint back under
                # defer_commit unless return_id_only is set too; it then skips
                # marking the dataset changed, which the activity plugin needs
                # to record the move in the dataset's history (deferred too).
                patch_context = {
                    "user": user,
                    "ignore_auth": True,
                    "defer_commit": True,
                    "return_id_only": True,
                    "changed_entities": {"packages": {pid}},
                }
                try:
                    tk.get_action("package_patch")(
                        patch_context, {"id": pid, "owner_org": target.id}
                    )
                except tk.ValidationError as e:
                    pkg = model.Package.get(pid)
                    raise tk.ValidationError(
                        {
                            "sources": [
                                _(
                                    'Dataset "{dataset}" of {agency} cannot be moved: {errors}'
                                ).format(
                                    dataset=pkg.name if pkg else pid,
                                    agency=src.name,
                                    errors=e.error_dict,
                                )
                            ]
                        }
                    ) from None
                moved.append(pid)
        model.Session.flush()
        for src in source_orgs:
            _add_former_names(target, [src.name] + former_names(src))
            _repoint_children(src.name, target.name)
            _move_members(src, target)
            _delete(src)
        model.repo.commit()
    except Exception:
        model.Session.rollback()
        _reindex(moved)  # the index may have seen the moves before the rollback
        raise
    _reindex(moved)
    return {
        "target": target.name,
        "merged": [s.name for s in source_orgs],
        "datasets_moved": len(moved),
        "former_names": former_names(target),
    }


def rename(
    context: dict[str, Any], ref: str, new_name: str | None, new_title: str | None
) -> dict[str, Any]:
    org = _org(ref, "id")
    old_name = org.name
    patch: dict[str, Any] = {"id": org.id}
    if new_title:
        patch["title"] = new_title
    if new_name and new_name != old_name:
        patch["name"] = new_name
        names = former_names(org) + [old_name]
        patch["former_names"] = json.dumps([n for n in dict.fromkeys(names) if n != new_name])
    if len(patch) == 1:
        raise tk.ValidationError({"name": [_("Give a new name or a new title.")]})
    patch_context = {
        "user": context.get("user"),
        "ignore_auth": True,
        "angiang_agency_history": True,
    }
    result = tk.get_action("organization_patch")(patch_context, patch)
    if result["name"] != old_name:
        _repoint_children(old_name, result["name"])
        model.repo.commit()
    _reindex(_dataset_ids(org))
    return {
        "name": result["name"],
        "title": result["title"],
        "former_names": former_names(model.Group.get(result["id"])),
    }


def redirect_target(name: str) -> model.Group | None:
    """The active agency that used to be called ``name`` (for redirects)."""
    if not name:
        return None
    like = '%"' + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + '"%'
    candidates = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True),
        model.Group.state == "active",
        model.Group.extras["former_names"].astext.like(like, escape="\\"),
    )
    for g in candidates:
        if name in former_names(g):
            return g
    return None
