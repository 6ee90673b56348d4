"""The chained actions and auth functions of the ``angiang`` plugin: the
portal-wide rules on what CKAN core's own actions read and reveal (issue 17,
items 7 and 8). Each module names what it chains in ``__all__``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import ModuleType
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang import permissions
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


def _around(outer: Callable[..., Any], inner: Callable[..., Any]) -> Callable[..., Any]:
    """One chained auth function running ``outer`` around ``inner`` (a plugin
    registers one function per name): ``outer``'s ``next_auth`` is ``inner``
    chained to CKAN's own."""

    @tk.chained_auth_function
    def chained(next_auth, context, data_dict):
        return outer(functools.partial(inner, next_auth), context, data_dict)

    chained.__name__ = outer.__name__
    chained.auth_allow_anonymous_access = any(
        getattr(f, "auth_allow_anonymous_access", False) for f in (outer, inner)
    )
    return chained


def get_auth_functions() -> dict[str, Callable[..., Any]]:
    """The privacy rules around the draft rule (Art. 8.2, ``permissions``):
    a refusal of either never names the dataset."""
    functions = _members(privacy_auth)
    for name, inner in permissions.get_auth_functions().items():
        outer = functions.get(name)
        functions[name] = _around(outer, inner) if outer else inner
    return functions
