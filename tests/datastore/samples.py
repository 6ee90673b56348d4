"""Vietnamese tables in the encodings agencies' files come in."""

from __future__ import annotations

import io
import unicodedata

import openpyxl

from ckanext.angiang.datastore import encoding

HEADER = ["Tên khu phố", "Phường", "Dân số", "Số hộ", "Ghi chú"]
ROWS = [
    [
        f"Khóm Đông Thịnh {i}",
        "phường Mỹ Phước",
        str(1000 + i),
        str(300 + i),
        "ưu tiên xây dựng đường điện; số liệu đã kiểm tra",
    ]
    for i in range(1, 41)
]


def table_text(header=HEADER, rows=ROWS) -> str:
    return "".join(",".join(row) + "\r\n" for row in [header, *rows])


_TCVN3 = {ch: bytes([b]) for b, ch in encoding._TCVN3_TABLE.items()}


def to_tcvn3(text: str) -> bytes:
    """TCVN3 (ABC) bytes of ``text`` (capitals with tones as the lowercase
    letters, as .VnTime fonts write them)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in _TCVN3:
            out += _TCVN3[ch]
        elif ch.lower() in _TCVN3 and not ch.isascii():
            out += _TCVN3[ch.lower()]
        else:
            out += ch.encode("ascii")
    return bytes(out)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 bytes of ``text``: precomposed letters where the code page
    has them, otherwise the letter and a combining tone mark."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            nfd = unicodedata.normalize("NFD", ch)
            tone = next(m for m in nfd if m in encoding._TONES)
            out += unicodedata.normalize("NFC", nfd.replace(tone, "")).encode("cp1258")
            out += tone.encode("cp1258")
    return bytes(out)


def encoded(name: str, text: str | None = None) -> bytes:
    text = table_text() if text is None else text
    return {
        "utf-8": lambda: text.encode("utf-8"),
        "utf-8-bom": lambda: b"\xef\xbb\xbf" + text.encode("utf-8"),
        "utf-8-nfd": lambda: unicodedata.normalize("NFD", text).encode("utf-8"),
        "utf-16": lambda: text.encode("utf-16"),
        "utf-16-le-no-bom": lambda: text.encode("utf-16-le"),
        "windows-1258": lambda: to_cp1258(text),
        "tcvn3": lambda: to_tcvn3(text),
    }[name]()


ENCODINGS = [
    "utf-8",
    "utf-8-bom",
    "utf-8-nfd",
    "utf-16",
    "utf-16-le-no-bom",
    "windows-1258",
    "tcvn3",
]


def xlsx(rows, merge: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    sheet = wb.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
