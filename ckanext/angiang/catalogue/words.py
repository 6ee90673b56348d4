"""The words of a catalogue decision's appendix ("The catalogue decision in
practice", REGULATION.md): its Vietnamese column headings, update frequencies
("hằng năm", "khi có thay đổi"...), publication deadlines ("Quý II/2025") and
actions of a later decision ("bãi bỏ"). Everything is compared without
accents, case or punctuation, so "Tan suat cap nhat" and "TẦN SUẤT CẬP NHẬT"
are the same heading."""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata

from ckanext.angiang.metadata import vocabularies


def fold(text: object) -> str:
    """Lower case, no accents (đ → d), punctuation as spaces, one space."""
    text = unicodedata.normalize("NFD", str(text or "")).replace("đ", "d").replace("Đ", "d")
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


#: Column → the headings that name it (folded). STT, the row number, is read
#: and ignored: rows are reported by their row in the sheet.
HEADINGS: dict[str, tuple[str, ...]] = {
    "code": ("ma", "ma du lieu", "ma danh muc", "ma tap du lieu", "ma so", "code"),
    "title": (
        "ten du lieu",
        "ten tap du lieu",
        "ten co so du lieu",
        "ten",
        "du lieu",
        "danh muc du lieu",
        "title",
    ),
    "agency": (
        "co quan chu tri",
        "co quan cung cap",
        "co quan chu tri cung cap",
        "co quan chu tri cung cap du lieu",
        "don vi chu tri",
        "co quan",
        "don vi cung cap",
        "agency",
    ),
    "sector": ("linh vuc", "sector"),
    "formats": ("dinh dang", "dinh dang du lieu", "formats", "format"),
    "frequency": (
        "tan suat cap nhat",
        "tan suat",
        "tan suat cap nhat du lieu",
        "ky cap nhat",
        "frequency",
    ),
    "due_date": (
        "thoi gian cong bo",
        "lo trinh cong bo",
        "thoi han cong bo",
        "thoi gian lo trinh cong bo",
        "thoi gian hoan thanh",
        "lo trinh",
        "due date",
    ),
    "notes": ("ghi chu", "notes"),
    "source": ("nguon", "nguon du lieu", "he thong nguon", "source"),
    "action": ("thao tac", "hinh thuc", "noi dung dieu chinh", "action"),
    "row_number": ("stt", "so thu tu", "tt"),
}
REQUIRED_COLUMNS = ("code", "title", "agency", "frequency", "due_date")
_HEADING_OF = {h: column for column, names in HEADINGS.items() for h in names}


def column_of(heading: object) -> str | None:
    return _HEADING_OF.get(fold(heading))


# --- update frequency (Art. 8.3) --------------------------------------------

_FREQUENCY_WORDS = {
    "DAILY": ("hang ngay", "moi ngay", "ngay"),
    "WEEKLY": ("hang tuan", "moi tuan", "tuan"),
    "MONTHLY": ("hang thang", "moi thang", "thang", "1 thang 1 lan", "mot thang mot lan"),
    "QUARTERLY": ("hang quy", "moi quy", "quy", "3 thang 1 lan", "ba thang mot lan"),
    "ANNUAL_2": (
        "6 thang",
        "sau thang",
        "6 thang 1 lan",
        "sau thang mot lan",
        "hang 6 thang",
        "nua nam",
        "ban nien",
        "6 thang mot lan",
    ),
    "ANNUAL": ("hang nam", "moi nam", "nam", "1 nam 1 lan", "mot nam mot lan"),
    "BIENNIAL": ("2 nam", "hai nam", "2 nam 1 lan", "hai nam mot lan"),
    "IRREG": (
        "khi co thay doi",
        "khi co bien dong",
        "khi co phat sinh",
        "dot xuat",
        "khong dinh ky",
        "khi co yeu cau",
        "theo phat sinh",
    ),
    "CONT": ("lien tuc", "thoi gian thuc", "truc tuyen"),
}


def _frequency_table() -> dict[str, str]:
    table = {word: code for code, words in _FREQUENCY_WORDS.items() for word in words}
    for item in vocabularies.choices("frequency"):
        table.setdefault(fold(item["value"]), item["value"])
        for label in (item.get("label") or {}).values():
            table.setdefault(fold(label), item["value"])
    return table


def frequency(word: object) -> str | None:
    """The frequency vocabulary code of an appendix's word, or None."""
    return _frequency_table().get(fold(word))


# --- publication deadline ---------------------------------------------------

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def due_date(value: object) -> datetime.date | None:
    """A deadline cell as a date: a spreadsheet date, ``31/12/2025``,
    ``2025-12-31``, ``tháng 6/2025`` (the month's last day), ``Quý II/2025``
    (the quarter's last day), ``năm 2025`` or ``2025`` (31 December)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = fold(value)
    try:
        if m := re.fullmatch(r"(\d{1,2}) (\d{1,2}) (\d{4})", text):
            return datetime.date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{4}) (\d{1,2}) (\d{1,2})(?: 00 00 00)?", text):
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(?:trong )?thang (\d{1,2}) (?:nam )?(\d{4})", text):
            return _last_day(int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(?:trong )?quy (i{1,3}|iv|[1-4]) (?:nam )?(\d{4})", text):
            quarter = _ROMAN.get(m[1]) or int(m[1])
            return _last_day(int(m[2]), quarter * 3)
        if m := re.fullmatch(r"(?:trong )?(?:nam )?(\d{4})", text):
            return datetime.date(int(m[1]), 12, 31)
    except ValueError:  # 31/02/2025
        return None
    return None


# --- what a later decision does with a row -----------------------------------

ADD, AMEND, WITHDRAW = "add", "amend", "withdraw"
_ACTION_WORDS = {
    ADD: ("them", "them moi", "bo sung", "ban hanh", "ban hanh moi", "add"),
    AMEND: ("sua", "sua doi", "dieu chinh", "thay the", "sua doi bo sung", "amend"),
    WITHDRAW: ("bai bo", "huy bo", "loai bo", "bo", "rut khoi danh muc", "withdraw"),
}
_ACTION_OF = {w: a for a, words in _ACTION_WORDS.items() for w in words}


def action(word: object) -> str | None:
    return _ACTION_OF.get(fold(word))


def formats(value: object) -> list[str] | None:
    """``CSV, XLSX; JSON`` → ``["CSV", "XLSX", "JSON"]``; None if a part is
    not a format name."""
    parts = [p.strip() for p in re.split(r"[,;/\n]| và | hoặc ", str(value or "")) if p.strip()]
    out = []
    for part in parts:
        name = part.lstrip(".").upper()
        if not re.fullmatch(r"[A-Z0-9][A-Z0-9.+-]{0,19}", name):
            return None
        if name not in out:
            out.append(name)
    return out
