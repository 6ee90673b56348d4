"""Template helpers of the core ``angiang`` plugin (all prefixed ``angiang_``)."""

from __future__ import annotations

from ckanext.angiang import slug

__all__ = ["angiang_title_to_name"]


def angiang_title_to_name(title: str) -> str:
    """The URL name the portal derives from a Vietnamese title."""
    return slug.title_to_name(title)
