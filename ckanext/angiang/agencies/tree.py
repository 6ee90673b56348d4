"""The agency tree: agencies grouped by level, nested by ``parent_agency``."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model

from ckanext.angiang.metadata import vocabularies


def _public_dataset_counts() -> dict[str, int]:
    rows = (
        model.Session.query(model.Package.owner_org, sa.func.count(model.Package.id))
        .filter(model.Package.state == "active", model.Package.private.is_(False),
                model.Package.type == "dataset")
        .group_by(model.Package.owner_org)
        .all()
    )
    return {org_id: n for org_id, n in rows}


def agencies() -> list[model.Group]:
    return (
        model.Session.query(model.Group)
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .order_by(model.Group.title)
        .all()
    )


def tree() -> list[dict[str, Any]]:
    """``[{level, label, agencies: [{name, title, ..., children: [...]}]}]``
    in the order of the ``agency_level`` vocabulary. An agency is listed under
    its parent when the parent exists; otherwise at the top of its level."""
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
            "children": [],
        }
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        parent = nodes.get(node["parent_agency"])
        if parent is not None and parent is not node:
            parent["children"].append(node)
        else:
            roots.append(node)

    levels = vocabularies.choices("agency_level")
    known = {c["value"] for c in levels}
    out = []
    for c in levels:
        members = [n for n in roots if n["agency_level"] == c["value"]
                   or (c["value"] == "other" and n["agency_level"] not in known)]
        out.append({"level": c["value"], "label": c["label"], "agencies": members})
    return out
