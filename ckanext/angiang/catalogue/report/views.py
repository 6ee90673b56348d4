"""The six-month report's page for sysadmins (Art. 17.2): the figures of a
chosen half-year, and the same as XLSX (with charts) and printable PDF."""

from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from ckanext.angiang.catalogue import period as periods

report_bp = Blueprint("angiang_report", __name__, url_prefix="/report")

_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _context():
    return {
        "user": tk.current_user.name if tk.current_user.is_authenticated else "",
        "model": model,
    }


def _allowed() -> bool:
    try:
        tk.check_access("angiang_report_show", _context(), {})
    except tk.NotAuthorized:
        return False
    return True


def _period(value: str | None):
    if not value:
        return periods.previous()
    try:
        return periods.parse(value)
    except ValueError:
        return None


@report_bp.route("/")
def index():
    if not _allowed():
        return tk.abort(403, tk._("Only portal administrators may see the six-month report."))
    from ckanext.angiang.catalogue.report import figures

    wanted = _period(request.args.get("period"))
    if wanted is None:
        return tk.abort(400, tk._("Write a half-year as YYYYH1 or YYYYH2, e.g. 2026H1."))
    report = figures.collect(wanted)
    now = periods.current()
    choices = [now]
    for _i in range(5):
        choices.append(periods.previous(choices[-1].start))
    return tk.render(
        "angiang/report/index.html",
        {
            "report": report,
            "labels": figures.labels(),
            "keys": figures.KEYS,
            "choices": [c.code for c in choices],
            "period": wanted.code,
        },
    )


@report_bp.route("/<code>.<any(xlsx, pdf):kind>")
def download(code: str, kind: str):
    if not _allowed():
        return tk.abort(403, tk._("Only portal administrators may see the six-month report."))
    from ckanext.angiang.catalogue.report import figures, pdf, xlsx

    wanted = _period(code)
    if wanted is None:
        return tk.abort(400, tk._("Write a half-year as YYYYH1 or YYYYH2, e.g. 2026H1."))
    report = figures.collect(wanted)
    body = xlsx.write(report) if kind == "xlsx" else pdf.write(report)
    filename = f"bao-cao-6-thang-{wanted.code}.{kind}"
    return Response(
        body,
        mimetype=_TYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )
