"""Messages of search errors, in the visitor's language.

A search error reaches people as the API's 400 "Search Query Error" or the
search page's "Invalid search query: ...". The wording is marked with
``N_`` where it is written (so it reaches the catalogue) and translated when
the error is raised, inside a request; outside one (CLI, background jobs) it
stays in English.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the marker babel extracts
    return message


def translate(message: str, **params: Any) -> str:
    text = message
    try:
        import flask

        if flask.has_request_context():
            from ckan.common import _

            text = _(message)
    except RuntimeError:  # no application: keep the English text
        pass
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return message.format(**params)


class QuerySyntaxError(ValueError):
    """A query that cannot be parsed; ``position`` is 0-based.

    ``template`` is an English message marked for translation (``N_``) and
    ``params`` its values: :meth:`localized` says it in the visitor's
    language, ``str()`` in English."""

    def __init__(self, template: str, query: str, position: int | None = None, **params):
        self.template = template
        self.params = params
        self.message = template.format(**params)
        self.query = query
        self.position = position
        super().__init__(
            f"Cannot parse the search query: {self.message}"
            + (f" (near {self.near()!r})" if self.near() else "")
        )

    def near(self) -> str:
        """The word of the query where parsing stopped (30 characters at
        most). Never the whole query: CKAN joins the visitor's ``fq`` with
        its own filters (``+capacity:public``, ``+state:...``,
        ``+permission_labels:...``), which an error message must not show."""
        if self.position is None or not isinstance(self.query, str):
            return ""
        words = self.query[self.position :].split(None, 1)
        word = words[0][:30] if words else ""
        return "" if word.lstrip("+-").startswith(_INTERNAL_FIELDS) else word

    def localized(self) -> str:
        problem = translate(self.template, **self.params)
        near = self.near()
        if near:
            return translate(
                N_("Cannot parse the search query: {problem} (near “{near}”)"),
                problem=problem,
                near=near,
            )
        return translate(N_("Cannot parse the search query: {problem}"), problem=problem)


#: Fields of the filters CKAN adds to every search (see :meth:`QuerySyntaxError.near`).
_INTERNAL_FIELDS = ("capacity:", "state:", "permission_labels:", "site_id:", "dataset_type:")
