"""API tokens with an expiry (CKAN's ``expire_api_token`` plugin sets it):
no token lives longer than ``ckanext.angiang.accounts.api_token_max_days``."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.plugins.toolkit import _


def create_api_token_schema(schema: dict) -> dict:
    schema["__after"] = schema.get("__after", []) + [angiang_api_token_lifetime]
    return schema


def angiang_api_token_lifetime(key, data, errors, context):
    try:
        seconds = int(data.get(("expires_in",)) or 0) * int(data.get(("unit",)) or 0)
    except (TypeError, ValueError):
        return  # expire_api_token's own validators report it
    days = tk.config.get("ckanext.angiang.accounts.api_token_max_days")
    if seconds > days * 86400:
        errors[("expires_in",)].append(
            _("An API token may live at most {days} days.").format(days=days)
        )
