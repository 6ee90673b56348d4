"""Actions of the ``angiang_schema`` plugin: check -> validate -> act."""

from __future__ import annotations

import re
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ckanext.angiang.agencies import merge as agency_merge
from ckanext.angiang.agencies import tree as agency_tree
from ckanext.angiang.logic import input_checks
from ckanext.angiang.metadata import licenses

_ = tk._

__all__ = [
    "angiang_license_create",
    "angiang_license_delete",
    "angiang_agency_merge",
    "angiang_agency_rename",
    "angiang_agency_tree",
    "bulk_update_public",
]

_LICENSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$")


def _terms(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [line.strip() for line in value.splitlines() if line.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value if v.strip()]
    raise tk.ValidationError({"terms_vi": [_("Expecting a list of terms.")]})


def angiang_license_create(context, data_dict):
    """Add a licence issued or adopted by an agency (Art. 4.2) to the
    portal's list. Sysadmins only.

    :param id: licence id (letters, digits, ``.``, ``_``, ``-``)
    :param title_vi: Vietnamese title (required); ``title_en`` optional
    :param url: the licence text (http/https); empty: the portal's licence page
    :param terms_vi: / ``terms_en``: the terms, a list or one per line
    :param agency: name of the issuing agency (optional)
    """
    tk.check_access("angiang_license_create", context, data_dict)

    errors: dict[str, list[str]] = {}
    lid = str(data_dict.get("id") or "").strip()
    if not _LICENSE_ID.match(lid):
        errors["id"] = [_("Use 2 to 100 letters, digits and . _ - for the licence id.")]
    elif lid in licenses.register().keys():
        errors["id"] = [_('A licence "{id}" already exists.').format(id=lid)]
    title_vi = str(data_dict.get("title_vi") or data_dict.get("title") or "").strip()
    if not title_vi:
        errors["title_vi"] = [_("Missing value")]
    url = str(data_dict.get("url") or "").strip()
    if url:
        try:
            url = tk.get_validator("angiang_http_url")(url)
        except tk.Invalid as e:
            errors["url"] = [e.error]
    agency = str(data_dict.get("agency") or "").strip()
    if agency:
        org = model.Group.get(agency)
        if org is None or not org.is_organization or org.state != "active":
            errors["agency"] = [_('No agency named "{name}".').format(name=agency)]
        else:
            agency = org.name
    try:
        terms_vi = _terms(data_dict.get("terms_vi"))
        terms_en = _terms(data_dict.get("terms_en"))
    except tk.ValidationError as e:
        errors.update(e.error_dict)
    if errors:
        raise tk.ValidationError(errors)

    item = {
        "id": lid,
        "title": title_vi,
        "title_vi": title_vi,
        "title_en": str(data_dict.get("title_en") or "").strip() or title_vi,
        "url": url or licenses.license_page_path(lid),
        "status": "active",
        "family": "agency",
        "maintainer": agency,
        "agency": agency,
        "domain_content": True,
        "domain_data": True,
        "domain_software": False,
        "od_conformance": "not reviewed",
        "osd_conformance": "not reviewed",
        "terms_vi": terms_vi,
        "terms_en": terms_en,
    }
    # What the DCAT catalogue states about it (ADMS types, rights statement).
    item.update(licenses.facts(item))
    items = licenses.extra_licenses() + [item]
    licenses.save_extra_licenses(items)
    model.repo.commit()
    licenses.register().invalidate()
    return licenses.get(lid).license_dictize()


def angiang_license_delete(context, data_dict):
    """Remove an agency licence added with ``angiang_license_create``; refused
    while a dataset uses it, and for the licences of the portal's file."""
    tk.check_access("angiang_license_delete", context, data_dict)
    lid = tk.get_or_bust(data_dict, "id")
    items = licenses.extra_licenses()
    if lid not in [i["id"] for i in items]:
        if lid in licenses.register().keys():
            raise tk.ValidationError(
                {"id": [_("Licences of the portal's licence file cannot be deleted here.")]}
            )
        raise tk.ObjectNotFound(_("Licence not found"))
    used = (
        model.Session.query(model.Package.name)
        .filter(model.Package.license_id == lid, model.Package.state != "deleted")
        .limit(5)
        .all()
    )
    if used:
        raise tk.ValidationError(
            {
                "id": [
                    _("The licence is used by datasets: {names}").format(
                        names=", ".join(r[0] for r in used)
                    )
                ]
            }
        )
    licenses.save_extra_licenses([i for i in items if i["id"] != lid])
    model.repo.commit()
    licenses.register().invalidate()


def angiang_agency_merge(context, data_dict):
    """Merge agencies ``sources`` (list of names or ids) into ``target``: all
    their datasets and staff move, they are deleted, their URLs redirect.
    Sysadmins only."""
    tk.check_access("angiang_agency_merge", context, data_dict)
    sources = data_dict.get("sources")
    if isinstance(sources, str):
        sources = [s.strip() for s in sources.split(",") if s.strip()]
    if not sources:
        raise tk.ValidationError({"sources": [_("Missing value")]})
    target = data_dict.get("target")
    if not target:
        raise tk.ValidationError({"target": [_("Missing value")]})
    return agency_merge.merge(context, sources, target)


def angiang_agency_rename(context, data_dict):
    """Rename agency ``id``: new ``name`` (URL) and/or ``title``; the old URL
    redirects. Sysadmins only."""
    tk.check_access("angiang_agency_rename", context, data_dict)
    ref = tk.get_or_bust(data_dict, "id")
    return agency_merge.rename(context, ref, data_dict.get("name"), data_dict.get("title"))


@tk.side_effect_free
def angiang_agency_tree(context, data_dict):
    """Agencies grouped by level (provincial, commune, other), nested by
    parent agency, with their number of public datasets."""
    tk.check_access("angiang_agency_tree", context, data_dict)
    return agency_tree.tree()


@tk.chained_action
def bulk_update_public(original_action, context, data_dict):
    """Art. 9.6: the bulk "make public" of an organization's dataset list
    skips validation in CKAN core; refuse datasets without the attestation.
    Access and parameters are checked before any dataset is read, and only
    the agency's own datasets are read (CKAN updates no others)."""
    ids = input_checks.check_bulk_update("bulk_update_public", context, data_dict)
    org = model.Group.get(data_dict["org_id"])
    if org is None or not org.is_organization:
        raise tk.ObjectNotFound(_("Agency not found"))
    missing = (
        (
            model.Session.query(model.Package)
            .filter(model.Package.id.in_(ids) | model.Package.name.in_(ids))
            .filter(model.Package.owner_org == org.id)
            .all()
        )
        if ids
        else []
    )
    refused = [p.name for p in missing if (p.extras or {}).get("no_state_secret") != "true"]
    if refused:
        raise tk.ValidationError(
            {
                "no_state_secret": [
                    _(
                        "Confirm that the dataset contains no state secret before making it "
                        "public (Art. 9.6), or keep it private."
                    )
                    + " "
                    + ", ".join(refused)
                ]
            }
        )
    return original_action(context, data_dict)
