"""Who may do what with the catalogue: sysadmins (the DIC) write it; the
catalogue is a public decision, so everyone reads it (Art. 7.1, 13.1)."""

from __future__ import annotations

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk

__all__ = [
    "angiang_catalogue_entry_list",
    "angiang_catalogue_entry_show",
    "angiang_catalogue_decision_list",
    "angiang_catalogue_import",
    "angiang_catalogue_entry_create",
    "angiang_catalogue_entry_update",
    "angiang_catalogue_entry_withdraw",
    "angiang_review_approve",
    "angiang_review_reject",
    "angiang_review_show",
    "angiang_review_list",
    "angiang_review_policy_update",
    "bulk_update_public",
    "angiang_review_source_exempt",
    "angiang_usage_top",
    "angiang_usage_summary",
    "angiang_report_show",
]


@tk.auth_allow_anonymous_access
def _public(context, data_dict):
    return {"success": True}


def _sysadmins_only(message):
    """An auth function refusing everyone with ``message()`` (translated at
    the request): sysadmins never reach an auth function."""

    def refuse(context, data_dict):
        return {"success": False, "msg": message()}

    return refuse


_sysadmin_only = _sysadmins_only(
    lambda: tk._("Only portal administrators may change the open data catalogue.")
)


angiang_catalogue_entry_list = _public
angiang_catalogue_entry_show = _public
angiang_catalogue_decision_list = _public
angiang_catalogue_import = _sysadmin_only
angiang_catalogue_entry_create = _sysadmin_only
angiang_catalogue_entry_update = _sysadmin_only
angiang_catalogue_entry_withdraw = _sysadmin_only
angiang_review_policy_update = _sysadmin_only


angiang_report_show = _sysadmins_only(
    lambda: tk._("Only portal administrators may see the six-month report.")
)
angiang_review_source_exempt = _sysadmins_only(
    lambda: tk._("Only portal administrators may exempt a harvest source from review.")
)
# Usage figures are public for public datasets; the actions leave out (or
# refuse) what the user may not read (Art. 17.2, Art. 8.2).
angiang_usage_top = _public
angiang_usage_summary = _public


def _reviewer(context, data_dict):
    """Art. 9.6: an admin of the dataset's agency reviews it."""
    from ckanext.angiang.catalogue import review

    pkg = model.Package.get(str(data_dict.get("id") or ""))
    user = context.get("user") or ""
    if pkg is None or not pkg.owner_org or not review.is_reviewer(user, pkg.owner_org):
        return {
            "success": False,
            "msg": tk._("Only an admin of the dataset's agency may review it."),
        }
    return {"success": True}


angiang_review_approve = _reviewer
angiang_review_reject = _reviewer


@tk.auth_allow_anonymous_access
def angiang_review_show(context, data_dict):
    # whoever may see the dataset may see its review
    tk.check_access("package_show", context, {"id": data_dict.get("id")})
    return {"success": True}


def angiang_review_list(context, data_dict):
    group = model.Group.get(str(data_dict.get("agency") or ""))
    role = authz.users_role_for_group_or_org(group.id, context.get("user")) if group else None
    if role not in ("admin", "editor"):
        return {
            "success": False,
            "msg": tk._(
                "Only the agency's editors and admins may see its datasets awaiting review."
            ),
        }
    return {"success": True}


@tk.chained_auth_function
def bulk_update_public(next_auth, context, data_dict):
    """The agency page's "make public" bulk action skips package_update, so
    it would skip review too (Art. 9.6): only reviewers may use it where
    review is on."""
    from ckanext.angiang.catalogue import review

    org_id = data_dict.get("org_id")
    group = model.Group.get(str(org_id or ""))
    user = context.get("user") or ""
    if group is not None and review.required(group.id) and not review.is_reviewer(user, group.id):
        return {
            "success": False,
            "msg": tk._("Only an admin of the dataset's agency may review it."),
        }
    return next_auth(context, data_dict)


def is_agency_admin(user: str, agency_id: str) -> bool:
    return authz.users_role_for_group_or_org(agency_id, user) == "admin"


def admin_agencies(user: str) -> list[str]:
    """The agencies ``user`` administers (a sysadmin never reaches here)."""
    user_obj = model.User.get(user) if user else None
    if user_obj is None:
        return []
    rows = (
        model.Session.query(model.Member.group_id)
        .join(model.Group, model.Group.id == model.Member.group_id)
        .filter(
            model.Member.table_name == "user",
            model.Member.table_id == user_obj.id,
            model.Member.state == "active",
            model.Member.capacity == "admin",
            model.Group.is_organization.is_(True),
            model.Group.state == "active",
        )
    )
    return [row.group_id for row in rows]


def _compliance(context, data_dict):
    """Art. 11.1a, 15: the DIC (sysadmins) sees every agency; an agency's
    admins see their own agency's figures; nobody else."""
    user = context.get("user") or ""
    agency = data_dict.get("agency")
    if agency:
        group = model.Group.get(str(agency))
        allowed = group is not None and is_agency_admin(user, group.id)
    else:
        allowed = bool(admin_agencies(user))
    if not allowed:
        return {
            "success": False,
            "msg": tk._(
                "Only portal administrators and the agency's admins may see its compliance figures."
            ),
        }
    return {"success": True}


def _compliance_of_dataset(context, data_dict):
    """A dataset's own link and file results: whoever may edit it, else as
    :func:`_compliance`."""
    if data_dict.get("id"):
        try:
            tk.check_access("package_update", context, {"id": data_dict["id"]})
            return {"success": True}
        except tk.NotAuthorized:
            return {
                "success": False,
                "msg": tk._("Only the dataset's editors may see its link and file checks."),
            }
        except tk.ObjectNotFound:
            return {"success": False, "msg": tk._("Dataset not found")}
    return _compliance(context, data_dict)


angiang_compliance_summary = _compliance
angiang_link_status = _compliance_of_dataset
angiang_integrity_report = _compliance_of_dataset
__all__ += ["angiang_compliance_summary", "angiang_link_status", "angiang_integrity_report"]
