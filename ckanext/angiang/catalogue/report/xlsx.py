"""The six-month report as an XLSX workbook (openpyxl), in Vietnamese:

- sheet 1, the province: one row per agency and the province's total, with
  two native Excel bar charts (catalogue entries published / overdue per
  agency; uses per agency);
- one sheet per agency: its figures, its metadata quality per field;
- the most used datasets; links and stored files by their last check (compliance).

Figures are numbers (not text), so the charts and any formula read them.
"""

from __future__ import annotations

import io
import re
from typing import Any

import ckan.plugins.toolkit as tk
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ckanext.angiang.catalogue.report import figures, in_report_language

_ = tk._
PROVINCE_SHEET = "Toan tinh"
_BAD = re.compile(r"[\[\]:*?/\\]")
_HEAD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")


def sheet_title(title: str, used: set[str]) -> str:
    """An Excel sheet name (31 characters, none of ``[]:*?/\\``), unique."""
    base = _BAD.sub(" ", title).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        name = f"{base[:25]}~{n}"
        n += 1
    used.add(name.lower())
    return name


def _header(ws, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = _HEAD
        cell.fill = _FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def write(report: dict[str, Any]) -> bytes:
    with in_report_language():
        return _write(report)


def _write(report: dict[str, Any]) -> bytes:
    period = report["period"]
    label = figures.labels()
    book = Workbook()
    ws = book.active
    ws.title = PROVINCE_SHEET
    used = {PROVINCE_SHEET.lower()}
    ws["A1"] = _("Six-month report on the open data portal, {period} ({start} to {end})").format(
        period=period.code,
        start=period.start.strftime("%d/%m/%Y"),
        end=period.last_day.strftime("%d/%m/%Y"),
    )
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = _("Decision 62/2024/QĐ-UBND, Art. 17.2. States as of {day}; made {made}.").format(
        day=report["as_of"].strftime("%d/%m/%Y"),
        made=report["generated"].strftime("%d/%m/%Y %H:%M"),
    )
    first = 4
    _header(ws, first, [_("Agency"), *[label[k] for k in figures.KEYS]])
    rows = report["agencies"]
    for i, agency in enumerate(rows, start=first + 1):
        ws.cell(row=i, column=1, value=agency["title"])
        for j, key in enumerate(figures.KEYS, start=2):
            ws.cell(row=i, column=j, value=agency[key])
    total_row = first + len(rows) + 1
    ws.cell(row=total_row, column=1, value=_("An Giang province")).font = _HEAD
    for j, key in enumerate(figures.KEYS, start=2):
        ws.cell(row=total_row, column=j, value=report["province"][key]).font = _HEAD
    ws.column_dimensions["A"].width = 45
    for j in range(2, len(figures.KEYS) + 2):
        ws.column_dimensions[get_column_letter(j)].width = 14
    ws.freeze_panes = ws.cell(row=first + 1, column=2)

    if rows:
        col = {k: figures.KEYS.index(k) + 2 for k in figures.KEYS}
        cats = Reference(ws, min_col=1, min_row=first + 1, max_row=first + len(rows))
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("Catalogue entries by agency")
        for key in ("entries_published", "entries_overdue"):
            chart.add_data(
                Reference(ws, min_col=col[key], min_row=first, max_row=first + len(rows)),
                titles_from_data=True,
            )
        chart.set_categories(cats)
        chart.height, chart.width = max(8, len(rows) * 0.6), 18
        ws.add_chart(chart, f"A{total_row + 3}")
        uses = BarChart()
        uses.type = "bar"
        uses.grouping = "stacked"
        uses.overlap = 100
        uses.title = _("Uses by agency")
        for key in ("views", "downloads", "api_calls"):
            uses.add_data(
                Reference(ws, min_col=col[key], min_row=first, max_row=first + len(rows)),
                titles_from_data=True,
            )
        uses.set_categories(cats)
        uses.height, uses.width = max(8, len(rows) * 0.6), 18
        ws.add_chart(uses, f"H{total_row + 3}")

    for agency in rows:
        _agency_sheet(book.create_sheet(sheet_title(agency["title"], used)), agency, label)
    _top_sheet(book.create_sheet(sheet_title(_("Most used datasets"), used)), report)
    if report["compliance"]:
        _compliance_sheet(
            book.create_sheet(sheet_title(_("Links and integrity"), used)), report["compliance"]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _agency_sheet(ws, agency: dict[str, Any], label: dict[str, str]) -> None:
    ws["A1"] = agency["title"]
    ws["A1"].font = Font(bold=True, size=13)
    _header(ws, 3, [_("Figure"), _("Value")])
    for i, key in enumerate(figures.KEYS, start=4):
        ws.cell(row=i, column=1, value=label[key])
        ws.cell(row=i, column=2, value=agency[key])
    row = 5 + len(figures.KEYS)
    _header(ws, row, [_("Metadata field (Art. 5.2a)"), _("Datasets filling it (%)")])
    for i, field in enumerate(figures.QUALITY_FIELDS, start=row + 1):
        ws.cell(row=i, column=1, value=field)
        ws.cell(row=i, column=2, value=(agency.get("quality_fields") or {}).get(field, 0.0))
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 18
    chart = BarChart()
    chart.title = _("Uses")
    chart.add_data(
        Reference(
            ws,
            min_col=2,
            min_row=4 + figures.KEYS.index("views"),
            max_row=4 + figures.KEYS.index("api_calls"),
        )
    )
    chart.set_categories(
        Reference(
            ws,
            min_col=1,
            min_row=4 + figures.KEYS.index("views"),
            max_row=4 + figures.KEYS.index("api_calls"),
        )
    )
    chart.legend = None
    ws.add_chart(chart, "D3")


def _top_sheet(ws, report: dict[str, Any]) -> None:
    _header(ws, 1, [_("Dataset"), _("Uses in all")])
    for i, item in enumerate(report["top_datasets"], start=2):
        ws.cell(row=i, column=1, value=item["title"])
        ws.cell(row=i, column=2, value=item["uses"])
    ws.column_dimensions["A"].width = 70


def _compliance_sheet(ws, compliance: dict[str, Any]) -> None:
    """One row per agency: its links and stored files by their last check."""
    # the dashboard's words for the states (one list of them)
    from ckanext.angiang.catalogue.helpers import angiang_compliance_state_label as label
    from ckanext.angiang.catalogue.report.figures import FILE_KEYS, LINK_KEYS

    head = (
        [_("Agency")]
        + [_("Links") + ": " + label(k) for k in LINK_KEYS]
        + [_("Stored files") + ": " + label(k) for k in FILE_KEYS]
    )
    for j, text in enumerate(head, start=1):
        ws.cell(row=1, column=j, value=text).font = _HEAD
    rows = [*compliance["agencies"], {"title": _("An Giang province"), **compliance["totals"]}]
    for i, agency in enumerate(rows, start=2):
        ws.cell(row=i, column=1, value=agency["title"])
        values = [agency["links"][k] for k in LINK_KEYS] + [agency["files"][k] for k in FILE_KEYS]
        for j, value in enumerate(values, start=2):
            ws.cell(row=i, column=j, value=value)
    ws.column_dimensions["A"].width = 50
