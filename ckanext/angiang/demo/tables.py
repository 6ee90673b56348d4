"""Deterministic demo tables built from the specs in the demo data files.

A table spec (YAML) says which rows the table has and how each column gets
its value::

    table:
      rows: {wards: {types: [xã]}}
      columns:
        - {id: ma_xa, title: "Mã xã", value: "{ward_code}"}
        - {id: dien_tich, title: "Diện tích gieo trồng (ha)", calc: "uniform(3000, 14000)", digits: 0}
        - {id: san_luong, title: "Sản lượng (tấn)", calc: "dien_tich * 6.6 / 10", digits: 0}

Row sources (a list of them is their cross product, outermost first):

- ``wards``: the commune-level units of An Giang from the ``vietnam-provinces``
  package (optionally ``types: [xã, phường, đặc khu]``, ``codes: [...]``).
  Context: ``ward_code``, ``ward_name``, ``ward_short``, ``ward_type``,
  ``former_province``, ``urban`` (1 for phường).
- ``years: [first, last]``, ``quarters: [first_year, last_year]``,
  ``months: ["2025-01", "2025-10"]``, ``weeks: {year:, from:, to:}``,
  ``days: [first, last]``. Context: ``year``, ``quarter``, ``month``,
  ``month_num``, ``week``, ``date``, ``doy`` (day of year), and ``t``
  (0, 1, 2... along the time axis) for trends; ``pi`` is always there.
- ``items: [{...}, ...]``: explicit rows; each key is in the context.
- ``count: N``: N rows.

Every row also has ``n`` (1-based row number). Column kinds:

- ``value``: a ``str.format`` template over the context (``"GP-{n:04d}"``).
- ``calc``: an arithmetic expression over the context and the previous
  columns, with ``uniform(a, b)``, ``randint(a, b)``, ``gauss(mu, sigma)``,
  ``round``, ``min``, ``max``, ``abs``, ``int``, ``str``, ``sin``...;
  ``digits`` rounds it
  (0 gives an int).
- ``choice: [...]`` (optional ``weights``), ``date: [first, last]``,
  ``person: true`` (a fictional Vietnamese name).

Randomness comes from a generator seeded with the table's key, so the same
spec always gives the same rows and the same file bytes.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import itertools
import math
import operator
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from vietnam_provinces import Province, Ward

AN_GIANG_PROVINCE_CODE = 91
# Wards of the province before 1 July 2025 had codes below this one for the
# former An Giang; the former Kiên Giang's start here (General Statistics
# Office coding, kept by the 2025 list).
_FIRST_FORMER_KIEN_GIANG_CODE = 30742


class TableSpecError(ValueError):
    """A table spec that cannot be built; the message says where and why."""


@dataclass
class Column:
    id: str
    title: str
    type: str  # "string", "integer", "number" or "date"
    unit: str | None = None


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        ids = [c.id for c in self.columns]
        return [dict(zip(ids, row, strict=True)) for row in self.rows]


# --- administrative units ----------------------------------------------------


@functools.lru_cache(maxsize=1)
def province() -> Province:
    return Province.from_code(AN_GIANG_PROVINCE_CODE)


@functools.lru_cache(maxsize=1)
def wards() -> tuple[Ward, ...]:
    """The province's commune-level units (xã, phường, đặc khu), by code."""
    return tuple(sorted(Ward.iter_by_province(province().code), key=lambda w: int(w.code)))


def ward_by_code(code: int | str) -> Ward:
    return Ward.from_code(int(code))


def _ward_short(ward: Ward) -> str:
    prefix = ward.division_type.value
    name = ward.name
    return name[len(prefix) :].strip() if name.lower().startswith(prefix) else name


def ward_context(ward: Ward) -> dict[str, Any]:
    return {
        "ward_code": f"{int(ward.code):05d}",
        "ward_name": ward.name,
        "ward_short": _ward_short(ward),
        "ward_type": ward.division_type.value,
        "former_province": "An Giang"
        if int(ward.code) < _FIRST_FORMER_KIEN_GIANG_CODE
        else "Kiên Giang",
        "urban": 1 if ward.division_type.value == "phường" else 0,
    }


# --- row sources --------------------------------------------------------------


def _rows_wards(arg: Any) -> list[dict[str, Any]]:
    arg = arg or {}
    if arg is True:
        arg = {}
    selected = list(wards())
    if "types" in arg:
        selected = [w for w in selected if w.division_type.value in arg["types"]]
    if "codes" in arg:
        wanted = [int(c) for c in arg["codes"]]
        by_code = {int(w.code): w for w in wards()}
        missing = [c for c in wanted if c not in by_code]
        if missing:
            raise TableSpecError(f"ward codes not in An Giang: {missing}")
        selected = [by_code[c] for c in wanted]
    return [ward_context(w) for w in selected]


def _rows_years(arg: Any) -> list[dict[str, Any]]:
    first, last = int(arg[0]), int(arg[1])
    return [{"year": y, "t": i} for i, y in enumerate(range(first, last + 1))]


def _rows_quarters(arg: Any) -> list[dict[str, Any]]:
    first, last = int(arg[0]), int(arg[1])
    out = []
    for year in range(first, last + 1):
        for q in range(1, 5):
            out.append(
                {"year": year, "quarter_num": q, "quarter": f"Quý {q}/{year}", "t": len(out)}
            )
    return out[: int(arg[2])] if len(arg) > 2 else out


def _rows_months(arg: Any) -> list[dict[str, Any]]:
    (y0, m0), (y1, m1) = (map(int, str(a).split("-")) for a in arg)
    out = []
    y, m = y0, m0
    while (y, m) <= (y1, m1):
        out.append(
            {
                "year": y,
                "month_num": m,
                "month": f"{y}-{m:02d}",
                "month_label": f"Tháng {m:02d}/{y}",
                "t": len(out),
            }
        )
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _rows_weeks(arg: Any) -> list[dict[str, Any]]:
    year, first, last = int(arg["year"]), int(arg["from"]), int(arg["to"])
    out = []
    for w in range(first, last + 1):
        start = dt.date.fromisocalendar(year, w, 1)
        out.append({"year": year, "week": w, "week_start": start.isoformat(), "t": len(out)})
    return out


def _rows_days(arg: Any) -> list[dict[str, Any]]:
    first, last = (dt.date.fromisoformat(str(d)) for d in arg)
    out = []
    day = first
    while day <= last:
        out.append(
            {
                "date": day.isoformat(),
                "year": day.year,
                "month_num": day.month,
                "doy": day.timetuple().tm_yday,
                "t": len(out),
            }
        )
        day += dt.timedelta(days=1)
    return out


def _rows_items(arg: Any) -> list[dict[str, Any]]:
    if not isinstance(arg, list) or not all(isinstance(i, dict) for i in arg):
        raise TableSpecError("items must be a list of mappings")
    return [dict(item, i=i) for i, item in enumerate(arg)]


def _rows_count(arg: Any) -> list[dict[str, Any]]:
    return [{} for _ in range(int(arg))]


ROW_SOURCES = {
    "wards": _rows_wards,
    "years": _rows_years,
    "quarters": _rows_quarters,
    "months": _rows_months,
    "weeks": _rows_weeks,
    "days": _rows_days,
    "items": _rows_items,
    "count": _rows_count,
}


def _row_contexts(rows_spec: Any) -> Iterator[dict[str, Any]]:
    sources = rows_spec if isinstance(rows_spec, list) else [rows_spec]
    axes = []
    for source in sources:
        if not isinstance(source, dict) or len(source) != 1:
            raise TableSpecError(
                f"a row source is a mapping with one key of {sorted(ROW_SOURCES)}: {source!r}"
            )
        ((kind, arg),) = source.items()
        if kind not in ROW_SOURCES:
            raise TableSpecError(f"unknown row source {kind!r}; use one of {sorted(ROW_SOURCES)}")
        axes.append(ROW_SOURCES[kind](arg))
    for combo in itertools.product(*axes):
        ctx: dict[str, Any] = {}
        for part in combo:
            ctx.update(part)
        yield ctx


# --- expressions ----------------------------------------------------------------

_BINOPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMPOPS = {
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}


class _Evaluator:
    """Evaluates the small arithmetic language of ``calc`` (no attribute
    access, no imports, no calls other than the listed functions)."""

    def __init__(self, rng: random.Random):
        self.functions = {
            "uniform": rng.uniform,
            "randint": rng.randint,
            "gauss": rng.gauss,
            "round": round,
            "min": min,
            "max": max,
            "abs": abs,
            "int": int,
            "str": str,
            "sqrt": math.sqrt,
            "sin": math.sin,
            "cos": math.cos,
            "exp": math.exp,
        }

    @staticmethod
    @functools.cache
    def parse(expr: str) -> ast.AST:
        try:
            return ast.parse(expr, mode="eval").body
        except SyntaxError as e:
            raise TableSpecError(f"bad expression {expr!r}: {e.msg}") from None

    def __call__(self, expr: str, names: dict[str, Any]) -> Any:
        return self._eval(self.parse(expr), names, expr)

    def _eval(self, node: ast.AST, names: dict[str, Any], expr: str) -> Any:
        ev = lambda n: self._eval(n, names, expr)  # noqa: E731
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in names:
                return names[node.id]
            raise TableSpecError(f"unknown name {node.id!r} in {expr!r}")
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            value = ev(node.operand)
            return (
                -value
                if isinstance(node.op, ast.USub)
                else (value if isinstance(node.op, ast.UAdd) else not value)
            )
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = ev(right_node)
                if type(op) not in _CMPOPS or not _CMPOPS[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.BoolOp):
            values = [ev(v) for v in node.values]
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.IfExp):
            return ev(node.body) if ev(node.test) else ev(node.orelse)
        if isinstance(node, (ast.List, ast.Tuple)):
            return [ev(e) for e in node.elts]
        if isinstance(node, ast.Subscript):
            return ev(node.value)[ev(node.slice)]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in self.functions
            and not node.keywords
        ):
            return self.functions[node.func.id](*[ev(a) for a in node.args])
        raise TableSpecError(f"unsupported expression {ast.dump(node)[:60]} in {expr!r}")


# --- fictional people -------------------------------------------------------------

_FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Phan",
    "Trương",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Lâm",
    "Thái",
    "Dương",
]
_MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Hoàng", "Ngọc", "Quốc", "Hữu", "Kim", "Thành"]
_GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trí",
    "Trinh",
    "Tuấn",
    "Vy",
]


def fictional_person(rng: random.Random) -> str:
    return f"{rng.choice(_FAMILY)} {rng.choice(_MIDDLE)} {rng.choice(_GIVEN)}"


# --- building a table ---------------------------------------------------------------

_KINDS = ("value", "calc", "choice", "date", "person")


def _column_type(spec: dict[str, Any]) -> str:
    if "type" in spec:
        return spec["type"]
    if "calc" in spec:
        return "integer" if spec.get("digits", None) == 0 else "number"
    if "date" in spec:
        return "date"
    return "string"


def build(spec: dict[str, Any], seed: str) -> Table:
    """The table described by ``spec``; ``seed`` (e.g. the dataset name)
    makes it reproducible."""
    if "columns" not in spec or "rows" not in spec:
        raise TableSpecError("a table needs 'rows' and 'columns'")
    rng = random.Random(seed)
    evaluate = _Evaluator(rng)
    columns: list[Column] = []
    for col in spec["columns"]:
        kinds = [k for k in _KINDS if k in col]
        if "id" not in col or "title" not in col or len(kinds) != 1:
            raise TableSpecError(f"a column needs an id, a title and one of {_KINDS}: {col!r}")
        columns.append(Column(col["id"], col["title"], _column_type(col), col.get("unit")))

    table = Table(columns)
    for n, ctx in enumerate(_row_contexts(spec["rows"]), start=1):
        names = dict(ctx, n=n, pi=math.pi)
        row = []
        for col, column in zip(spec["columns"], columns, strict=True):
            value = _cell(col, names, rng, evaluate)
            names[column.id] = value
            row.append(value)
        table.rows.append(row)
    if spec.get("sort"):
        key = spec["sort"]
        index = [c.id for c in columns].index(key.lstrip("-"))
        table.rows.sort(key=lambda r: r[index], reverse=key.startswith("-"))
    return table


def _cell(
    col: dict[str, Any], names: dict[str, Any], rng: random.Random, evaluate: _Evaluator
) -> Any:
    try:
        if "value" in col:
            value = str(col["value"]).format_map(names)
            return int(value) if col.get("type") == "integer" else value
        if "calc" in col:
            value = evaluate(str(col["calc"]), names)
            digits = col.get("digits")
            if digits is None:
                return value
            return int(round(value)) if digits == 0 else round(float(value), int(digits))
        if "choice" in col:
            return rng.choices(col["choice"], weights=col.get("weights"))[0]
        if "date" in col:
            first, last = (dt.date.fromisoformat(str(d)) for d in col["date"])
            return (first + dt.timedelta(days=rng.randint(0, (last - first).days))).isoformat()
        if "person" in col:
            return fictional_person(rng)
    except KeyError as e:
        raise TableSpecError(f"column {col['id']!r}: unknown name {e.args[0]!r}") from None
    raise TableSpecError(f"column {col['id']!r} has no value kind")
