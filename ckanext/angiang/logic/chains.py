"""The chained actions and auth functions of the ``angiang`` plugin: the
portal-wide rules on what CKAN core's own actions read and reveal (issue 17,
items 7 and 8). Each module names what it chains in ``__all__``."""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

import ckan.plugins as p

from ckanext.angiang.logic import input_checks, privacy, privacy_auth


def _members(*modules: ModuleType) -> dict[str, Callable[..., Any]]:
    return {name: getattr(m, name) for m in modules for name in m.__all__}


def get_actions() -> dict[str, Callable[..., Any]]:
    """Called by CKAN once every plugin is loaded: the activity streams are
    chained only when the ``activity`` plugin provides them."""
    actions = _members(privacy, input_checks)
    if not p.plugin_loaded("activity"):
        for name in privacy.ACTIVITY_ACTIONS:
            actions.pop(name)
    return actions


def get_auth_functions() -> dict[str, Callable[..., Any]]:
    return _members(privacy_auth)
