"""The actions of review before publishing (Art. 9.6), see :mod:`.review`."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.angiang import api_params
from ckanext.angiang.catalogue import review, schema

__all__ = [
    "package_create",
    "package_update",
    "angiang_review_approve",
    "angiang_review_reject",
    "angiang_review_show",
    "angiang_review_list",
    "angiang_review_policy_update",
    "angiang_review_source_exempt",
]


def _id_of(result) -> str:
    return result["id"] if isinstance(result, dict) else str(result)


def _gated(name: str):
    """CKAN's ``name`` (package_create, package_update), with review's gate
    before it and the review events recorded after it."""

    @tk.chained_action
    def action(original, context, data_dict):
        decision = review.gate(context, data_dict)
        result = original(context, data_dict)
        review.after(
            _id_of(result), decision, context.get("user") or "", bool(context.get("defer_commit"))
        )
        return result

    action.__name__ = name
    return action


package_create = _gated("package_create")
package_update = _gated("package_update")


def _package(data_dict) -> model.Package:
    pkg = model.Package.get(str(data_dict.get("id") or ""))
    if pkg is None or pkg.state == "deleted":
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return pkg


def angiang_review_approve(context, data_dict):
    """An agency admin approves a dataset awaiting review: it becomes public."""
    tk.check_access("angiang_review_approve", context, data_dict)
    pkg = _package(data_dict)
    if review.status(pkg.id) != review.AWAITING:
        raise tk.ValidationError({"id": [tk._("This dataset is not awaiting review.")]})
    tk.get_action("package_patch")(
        review.approving_context(context), {"id": pkg.id, "private": False}
    )
    review.record(
        pkg.id, review.cm.APPROVED, context.get("user") or "", data_dict.get("note") or ""
    )
    model.Session.commit()
    return angiang_review_show(context, {"id": pkg.id})


def angiang_review_reject(context, data_dict):
    """An agency admin sends a dataset back: it stays private (``note``: why)."""
    tk.check_access("angiang_review_reject", context, data_dict)
    pkg = _package(data_dict)
    if review.status(pkg.id) != review.AWAITING:
        raise tk.ValidationError({"id": [tk._("This dataset is not awaiting review.")]})
    note = str(data_dict.get("note") or "").strip()
    if not note:
        raise tk.ValidationError({"note": [tk._("Say why the dataset cannot be published.")]})
    review.record(pkg.id, review.cm.REJECTED, context.get("user") or "", note)
    model.Session.commit()
    return angiang_review_show(context, {"id": pkg.id})


@tk.side_effect_free
def angiang_review_show(context, data_dict):
    """A dataset's review status and events (who attested, approved, rejected)."""
    tk.check_access("angiang_review_show", context, data_dict)
    pkg = _package(data_dict)
    events = [
        dict(e, at=e["at"].isoformat(), note=review.note_text(e["note"]))
        for e in review.events(pkg.id)
    ]
    return {
        "id": pkg.id,
        "status": review.status(pkg.id),
        "private": pkg.private,
        "review_required": review.required(pkg.owner_org),
        "events": events,
    }


@tk.side_effect_free
def angiang_review_list(context, data_dict):
    """An agency's datasets awaiting review (its editors and admins)."""
    tk.check_access("angiang_review_list", context, data_dict)
    group = model.Group.get(str(data_dict.get("agency") or ""))
    if group is None:
        raise tk.ObjectNotFound(tk._("Agency not found"))
    return [dict(r, at=r["at"].isoformat()) for r in review.awaiting(group.id)]


def angiang_review_policy_update(context, data_dict):
    """Sysadmins turn review on or off for an agency (``required``)."""
    tk.check_access("angiang_review_policy_update", context, data_dict)
    group = model.Group.get(str(data_dict.get("agency") or ""))
    if group is None or not group.is_organization:
        raise tk.ObjectNotFound(tk._("Agency not found"))
    required = data_dict.get("required", True)
    if not api_params.is_flag(required):  # CKAN's boolean_validator reads "maybe" as false
        raise tk.ValidationError({"required": [tk._("Expecting true or false.")]})
    value = tk.get_validator("boolean_validator")(required, context)
    review.set_required(group.id, bool(value), context.get("user") or "")
    model.Session.commit()
    return {"agency": group.name, "required": review.required(group.id)}


def angiang_review_source_exempt(context, data_dict):
    """Sysadmins exempt a harvest source (``source``: id or name) from review:
    its blanket attestation then publishes harvested datasets at once
    (``exempt``: false ends the exemption). Art. 9.6."""
    tk.check_access("angiang_review_source_exempt", context, data_dict)
    data, errors = tk.navl_validate(data_dict, schema.source_exempt(), context)
    if errors:
        raise tk.ValidationError(errors)
    source = model.Package.get(data["source"])
    if source is None or source.type != "harvest" or source.state == "deleted":
        raise tk.ObjectNotFound(tk._("Harvest source not found"))
    exempt = bool(data.get("exempt", True))
    review.set_source_exempt(source.id, exempt, context.get("user") or "")
    model.Session.commit()
    return {"source": source.name, "exempt": review.source_exempt(source.id)}
