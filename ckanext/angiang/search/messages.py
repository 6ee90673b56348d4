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
