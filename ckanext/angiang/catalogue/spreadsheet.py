"""Reading a catalogue decision's appendix (XLSX or CSV, Vietnamese
headings) into checked rows, with a report of every problem: row, column,
reason. Nothing here writes: :mod:`.entries` applies rows only when the
report is empty (nothing half-imported)."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable, Iterable
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.angiang.catalogue import words

_ = tk._
#: A heading row is looked for among the first rows (appendices start with a title).
HEADER_SEARCH_ROWS = 15
#: More rows than any province's catalogue has: a bigger sheet is refused
#: before it fills the memory (a small compressed XLSX can hold millions).
MAX_ROWS = 50_000


@dataclasses.dataclass
class Problem:
    row: int  # the row in the sheet (1 = first row), 0 for the file itself
    column: str  # the heading as written in the file (or the expected one)
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def __str__(self) -> str:
        where = _("row {row}").format(row=self.row) if self.row else _("file")
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclasses.dataclass
class Row:
    row: int
    action: str | None
    values: dict[
        str, Any
    ]  # code, title, agency_id, sector, frequency, formats, due_date, notes, source


class AppendixError(Exception):
    """The file cannot be used; ``problems`` says where and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _cells_of_xlsx(data: bytes) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise AppendixError(
            [
                Problem(
                    0,
                    "",
                    _("The file is not a readable XLSX workbook ({error}).").format(
                        error=type(e).__name__
                    ),
                )
            ]
        ) from None
    try:
        # max_col: a sheet may claim 16,384 columns; an appendix has a dozen
        return _bounded(book.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS))
    finally:
        book.close()


#: Columns read from an appendix (its headings are about a dozen).
MAX_COLUMNS = 64


def _bounded(rows: Iterable[Iterable[Any]]) -> list[list[Any]]:
    out = []
    for row in rows:
        if len(out) >= MAX_ROWS:
            raise AppendixError(
                [
                    Problem(
                        0, "", _("The appendix has more than {count} rows.").format(count=MAX_ROWS)
                    )
                ]
            )
        out.append(list(row)[:MAX_COLUMNS])
    return out


def _cells_of_csv(data: bytes) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AppendixError([Problem(0, "", _("A CSV file must be encoded in UTF-8."))]) from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return _bounded(csv.reader(io.StringIO(text), dialect))


def read_cells(data: bytes, filename: str = "") -> list[list[Any]]:
    """The first sheet's cells (XLSX by its ZIP signature, else CSV)."""
    if data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm")):
        return _cells_of_xlsx(data)
    return _cells_of_csv(data)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(cells: list[list[Any]]) -> tuple[int, dict[int, tuple[str, str]]]:
    """(index of the heading row, {column index: (field, heading as written)})."""
    best: tuple[int, dict[int, tuple[str, str]]] = (-1, {})
    for i, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        found = {
            j: (words.column_of(v), str(v).strip())
            for j, v in enumerate(row)
            if not _blank(v) and words.column_of(v)
        }
        if len(found) > len(best[1]):
            best = (i, found)
    return best  # type: ignore[return-value]


def _column_names() -> dict[str, str]:
    """The expected heading of each column, for the report."""
    return {
        "code": _("Code (Mã)"),
        "title": _("Dataset name (Tên dữ liệu)"),
        "agency": _("Responsible agency (Cơ quan chủ trì)"),
        "frequency": _("Update frequency (Tần suất cập nhật)"),
        "due_date": _("Publication deadline (Thời gian công bố)"),
    }


def check_rows(
    data: bytes,
    filename: str,
    find_agency: Callable[[str], Iterable[str]],
    code_check: Callable[[str], str | None],
) -> list[Row]:
    """Every usable row, or AppendixError with every problem found.

    ``find_agency(text)`` gives the ids of the agencies a cell may name;
    ``code_check(code)`` gives a reason the code is malformed, or None.
    """
    cells = read_cells(data, filename)
    head, columns = _header(cells)
    present = {field for field, _h in columns.values()}
    expected = _column_names()
    problems = [
        Problem(
            head + 1 if head >= 0 else 0,
            expected[c],
            _("This column is missing from the heading row."),
        )
        for c in words.REQUIRED_COLUMNS
        if c not in present
    ]
    dupes = [h for f, h in columns.values() if [x for x, _y in columns.values()].count(f) > 1]
    problems += [
        Problem(head + 1, h, _("Two columns have the same meaning; keep one."))
        for h in dict.fromkeys(dupes)
    ]
    if problems:
        raise AppendixError(problems)

    rows: list[Row] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(cells[head + 1 :], start=head + 2):
        cell = {field: (raw[j] if j < len(raw) else None) for j, (field, _h) in columns.items()}
        heading = {field: h for field, h in columns.values()}
        if all(_blank(v) for k, v in cell.items() if k != "row_number"):
            continue
        row_problems: list[Problem] = []

        def bad(field: str, message: str, row_problems=row_problems, i=i, heading=heading) -> None:
            row_problems.append(
                Problem(i, heading.get(field) or expected.get(field, field), message)
            )

        for field, value in cell.items():  # PostgreSQL text cannot hold NUL
            if isinstance(value, str) and "\x00" in value:
                bad(field, _("The cell contains a NUL character (\\x00)."))
                cell[field] = value.replace("\x00", "")

        act = None
        if not _blank(cell.get("action")):
            act = words.action(cell["action"])
            if act is None:
                bad(
                    "action",
                    _('Unknown action "{value}": use "thêm mới", "sửa đổi" or "bãi bỏ".').format(
                        value=cell["action"]
                    ),
                )
        values: dict[str, Any] = {}
        code = str(cell.get("code") or "").strip()
        if not code:
            bad("code", _("The code is empty."))
        elif reason := code_check(code):
            bad("code", reason)
        elif code in seen:
            bad(
                "code",
                _("Code {code} is already used in row {row}.").format(code=code, row=seen[code]),
            )
        else:
            seen[code] = i
        values["code"] = code
        if act != words.WITHDRAW:
            _check_content(cell, values, bad, find_agency)
        rows.append(Row(i, act, values))
        problems += row_problems
    if not rows and not problems:
        problems.append(Problem(head + 2, "", _("The appendix has no rows.")))
    if problems:
        raise AppendixError(problems)
    return rows


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value or "").split())


def _check_content(
    cell: dict[str, Any],
    values: dict[str, Any],
    bad: Callable[[str, str], None],
    find_agency: Callable[[str], Iterable[str]],
) -> None:
    values["title"] = _text(cell.get("title"))
    if not values["title"]:
        bad("title", _("The dataset name is empty."))
    agency = _text(cell.get("agency"))
    ids = list(dict.fromkeys(find_agency(agency))) if agency else []
    if not agency:
        bad("agency", _("The responsible agency is empty."))
    elif not ids:
        bad("agency", _('No agency of the portal is called "{value}".').format(value=agency))
    elif len(ids) > 1:
        bad(
            "agency",
            _('"{value}" could mean several agencies; write its full name or code.').format(
                value=agency
            ),
        )
    else:
        values["agency_id"] = ids[0]
    word = _text(cell.get("frequency"))
    values["frequency"] = words.frequency(word) if word else None
    if not word:
        bad("frequency", _("The update frequency is empty."))
    elif values["frequency"] is None:
        bad(
            "frequency",
            _(
                'Unknown update frequency "{value}" (e.g. "hằng năm", "hằng quý", '
                '"hằng tháng", "khi có thay đổi").'
            ).format(value=word),
        )
    raw_due = cell.get("due_date")
    values["due_date"] = None if _blank(raw_due) else words.due_date(raw_due)
    if _blank(raw_due):
        bad("due_date", _("The publication deadline is empty."))
    elif values["due_date"] is None:
        bad(
            "due_date",
            _('Unknown date "{value}" (e.g. "31/12/2025", "Quý II/2025", "năm 2025").').format(
                value=_text(raw_due)
            ),
        )
    fmts = words.formats(cell.get("formats"))
    if fmts is None:
        bad(
            "formats",
            _('Unknown formats "{value}": list format names such as "CSV, XLSX".').format(
                value=_text(cell.get("formats"))
            ),
        )
    values["formats"] = fmts or []
    for key in ("sector", "notes", "source"):
        values[key] = _text(cell.get(key))
