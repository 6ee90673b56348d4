"""The agency tree: agencies grouped by level, nested by ``parent_agency``."""

from __future__ import annotations

from typing import Any

import ckan.model as model
import sqlalchemy as sa

from ckanext.angiang.metadata import vocabularies
from ckanext.angiang.portal import ordering


def _public_dataset_counts() -> dict[str, int]:
    rows = (
        model.Session.query(model.Package.owner_org, sa.func.count(model.Package.id))
        .filter(
            model.Package.state == "active",
            model.Package.private.is_(False),
            model.Package.type == "dataset",
        )
        .group_by(model.Package.owner_org)
        .all()
    )
    return {org_id: n for org_id, n in rows}


def agencies() -> list[model.Group]:
    """Active agencies in Vietnamese alphabetical order of their titles."""
    return (
        model.Session.query(model.Group)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .order_by(ordering.title_order(model.Group.title), model.Group.name)
        .all()
    )


def tree() -> list[dict[str, Any]]:
    """``[{level, label, agencies: [{name, title, ..., children: [...]}]}]``
    in the order of the ``agency_level`` vocabulary. An agency is listed under
    its parent when the parent exists at the same level; otherwise at the top
    of its own level (a commune's People's Committee under the communes, not
    under the provincial People's Committee it reports to), with
    ``parent_title`` naming its parent."""
    counts = _public_dataset_counts()
    nodes: dict[str, dict[str, Any]] = {}
    for g in agencies():
        extras = g.extras or {}
        nodes[g.name] = {
            "id": g.id,
            "name": g.name,
            "title": g.title or g.name,
            "short_name": extras.get("short_name") or "",
            "agency_code": extras.get("agency_code") or "",
            "agency_level": extras.get("agency_level") or "other",
            "parent_agency": extras.get("parent_agency") or "",
            "package_count": counts.get(g.id, 0),
            "image_url": g.image_url or "",
            "parent_title": "",
            "children": [],
        }
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        parent = nodes.get(node["parent_agency"])
        if parent is not None and parent is not node:
            node["parent_title"] = parent["title"]
            if parent["agency_level"] == node["agency_level"]:
                parent["children"].append(node)
                continue
        roots.append(node)

    levels = vocabularies.choices("agency_level")
    known = {c["value"] for c in levels}
    out = []
    for c in levels:
        members = [
            n
            for n in roots
            if n["agency_level"] == c["value"]
            or (c["value"] == "other" and n["agency_level"] not in known)
        ]
        out.append({"level": c["value"], "label": c["label"], "agencies": members})
    return out


def levels_flat() -> list[dict[str, Any]]:
    """The levels of :func:`tree`, each with all its agencies in one flat
    list (children after their parent) and ``package_count``, the level's
    public datasets."""

    def flatten(nodes):
        for n in nodes:
            yield n
            yield from flatten(n["children"])

    out = []
    for level in tree():
        members = list(flatten(level["agencies"]))
        out.append(
            {
                **level,
                "agencies": members,
                "package_count": sum(n["package_count"] for n in members),
            }
        )
    return out
