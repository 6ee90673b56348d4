"""Harvest problems: what went wrong, said so that an agency can act on it.

Harvest errors are written to the database by the gather/fetch consumers,
outside any web request, and read later by agency staff in either language.
So each message is stored in Vietnamese and English at once (``vi / en``),
and says what to check or change (Art. 8.3: the agency keeps its API
connected; Art. 11.1a: the DIC follows each agency's connection).
"""

from __future__ import annotations


class HarvestProblem(Exception):
    """A problem with an agency source, with a bilingual message.

    ``stage`` is where it happened (``gather``, ``fetch``, ``import``) and
    ``kind`` a short machine-readable name (``connection_refused``,
    ``timeout``, ``too_large``...) that tests and reports can rely on.
    """

    def __init__(self, kind: str, vi: str, en: str):
        super().__init__(f"{vi} / {en}")
        self.kind = kind
        self.vi = vi
        self.en = en

    @property
    def message(self) -> str:
        return str(self)


def problem(kind: str, vi_template: str, en_template: str, /, **params) -> HarvestProblem:
    """Build a :class:`HarvestProblem`, formatting both messages with ``params``."""
    return HarvestProblem(kind, vi_template.format(**params), en_template.format(**params))


def bilingual(vi_template: str, en_template: str, /, **params) -> str:
    """One stored message in both languages."""
    return f"{vi_template.format(**params)} / {en_template.format(**params)}"
