"""The six-month report as a printable A4 PDF (reportlab), in Vietnamese,
with its font embedded (``ckanext.angiang.report.font``: DejaVu Sans from
Debian's fonts-dejavu-core has every Vietnamese letter)."""

from __future__ import annotations

import io
import math
from typing import Any
from xml.sax.saxutils import escape

import ckan.plugins.toolkit as tk
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus import Paragraph as _Paragraph

from ckanext.angiang.catalogue.report import figures, in_report_language

_ = tk._
FONT, BOLD = "AngiangReport", "AngiangReport-Bold"

#: The province table's column groups (one table each, to fit A4 landscape):
#: the catalogue and datasets, then usage, harvesting and quality.
GROUPS = (figures.KEYS[:8], figures.KEYS[8:])


def Paragraph(text: str, style: ParagraphStyle) -> _Paragraph:
    """A paragraph of plain text (agency and dataset titles may hold ``&``, ``<``)."""
    return _Paragraph(escape(str(text)), style)


def _fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, tk.config.get("ckanext.angiang.report.font")))
    pdfmetrics.registerFont(TTFont(BOLD, tk.config.get("ckanext.angiang.report.font_bold")))


def write(report: dict[str, Any]) -> bytes:
    _fonts()
    with in_report_language():
        return _write(report)


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("t", fontName=BOLD, fontSize=15, leading=19, spaceAfter=4),
        "h": ParagraphStyle(
            "h", fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "p": ParagraphStyle("p", fontName=FONT, fontSize=9, leading=12),
        "cell": ParagraphStyle("c", fontName=FONT, fontSize=7.5, leading=9),
        "head": ParagraphStyle("hc", fontName=BOLD, fontSize=7.5, leading=9),
    }


def _table(rows: list[list[Any]], widths: list[float], total: bool) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), 7.5),
    ]
    if total:
        style += [
            ("FONTNAME", (0, -1), (-1, -1), BOLD),
            ("BACKGROUND", (0, -1), (-1, -1), colors.HexColor("#F2F2F2")),
        ]
    table.setStyle(TableStyle(style))
    return table


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", ".")


def _chart(report: dict[str, Any], width: float, style: ParagraphStyle) -> Drawing | _Paragraph:
    """The 15 most used agencies' uses as bars; a sentence when none was used
    (an empty chart would draw an axis from 0 to 0.01)."""
    rows = [a for a in report["agencies"] if a["uses"]]
    if not rows:
        return Paragraph(_("No use of the portal's data was recorded in this half-year."), style)
    rows = sorted(rows, key=lambda a: a["uses"])[-15:]
    top = max(a["uses"] for a in rows)
    step = max(1, math.ceil(top / 5))  # whole uses on the axis
    height = 30 + 14 * max(1, len(rows))
    drawing = Drawing(width, height + 34)
    chart = HorizontalBarChart()
    chart.x, chart.y = 190, 10
    chart.width, chart.height = width - 210, height
    chart.data = [[a["uses"] for a in rows]]
    chart.categoryAxis.categoryNames = [a["title"][:40] for a in rows]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * math.ceil(top / step)
    chart.bars[0].fillColor = colors.HexColor("#2E75B6")
    drawing.add(chart)
    drawing.add(
        String(0, height + 22, _("Uses by agency (most used 15)"), fontName=BOLD, fontSize=9)
    )
    return drawing


def _write(report: dict[str, Any]) -> bytes:
    period = report["period"]
    label = figures.labels()
    s = _styles()
    out = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=_("Six-month report on the open data portal"),
        author=tk.config.get("ckan.site_title") or "",
    )
    usable = page[0] - 24 * mm
    story: list[Any] = [
        Paragraph(
            _("Six-month report on the open data portal, {period} ({start} to {end})").format(
                period=period.code,
                start=period.start.strftime("%d/%m/%Y"),
                end=period.last_day.strftime("%d/%m/%Y"),
            ),
            s["title"],
        ),
        Paragraph(
            _("Decision 62/2024/QĐ-UBND, Art. 17.2. States as of {day}; made {made}.").format(
                day=report["as_of"].strftime("%d/%m/%Y"),
                made=report["generated"].strftime("%d/%m/%Y %H:%M"),
            ),
            s["p"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(_("The province"), s["h"]),
    ]
    province = report["province"]
    summary = [[Paragraph(label[k], s["cell"]), _number(province[k])] for k in figures.KEYS]
    story.append(
        _table(
            [[Paragraph(_("Figure"), s["head"]), Paragraph(_("Value"), s["head"])], *summary],
            [90 * mm, 30 * mm],
            total=False,
        )
    )
    story += [Spacer(1, 4 * mm), _chart(report, usable, s["cell"])]
    for keys in GROUPS:
        story += [PageBreak(), Paragraph(_("By agency"), s["h"])]
        head = [Paragraph(_("Agency"), s["head"]), *[Paragraph(label[k], s["head"]) for k in keys]]
        body = [
            [Paragraph(a["title"], s["cell"]), *[_number(a[k]) for k in keys]]
            for a in report["agencies"]
        ]
        body.append(
            [Paragraph(_("An Giang province"), s["head"]), *[_number(province[k]) for k in keys]]
        )
        first = 75 * mm
        rest = (usable - first) / len(keys)
        story.append(_table([head, *body], [first] + [rest] * len(keys), total=True))
    if report["top_datasets"]:
        story += [Spacer(1, 5 * mm), Paragraph(_("Most used datasets"), s["h"])]
        story.append(
            _table(
                [
                    [Paragraph(_("Dataset"), s["head"]), Paragraph(_("Uses in all"), s["head"])],
                    *[
                        [Paragraph(t["title"], s["cell"]), _number(t["uses"])]
                        for t in report["top_datasets"]
                    ],
                ],
                [150 * mm, 30 * mm],
                total=False,
            )
        )
    story += [Spacer(1, 5 * mm), Paragraph(_("Links and integrity"), s["h"])]
    comp = report["compliance"]
    head = [
        _("Agency"),
        _("Links OK"),
        _("Broken links"),
        _("Unreachable links"),
        _("Files OK"),
        _("Checksum mismatch"),
        _("File missing"),
    ]
    body = [
        [
            Paragraph(a["title"], s["cell"]),
            _number(a["links"]["ok"]),
            _number(a["links"]["broken"]),
            _number(a["links"]["unreachable"]),
            _number(a["files"]["ok"]),
            _number(a["files"]["mismatch"]),
            _number(a["files"]["missing"]),
        ]
        for a in [*comp["agencies"], {"title": _("An Giang province"), **comp["totals"]}]
    ]
    story.append(
        _table(
            [[Paragraph(h, s["head"]) for h in head], *body], [95 * mm] + [28 * mm] * 6, total=True
        )
    )
    doc.build(story)
    return out.getvalue()
