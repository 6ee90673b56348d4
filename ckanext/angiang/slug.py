"""Vietnamese-aware URL names ("slugs") for datasets and agencies.

CKAN's own ``munge_title_to_name`` drops every Vietnamese letter it cannot
map to ASCII ("Đất đai" -> ``t-ai``). Here titles are transliterated first
(đ -> d, tone and vowel marks removed) with python-slugify, then cut to
CKAN's name length limits.
"""

from __future__ import annotations

import ckan.model as model
from slugify import slugify as _slugify

# Characters text-unidecode would otherwise not see as Vietnamese letters.
_REPLACEMENTS = [["Đ", "D"], ["đ", "d"]]


def title_to_name(title: str, max_length: int = model.PACKAGE_NAME_MAX_LENGTH) -> str:
    """Return a CKAN name for ``title``: ``Sở Nông nghiệp`` -> ``so-nong-nghiep``.

    Words are never cut in the middle when the title is too long. The
    result may be shorter than CKAN's minimum length (2) only when the
    title has fewer than two letters or digits.
    """
    full = _slugify(
        title or "",
        separator="-",
        lowercase=True,
        replacements=_REPLACEMENTS,
        regex_pattern=r"[^a-z0-9_-]+",
    )
    if len(full) <= max_length:
        return full
    cut = full[:max_length]
    if full[max_length] != "-" and "-" in cut:
        cut = cut[: cut.rindex("-")]
    return cut.strip("-")


def unique_name(title: str, exists) -> str:
    """A name for ``title`` that ``exists(name)`` says is free: ``dat-dai``,
    then ``dat-dai-2``, ``dat-dai-3``..."""
    base = title_to_name(title, model.PACKAGE_NAME_MAX_LENGTH - 6) or "dataset"
    candidate, n = base, 1
    while exists(candidate):
        n += 1
        candidate = f"{base}-{n}"
    return candidate
