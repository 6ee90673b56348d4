"""Vietnamese alphabetical order (a ă â b c d đ e ê ...) of agency and group
titles, where CKAN core sorts by the database's collation (code points on a
``C.UTF-8`` database: "Ủy ban" after "Văn phòng").

The dataset search sorts titles in this order already: its index table's
``title`` column has the ICU collation ``vi-x-icu`` (migration
``1cc9e2520299``). Lists of agencies and groups come from CKAN's ``group``
table; here they are ordered with the same collation, when PostgreSQL has
ICU (otherwise as before).
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa

#: PostgreSQL's ICU collation for Vietnamese.
COLLATION = "vi-x-icu"

#: The Vietnamese alphabet's letters in order, each as its NFD form (a base
#: letter and the mark that makes it a letter of its own: ă â đ ê ô ơ ư).
_ALPHABET = [unicodedata.normalize("NFD", c) for c in "aăâbcdđefghijklmnoôơpqrstuưvwxyz"]
_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
_LETTER_MARKS = "\u0306\u0302\u031b"  # breve, circumflex, horn
#: tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng (as ICU's vi)
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}

__all__ = ["organization_list", "group_list"]


@functools.lru_cache(maxsize=1)
def _has_collation() -> bool:
    # a property of the server's build, the same for every process
    return bool(
        model.Session.execute(
            sa.text("SELECT 1 FROM pg_collation WHERE collname = :c"), {"c": COLLATION}
        ).scalar()
    )


def sort_key(text: str) -> tuple:
    """``text``'s place in Vietnamese order (the order of ``vi-x-icu``, in
    Python: lists that are not sorted in the database, such as a facet's
    values): letters by the alphabet (đ after d, ơ after ô), case ignored,
    then tones, then case."""
    letters: list[tuple[int, str]] = []
    tones: list[int] = []
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d\u0335").replace("Đ", "D\u0335"))
    for char in decomposed:
        if char in _LETTER_MARKS or char == "\u0335":
            if letters:
                base = letters[-1][1] + ("\u0306" if char == "\u0335" else char)
                base = "đ" if base == "d\u0306" else base
                rank = _RANK.get(unicodedata.normalize("NFD", base))
                if rank is not None:
                    letters[-1] = (rank, base)
            continue
        if char in _TONES:
            if tones:
                tones[-1] = _TONES[char]
            continue
        if unicodedata.combining(char):
            continue
        lower = char.lower()
        # spaces, punctuation and digits before letters, as in ICU
        other = len(_ALPHABET) + ord(lower) if lower.isalpha() else ord(lower) - 0x110000
        letters.append((_RANK.get(lower, other), lower))
        tones.append(0)
    return (
        tuple(r for r, _ in letters),
        tuple(tones),
        tuple(not c.islower() for c in unicodedata.normalize("NFC", text)),
    )


def title_order(column):
    """``column`` in Vietnamese order, for ``ORDER BY``."""
    return column.collate(COLLATION) if _has_collation() else column


def _title_sort(data_dict: dict[str, Any]) -> str | None:
    """ "ASC"/"DESC" when the list is to be sorted by title (CKAN's default,
    ``ckan.default_group_sort``), else None."""
    sort = str(data_dict.get("sort") or tk.config.get("ckan.default_group_sort") or "")
    parts = sort.strip().split()
    if not parts or parts[0] != "title" or len(parts) > 2:
        return None
    direction = parts[1].lower() if len(parts) == 2 else "asc"
    return direction.upper() if direction in ("asc", "desc") else None


def _in_vietnamese_order(original, context, data_dict):
    direction = _title_sort(data_dict)
    try:  # CKAN's own validation answers anything else
        ok = int(data_dict.get("offset") or 0) >= 0 and int(data_dict.get("limit") or 0) >= 0
    except (TypeError, ValueError):
        ok = False
    if direction is None or not ok or not _has_collation():
        return original(context, data_dict)
    # every name the caller's filters keep, then their order and page here
    names = original(
        dict(context),
        {**data_dict, "all_fields": False, "sort": "name asc", "limit": None, "offset": None},
    )
    if not names:
        return names
    column = model.Group.title.collate(COLLATION)
    ordered = [
        n
        for (n,) in model.Session.query(model.Group.name)
        .filter(model.Group.name.in_(names))
        .order_by(column.asc() if direction == "ASC" else column.desc(), model.Group.name)
    ]
    max_limit = tk.config.get(
        "ckan.group_and_organization_list_all_fields_max"
        if tk.asbool(data_dict.get("all_fields"))
        else "ckan.group_and_organization_list_max"
    )
    offset = int(data_dict.get("offset") or 0)
    limit = data_dict.get("limit")
    limit = max_limit if limit in (None, "") else min(int(limit), max_limit)
    page = ordered[offset : offset + limit]
    if not page:
        return []
    rows = original(context, {**data_dict, "groups": page, "limit": len(page), "offset": None})
    rank = {n: i for i, n in enumerate(page)}
    return sorted(rows, key=lambda r: rank.get(r["name"] if isinstance(r, dict) else r, 0))


@tk.chained_action
@tk.side_effect_free
def organization_list(original, context, data_dict):
    """CKAN's ``organization_list``; sorted by title in Vietnamese order."""
    return _in_vietnamese_order(original, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def group_list(original, context, data_dict):
    """CKAN's ``group_list``; sorted by title in Vietnamese order."""
    return _in_vietnamese_order(original, context, data_dict)
