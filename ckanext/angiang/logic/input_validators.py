"""Validators that keep values within what PostgreSQL stores and indexes
(issue 17, item 8): a value beyond these limits used to reach the database
and fail there with a 500."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import Invalid, missing

_ = tk._

_EMPTY = (missing, None, "")


def is_empty(value: Any) -> bool:
    """Missing, None, an empty string or list: what "left empty" means to
    the portal's validators."""
    return value in _EMPTY or (isinstance(value, (list, str)) and not value)


def sibling(key: tuple, name: str) -> tuple:
    """The key of field ``name`` beside ``key`` (same resource or dataset)."""
    return key[:-1] + (name,)


#: PostgreSQL ``bigint``, the type of ``resource.size``.
MAX_BYTE_SIZE = 2**63 - 1


def angiang_max_length(maximum: int):
    """At most ``maximum`` characters. Titles are limited so that their btree
    index entries (search index ``title``, at most 2,704 bytes; a Vietnamese
    letter takes up to 3 bytes in UTF-8) always fit; descriptions so that a
    dataset's text stays well within a tsvector (1 MB)."""

    def validator(value: Any):
        if isinstance(value, str) and len(value) > maximum:
            raise Invalid(
                _("Use at most {maximum} characters (this has {length}).").format(
                    maximum=maximum, length=len(value)
                )
            )
        return value

    return validator


def angiang_byte_size(value: Any):
    """A size in bytes: a whole number from 0 to 2^63 - 1 (after
    ``int_validator``)."""
    if value in (missing, None, ""):
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_BYTE_SIZE:
        raise Invalid(
            _("Enter a size in bytes, a whole number from 0 to {maximum}.").format(
                maximum=MAX_BYTE_SIZE
            )
        )
    return value
