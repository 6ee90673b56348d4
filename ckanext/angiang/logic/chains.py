"""The chained actions and auth functions of the ``angiang`` plugin: the
portal-wide rules on what CKAN core's own actions read and reveal (issue 17,
items 7 and 8). Each module names what it chains in ``__all__``."""
from __future__ import annotations

from types import ModuleType
from typing import Any, Callable

from ckanext.angiang.logic import input_checks, privacy, privacy_auth


def _members(*modules: ModuleType) -> dict[str, Callable[..., Any]]:
    return {name: getattr(m, name) for m in modules for name in m.__all__}


def get_actions() -> dict[str, Callable[..., Any]]:
    return _members(privacy, input_checks)


def get_auth_functions() -> dict[str, Callable[..., Any]]:
    return _members(privacy_auth)
