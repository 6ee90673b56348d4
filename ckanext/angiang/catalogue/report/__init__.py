"""The six-month report (Art. 17.2): :mod:`.figures` collects them from the
database, :mod:`.xlsx` writes the workbook with charts, :mod:`.pdf` the
printable A4 document. Both are written in Vietnamese."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

#: The report's language (Art. 17.2: a report to the PPC).
LANGUAGE = "vi"


@contextlib.contextmanager
def in_report_language() -> Iterator[None]:
    """Translate with the report's language whatever the page's is."""
    import flask_babel
    from flask import current_app, has_app_context, has_request_context

    if has_request_context():
        with flask_babel.force_locale(LANGUAGE):
            yield
    else:  # a command: CKAN reads the language from the request's environ
        app = current_app if has_app_context() else _command_app()
        if app is None:
            yield
            return
        with app.test_request_context(environ_overrides={"CKAN_LANG": LANGUAGE}):
            yield


def _command_app():
    """The Flask app of the running ``ckan`` command, if any."""
    import click

    ctx = click.get_current_context(silent=True)
    app = getattr(getattr(ctx, "obj", None), "app", None) if ctx else None
    app = getattr(app, "_wsgi_app", app)
    return app if hasattr(app, "test_request_context") else None
