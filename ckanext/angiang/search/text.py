"""Vietnamese-aware text normalisation shared by indexing and querying.

The same steps run on documents and on queries so that both sides meet:

1. Unicode NFC: Vietnamese arrives both precomposed ("ữ" U+1EEF) and
   decomposed ("u" + U+031B + U+0303, common in text pasted from macOS or
   PDFs). PostgreSQL's ``unaccent`` only knows precomposed letters.
2. ``str.casefold()``: "ĐẤT ĐAI" -> "đất đai" in Python rather than relying on
   the database's LC_CTYPE.
3. In the database, the ``angiang_unaccent`` text search configuration runs
   ``unaccent`` (which maps đ/Đ to d, verified by tests) and then ``simple``;
   ``angiang_exact`` keeps the accents so an exact-accent match can rank
   first.

:func:`fold` does what step 3 does, in Python, for places that compare
strings outside a tsvector (autocomplete substrings, sort keys).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

#: Text search configurations created by the migration.
CONFIG_FOLDED = "angiang_unaccent"
CONFIG_EXACT = "angiang_exact"

#: A token inserted between values of a multi-valued field and between
#: fields, then deleted from the tsvector: it leaves a position gap so that
#: a phrase never matches across two tags or from a title into the notes.
GAP_TOKEN = "zqxgapzqx"

# Letters that NFD does not decompose into base letter + combining mark.
_SPECIAL_FOLD = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l"})


def normalize(value: Any) -> str:
    """NFC + casefold; ``None`` becomes an empty string."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    return unicodedata.normalize("NFC", value).casefold()


def fold(value: Any) -> str:
    """Accent-free, case-free form: "Đất Đai" -> "dat dai"."""
    text = normalize(value).translate(_SPECIAL_FOLD)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


def flatten(value: Any) -> list[str]:
    """Strings of a scalar, a list, or a list of lists; empties dropped."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple, set)):
        out: list[str] = []
        for item in value:
            out.extend(flatten(item))
        return out
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


def join_values(values: Iterable[Any]) -> str:
    """Normalised values joined with the gap token between them."""
    parts = [normalize(v) for v in values]
    parts = [p for p in parts if p.strip()]
    return f" {GAP_TOKEN} ".join(parts)
