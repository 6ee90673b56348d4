"""Refusals that name nothing (issue 17, item 7).

CKAN's auth functions explain a refusal with the object's UUID ("User  not
authorized to read package 0d6c…"), which the API returns with its 403: a
visitor who guessed a private dataset's name learns its identifier. These
chained auth functions, registered by the ``angiang`` plugin, keep CKAN's
decision and replace the message with one that names no object.

``package_collaborator_list`` is also refused to anonymous visitors (CKAN's
own check asserts a logged-in user: a 500) and answers 404 for a dataset
that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable

import ckan.model as model
import ckan.plugins.toolkit as tk

_ = tk._

__all__ = [
    "package_show",
    "resource_show",
    "package_update",
    "resource_update",
    "package_change_state",
    "package_collaborator_list",
]


def _without_identifiers(name: str, message: Callable[[], str], anonymous: bool):
    @tk.chained_auth_function
    def chained(next_auth, context, data_dict):
        result = next_auth(context, data_dict)
        if result.get("success"):
            return result
        return dict(result, msg=message())

    chained.__name__ = name
    # CKAN copies the chained function's attributes, not the original's
    chained.auth_allow_anonymous_access = anonymous
    return chained


package_show = _without_identifiers(
    "package_show", lambda: _("You are not authorized to read this dataset."), True
)
resource_show = _without_identifiers(
    "resource_show", lambda: _("You are not authorized to read this resource."), True
)
package_update = _without_identifiers(
    "package_update", lambda: _("You are not authorized to edit this dataset."), True
)
resource_update = _without_identifiers(
    "resource_update", lambda: _("You are not authorized to edit this resource."), False
)
package_change_state = _without_identifiers(
    "package_change_state",
    lambda: _("You are not authorized to change the state of this dataset."),
    False,
)


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_collaborator_list(next_auth, context, data_dict):
    user = context.get("auth_user_obj")
    if (user is None or getattr(user, "is_anonymous", False)) and not model.User.get(
        context.get("user") or ""
    ):
        return {"success": False, "msg": _("Log in to see the collaborators of a dataset.")}
    ref = data_dict.get("id")
    if not isinstance(ref, str) or model.Package.get(ref) is None:
        raise tk.ObjectNotFound(_("Dataset not found"))
    return next_auth(context, data_dict)
