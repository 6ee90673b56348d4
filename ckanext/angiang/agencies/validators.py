"""Validators of the agency (organization) schema: contact fields, the
agency code (unique), the parent agency (no cycles), former names (written
by the merge and rename actions only)."""

from __future__ import annotations

import re
from collections.abc import Callable

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing

from ckanext.angiang.logic.input_validators import is_empty as _empty
from ckanext.angiang.logic.input_validators import sibling as _sibling

Invalid = tk.Invalid
_ = tk._


def _matching(pattern: str, message: Callable[[str], str], digits: int = 0):
    """A validator of a text field (trimmed) that matches ``pattern`` and has
    at least ``digits`` digits; left empty, it passes."""
    compiled = re.compile(pattern)

    def validator(value):
        if _empty(value):
            return value
        value = str(value).strip()
        if not compiled.match(value) or sum(c.isdigit() for c in value) < digits:
            raise Invalid(message(value))
        return value

    return validator


angiang_email = _matching(
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
    lambda value: _('"{value}" is not an email address.').format(value=value),
)
angiang_phone = _matching(
    r"^\+?[0-9 ().-]{8,20}$",
    lambda value: _('"{value}" is not a phone number.').format(value=value),
    digits=8,
)
angiang_code = _matching(
    r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$",
    lambda value: _("Use letters, digits and . _ / - only (at most 64 characters)."),
)


def angiang_agency_code_unique(key, data, errors, context):
    value = data.get(key)
    if _empty(value):
        return
    own_id = data.get(_sibling(key, "id"))
    group = context.get("group")
    if _empty(own_id) and group is not None:
        own_id = group.id
    q = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True),
        model.Group.state != "deleted",
        model.Group.extras["agency_code"].astext == str(value),
    )
    for g in q:
        if g.id != own_id:
            errors[key].append(
                _('Agency code "{code}" is already used by {agency}.').format(
                    code=value, agency=g.title or g.name
                )
            )
            return


def angiang_parent_agency(key, data, errors, context):
    """The parent is an existing agency (by name), never the agency itself or
    one of its descendants."""
    value = data.get(key)
    if _empty(value):
        return
    parent = model.Group.get(str(value).strip())
    if parent is None or not parent.is_organization or parent.state == "deleted":
        errors[key].append(_('No agency named "{name}".').format(name=value))
        return
    data[key] = parent.name
    group = context.get("group")
    own_names = {data.get(_sibling(key, "name"))}
    if group is not None:
        own_names.add(group.name)
    own_names.discard(None)
    # walk up from the parent: meeting ourselves means a cycle
    seen, current = set(), parent
    while current is not None and current.name not in seen:
        if current.name in own_names:
            errors[key].append(_("An agency cannot be its own parent or the parent of its parent."))
            return
        seen.add(current.name)
        up = (current.extras or {}).get("parent_agency")
        current = model.Group.get(up) if up else None


def angiang_former_names(key, data, errors, context):
    """``former_names`` (old URL names that redirect here) is written only by
    the agency merge/rename actions; any other save keeps the stored list."""
    if context.get("angiang_agency_history"):
        return
    group = context.get("group")
    stored = (group.extras or {}).get("former_names") if group is not None else None
    if stored:
        data[key] = stored
    else:
        data[key] = missing
