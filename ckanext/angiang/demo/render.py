"""The bytes of the demo files: CSV, JSON, XLSX tables, OpenAPI documents
and agency emblems (PNG). Every function is deterministic: the same input
gives the same bytes, so checksums stay stable from one load to the next."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ckanext.angiang.demo.tables import Table

# Fixed timestamp written into XLSX metadata and ZIP entries.
_EPOCH = dt.datetime(2025, 7, 1, 0, 0, 0)


def to_csv(table: Table) -> bytes:
    """RFC 4180 CSV, UTF-8 (no BOM), header row of Vietnamese column titles."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.title for c in table.columns])
    writer.writerows(table.rows)
    return out.getvalue().encode("utf-8")


def to_json(table: Table, meta: dict[str, Any]) -> bytes:
    """A JSON document: what the table is, its fields, and its records."""
    doc = dict(meta)
    doc["fields"] = [
        {
            k: v
            for k, v in (("id", c.id), ("title", c.title), ("type", c.type), ("unit", c.unit))
            if v
        }
        for c in table.columns
    ]
    doc["records"] = table.records()
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def to_xlsx(table: Table, sheet_title: str, meta: dict[str, Any]) -> bytes:
    """An Excel workbook with one sheet: header row in bold, frozen, sized."""
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(sheet_title)
    ws.append([c.title for c in table.columns])
    for row in table.rows:
        ws.append(row)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F5F8B")
    for cell in ws[1]:
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"
    for i, column in enumerate(table.columns, start=1):
        width = max([len(str(column.title))] + [len(str(r[i - 1])) for r in table.rows[:200]])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, width + 2), 60)
    props = wb.properties
    props.title = meta.get("title")
    props.creator = meta.get("publisher")
    props.description = meta.get("source")
    props.language = "vi"
    props.created = props.modified = _EPOCH
    raw = io.BytesIO()
    archive = zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)
    ExcelWriter(wb, archive).save()  # closes the archive; keeps our timestamps
    return _normalise_zip(raw.getvalue())


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31].strip() or "Dữ liệu"


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed entry timestamps, so its bytes are stable."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_EPOCH.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


_JSON_TYPES = {"integer": "integer", "number": "number", "date": "string", "string": "string"}


def openapi_document(
    table: Table,
    *,
    title: str,
    description: str,
    server_url: str,
    path: str,
    publisher: str,
    email: str,
) -> bytes:
    """An OpenAPI 3.0 document for a read-only service returning ``table``'s
    records (Art. 3.2, 8.3: agency APIs are described with OpenAPI)."""
    properties = {}
    for c in table.columns:
        prop: dict[str, Any] = {"type": _JSON_TYPES.get(c.type, "string"), "description": c.title}
        if c.type == "date":
            prop["format"] = "date"
        properties[c.id] = prop
    example = table.records()[:2]
    doc = {
        "openapi": "3.0.3",
        "info": {
            "title": title,
            "description": description,
            "version": "1.0.0",
            "contact": {"name": publisher, "email": email},
        },
        "servers": [{"url": server_url}],
        "paths": {
            path: {
                "get": {
                    "summary": title,
                    "operationId": path.strip("/").replace("/", "_").replace("-", "_") or "records",
                    "parameters": [
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "default": 100, "maximum": 1000},
                            "description": "Số bản ghi tối đa trả về",
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "schema": {"type": "integer", "default": 0},
                            "description": "Vị trí bắt đầu",
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Danh sách bản ghi",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "total": {"type": "integer"},
                                            "records": {
                                                "type": "array",
                                                "items": {"$ref": "#/components/schemas/Record"},
                                            },
                                        },
                                    },
                                    "example": {"total": len(table.rows), "records": example},
                                }
                            },
                        },
                    },
                },
            },
        },
        "components": {"schemas": {"Record": {"type": "object", "properties": properties}}},
    }
    return (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# --- agency emblems -------------------------------------------------------------

# A 5x7 bitmap font for the letters of agency abbreviations.
_FONT = {
    "A": "01110 10001 10001 11111 10001 10001 10001",
    "B": "11110 10001 10001 11110 10001 10001 11110",
    "C": "01110 10001 10000 10000 10000 10001 01110",
    "D": "11110 10001 10001 10001 10001 10001 11110",
    "E": "11111 10000 10000 11110 10000 10000 11111",
    "F": "11111 10000 10000 11110 10000 10000 10000",
    "G": "01110 10001 10000 10111 10001 10001 01111",
    "H": "10001 10001 10001 11111 10001 10001 10001",
    "I": "01110 00100 00100 00100 00100 00100 01110",
    "J": "00111 00010 00010 00010 00010 10010 01100",
    "K": "10001 10010 10100 11000 10100 10010 10001",
    "L": "10000 10000 10000 10000 10000 10000 11111",
    "M": "10001 11011 10101 10101 10001 10001 10001",
    "N": "10001 10001 11001 10101 10011 10001 10001",
    "O": "01110 10001 10001 10001 10001 10001 01110",
    "P": "11110 10001 10001 11110 10000 10000 10000",
    "Q": "01110 10001 10001 10001 10101 10010 01101",
    "R": "11110 10001 10001 11110 10100 10010 10001",
    "S": "01111 10000 10000 01110 00001 00001 11110",
    "T": "11111 00100 00100 00100 00100 00100 00100",
    "U": "10001 10001 10001 10001 10001 10001 01110",
    "V": "10001 10001 10001 10001 10001 01010 00100",
    "W": "10001 10001 10001 10101 10101 10101 01010",
    "X": "10001 10001 01010 00100 01010 10001 10001",
    "Y": "10001 10001 01010 00100 00100 00100 00100",
    "Z": "11111 00001 00010 00100 01000 10000 11111",
    "&": "01100 10010 10100 01000 10101 10010 01101",
    "-": "00000 00000 00000 11111 00000 00000 00000",
}


def _hex_rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def emblem_png(text: str, color: str, size: int = 192) -> bytes:
    """A round emblem: ``text`` (A-Z, &, -) in white on a disc of ``color``."""
    text = "".join(ch for ch in text.upper() if ch in _FONT) or "AG"
    fg, bg, white = _hex_rgb(color), (255, 255, 255), (255, 255, 255)
    glyph_w = len(text) * 6 - 1
    scale = max(2, min(12, int(size * 0.62) // glyph_w))
    text_w, text_h = glyph_w * scale, 7 * scale
    x0, y0 = (size - text_w) // 2, (size - text_h) // 2
    radius, centre = size / 2 - 2, (size - 1) / 2
    ink = _ink(text, scale)
    rows = []
    for y in range(size):
        row = bytearray(b"\x00")  # filter type: none
        for x in range(size):
            inside = (x - centre) ** 2 + (y - centre) ** 2 <= radius**2
            pixel = bg
            if inside:
                pixel = white if (x - x0, y - y0) in ink else fg
            row.extend(pixel)
        rows.append(bytes(row))
    return _png(size, size, b"".join(rows))


def _ink(text: str, scale: int) -> set[tuple[int, int]]:
    ink = set()
    for i, ch in enumerate(text):
        for gy, bits in enumerate(_FONT[ch].split()):
            for gx, bit in enumerate(bits):
                if bit == "1":
                    for dy in range(scale):
                        for dx in range(scale):
                            ink.add(((i * 6 + gx) * scale + dx, gy * scale + dy))
    return ink


def _png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


RENDERERS: dict[str, Callable[..., bytes]] = {"CSV": to_csv, "JSON": to_json, "XLSX": to_xlsx}
