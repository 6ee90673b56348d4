"""What anonymous visitors see of registered users (citizens who signed up,
agency staff): CKAN's ``user_list``, ``user_show`` and ``user_autocomplete``
give anyone every account's full name and last-active time. With
``ckanext.angiang.security.hide_user_details_from_anonymous`` (default on)
an anonymous caller gets the account name only: ``fullname`` empty,
``display_name`` the account name, no ``last_active``, and a ``q`` that
matches account names only (not full names).
"""

from __future__ import annotations

from typing import Any

import ckan.authz as authz
import ckan.plugins.toolkit as tk

__all__ = ["user_list", "user_show", "user_autocomplete"]


def _hide(context: dict[str, Any]) -> bool:
    if context.get("ignore_auth"):
        return False  # internal calls (the portal's own code)
    if not tk.config.get("ckanext.angiang.security.hide_user_details_from_anonymous"):
        return False
    user = context.get("user")
    return not user or authz.get_user_id_for_username(user, allow_none=True) is None


def _strip(user: Any) -> Any:
    if not isinstance(user, dict):
        return user  # user_list(all_fields=False): names only already
    if "fullname" in user:
        user["fullname"] = None
    if "display_name" in user:
        user["display_name"] = user.get("name")
    user.pop("last_active", None)
    return user


def _name_matches(q: str):
    q = (q or "").strip().lower()
    return lambda u: not q or q in (u["name"] if isinstance(u, dict) else u).lower()


def _listed(result: list, context, data_dict) -> list:
    """A list of users (or names) as ``context``'s caller may see it."""
    if not _hide(context):
        return result
    keep = _name_matches(data_dict.get("q", ""))
    return [_strip(u) for u in result if keep(u)]


@tk.chained_action
@tk.side_effect_free
def user_list(up_func, context, data_dict):
    return _listed(up_func(context, data_dict), context, data_dict)


@tk.chained_action
@tk.side_effect_free
def user_show(up_func, context, data_dict):
    result = up_func(context, data_dict)
    return _strip(result) if _hide(context) else result


@tk.chained_action
@tk.side_effect_free
def user_autocomplete(up_func, context, data_dict):
    return _listed(up_func(context, data_dict), context, data_dict)
