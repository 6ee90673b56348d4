"""The Lucene/Solr query syntax CKAN and its extensions send, parsed into a
small tree that :mod:`.compiler` turns into SQL.

Supported: ``+``/``-``/``!`` prefixes, ``AND``/``OR``/``NOT`` and ``&&``/``||``,
parentheses, quoted phrases (with ``\\"`` escapes), ``field:value``,
``field: "value"``, ``field:(a OR b)``, ranges ``[x TO y]``/``{x TO y}``
(mixed brackets too) with ``*`` and date math (``NOW``, ``NOW-1DAY``,
``NOW/DAY``, ``2024-01-01T00:00:00Z+1MONTH``), ``*:*``, ``field:*``,
wildcards ``*``/``?`` in terms, backslash escapes; boosts (``^2``) and
fuzziness/slop (``~``) are accepted and ignored.

A hand-written scanner rather than pyparsing: Lucene's syntax is
context-sensitive (``-`` is an operator before a clause but part of
``country-sweden``; the ``:`` of a URL or of a Vietnamese word is not a field
separator) and the scanner gives errors with positions.

Boolean semantics: ``NOT`` binds tighter than ``AND``, which binds tighter
than ``OR``; juxtaposed clauses are joined by ``q.op`` (CKAN sends ``AND``;
Solr's default is ``OR``). This differs from Lucene's clause-flag algorithm
in one respect, on purpose: ``+x a OR b +y`` means x AND (a OR b) AND y, as
written and as ckanext-harvest's ``organization:a OR organization:b``
filters intend (Lucene would make ``a`` and ``b`` optional and filter
nothing).

In dismax mode (CKAN's free-text search, a ``q`` without ``:``) unbalanced
quotes or parentheses do not fail: as Solr's dismax parser does, the
offending characters are dropped and the words searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import NoReturn, cast

from .date_math import NOT_A_DATE, parse_date  # noqa: F401 - the parser's API
from .messages import N_, QuerySyntaxError

# --- the tree ----------------------------------------------------------------


@dataclass
class MatchAll:
    pass


@dataclass
class Term:
    field: str | None  # None: the default field (df)
    value: str  # unescaped
    quoted: bool = False
    wildcard: bool = False  # value has an unescaped * or ?
    # For wildcard terms: value with wildcards kept and other characters
    # escaped by doubling backslashes is not needed; positions of the
    # unescaped wildcards are kept instead.
    wildcard_positions: tuple[int, ...] = ()


@dataclass
class Range:
    field: str | None
    low: str | None  # None: open (*)
    high: str | None
    include_low: bool = True
    include_high: bool = True


@dataclass
class Bool:
    must: list[Node] = dc_field(default_factory=list)
    should: list[Node] = dc_field(default_factory=list)
    must_not: list[Node] = dc_field(default_factory=list)
    # None: 1 when there is no ``must`` clause, else 0 (Lucene).
    min_should: int | None = None

    def required_should(self) -> int:
        if self.min_should is not None:
            return self.min_should
        return 0 if self.must else (1 if self.should else 0)


Node = MatchAll | Term | Range | Bool

# --- the scanner --------------------------------------------------------------

FIELD_NAME_RE = re.compile(r"^(\*|[A-Za-z_][A-Za-z0-9_.\-]*)$")
_TERM_STOP = set(' \t\r\n\u3000()"[]{}^~:')
_NUMBER_RE = re.compile(r"\d+(\.\d+)?")


@dataclass
class Token:
    kind: str  # LP RP AND OR NOT PLUS MINUS TERM PHRASE FIELD RANGE
    value: object
    pos: int
    wildcards: tuple[int, ...] = ()


class _Scanner:
    def __init__(self, text: str, lenient: bool):
        self.s = text
        self.n = len(text)
        self.lenient = lenient

    def error(self, message, pos, **params) -> NoReturn:
        raise QuerySyntaxError(message, self.s, pos, **params)

    def tokens(self) -> list[Token]:
        s, n = self.s, self.n
        out: list[Token] = []
        i = 0
        while i < n:
            c = s[i]
            if c.isspace():
                i += 1
                continue
            if c == "(":
                out.append(Token("LP", c, i))
                i += 1
                continue
            if c == ")":
                out.append(Token("RP", c, i))
                i += 1
                continue
            if c == "&" and s.startswith("&&", i):
                out.append(Token("AND", "&&", i))
                i += 2
                continue
            if c == "|" and s.startswith("||", i):
                out.append(Token("OR", "||", i))
                i += 2
                continue
            # Only reached at the start of a token: "a-b" is read whole by
            # _term, so here +, - and ! are clause prefixes.
            if c in "+-!":
                nxt = s[i + 1] if i + 1 < n else ""
                if not nxt or nxt.isspace():
                    # A lone operator ("a - b"): nothing to apply it to.
                    if not self.lenient and c != "-":
                        self.error(N_("“{char}” is not followed by a clause"), i, char=c)
                    i += 1
                    continue
                out.append(Token({"+": "PLUS", "-": "MINUS", "!": "NOT"}[c], c, i))
                i += 1
                continue
            if c == '"':
                value, i = self._phrase(i)
                out.append(Token("PHRASE", value, i))
                i = self._skip_modifiers(i)
                continue
            if c in "[{":
                tok, i = self._range(i)
                out.append(tok)
                continue
            if c in "^~":
                i = self._skip_modifiers(i)
                continue
            if c in "]}:":
                if self.lenient:
                    i += 1
                    continue
                self.error(N_("unexpected “{char}”"), i, char=c)
            start = i
            value, wild, i = self._term(i)
            # "field : value" (Lucene skips white space between tokens)
            if FIELD_NAME_RE.match(value) and not wild and i < n and s[i].isspace():
                j = i
                while j < n and s[j].isspace():
                    j += 1
                if j < n and s[j] == ":" and not s.startswith("://", j):
                    i = j
            # field:value ?
            if (
                i < n
                and s[i] == ":"
                and FIELD_NAME_RE.match(value)
                and not wild
                or (value == "*" and i < n and s[i] == ":")
            ):
                if not s.startswith("://", i):
                    out.append(Token("FIELD", value, start))
                    i += 1
                    while i < n and s[i].isspace():
                        i += 1
                    if i >= n:
                        if self.lenient:
                            out.pop()
                            out.append(Token("TERM", value, start))
                            break
                        self.error(N_("field “{field}” has no value"), start, field=value)
                    continue
            if value in ("AND", "OR", "NOT") and not wild:
                out.append(Token(value, value, start))
                continue
            if value:
                out.append(Token("TERM", value, start, wild))
            i = self._skip_modifiers(i)
        return out

    def _skip_modifiers(self, i: int) -> int:
        s, n = self.s, self.n
        while i < n and s[i] in "^~":
            i += 1
            m = _NUMBER_RE.match(s, i)
            if m:
                i = m.end()
        return i

    def _phrase(self, i: int) -> tuple[str, int]:
        s, n = self.s, self.n
        start = i
        i += 1
        buf = []
        while i < n:
            c = s[i]
            if c == "\\" and i + 1 < n:
                buf.append(s[i + 1])
                i += 2
                continue
            if c == '"':
                return "".join(buf), i + 1
            buf.append(c)
            i += 1
        if self.lenient:
            return "".join(buf), n
        self.error(N_("a quotation mark is not closed"), start)
        raise AssertionError  # unreachable

    def _term(self, i: int) -> tuple[str, tuple[int, ...], int]:
        s, n = self.s, self.n
        buf: list[str] = []
        wild: list[int] = []
        while i < n:
            c = s[i]
            if c == "\\":
                if i + 1 < n:
                    buf.append(s[i + 1])
                    i += 2
                    continue
                i += 1
                continue
            if c == ":" and s.startswith("://", i):
                # a URL: the colon belongs to the term
                buf.append(c)
                i += 1
                continue
            if c == ":" and not FIELD_NAME_RE.match("".join(buf) or "-"):
                # "tư:" or "Thông tư: 39" - not a field name, a word
                i += 1
                break
            if c in _TERM_STOP:
                break
            if c in "*?":
                wild.append(len(buf))
            buf.append(c)
            i += 1
        return "".join(buf), tuple(wild), i

    def _range(self, i: int) -> tuple[Token, int]:
        s, n = self.s, self.n
        start = i
        include_low = s[i] == "["
        i += 1
        parts: list[str] = []
        buf: list[str] = []
        close = None
        while i < n:
            c = s[i]
            if c == '"':
                value, i = self._phrase(i)
                buf.append(value)
                continue
            if c == "\\" and i + 1 < n:
                buf.append(s[i + 1])
                i += 2
                continue
            if c in "]}":
                close = c
                i += 1
                break
            if c.isspace():
                if buf:
                    parts.append("".join(buf))
                    buf = []
                i += 1
                continue
            buf.append(c)
            i += 1
        if buf:
            parts.append("".join(buf))
        if close is None:
            self.error(N_("a range is not closed with ] or }}"), start)
        if len(parts) != 3 or parts[1].upper() != "TO":
            self.error(N_("a range is written [low TO high]"), start)
        low = None if parts[0] == "*" else parts[0]
        high = None if parts[2] == "*" else parts[2]
        tok = Token("RANGE", (low, high, include_low, close == "]"), start)
        return tok, self._skip_modifiers(i)


# --- the parser ---------------------------------------------------------------


class _Parser:
    def __init__(self, text: str, tokens: list[Token], default_and: bool, lenient: bool):
        self.text = text
        self.toks = tokens
        self.i = 0
        self.default_and = default_and
        self.lenient = lenient

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Token:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def error(self, message: str, tok: Token | None, **params) -> NoReturn:
        raise QuerySyntaxError(message, self.text, tok.pos if tok else len(self.text), **params)

    def parse(self) -> Node:
        node = self.or_expr(None, top=True)
        if self.peek() is not None:
            tok = self.peek()
            if self.lenient:
                # drop a stray ")" and go on
                self.take()
                rest = self.parse()
                return _and([node, rest])
            assert tok is not None
            self.error(N_("unexpected “{char}”"), tok, char=tok.value)
        return node

    # or_expr := and_expr (OR and_expr)*
    def or_expr(self, fieldname, top=False) -> Node:
        branches = [self.and_expr(fieldname)]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            branches.append(self.and_expr(fieldname))
        branches = [b for b in branches if not _empty(b)]
        if not branches:
            return Bool()
        if len(branches) == 1:
            return branches[0]
        return Bool(should=branches, min_should=1)

    # and_expr := clause ((AND)? clause)*
    def and_expr(self, fieldname) -> Node:
        must: list[Node] = []
        should: list[Node] = []
        must_not: list[Node] = []
        explicit = False
        prev_plain: Node | None = None  # a plain clause AND may promote
        while True:
            tok = self.peek()
            if tok is None or tok.kind in ("OR", "RP"):
                break
            conj_and = False
            if tok.kind == "AND":
                self.take()
                conj_and = True
                explicit = True
                if prev_plain is not None and any(c is prev_plain for c in should):
                    should[:] = [c for c in should if c is not prev_plain]
                    must.append(prev_plain)
                tok = self.peek()
                if tok is None or tok.kind in ("OR", "RP", "AND"):
                    if self.lenient:
                        continue
                    self.error(N_("AND is not followed by a clause"), tok)
            mod = None
            if tok.kind in ("PLUS", "MINUS", "NOT"):
                mod = self.take().kind
                if mod == "NOT":
                    explicit = True
                nxt = self.peek()
                if nxt is not None and nxt.kind in ("PLUS", "MINUS", "NOT"):
                    # "- -a", "NOT -a": take the last modifier
                    continue
            clause = self.clause(fieldname)
            if clause is None:
                continue
            prev_plain = None
            if mod in ("MINUS", "NOT"):
                must_not.append(clause)
            elif mod == "PLUS" or conj_and or self.default_and:
                must.append(clause)
            else:
                should.append(clause)
                prev_plain = clause
        if not must_not and not should and len(must) == 1:
            return must[0]
        if not must_not and not must and len(should) == 1:
            return should[0]
        node = Bool(must=must, should=should, must_not=must_not)
        node._explicit = explicit  # type: ignore[attr-defined]
        return node

    def clause(self, fieldname) -> Node | None:
        tok = self.peek()
        if tok is None:
            if self.lenient:
                return None
            self.error(N_("a search term was expected"), tok)
        if tok.kind == "LP":
            self.take()
            node = self.or_expr(fieldname)
            end = self.peek()
            if end is None or end.kind != "RP":
                if not self.lenient:
                    self.error(N_("a parenthesis is not closed"), tok)
            else:
                self.take()
            return node
        if tok.kind == "FIELD":
            self.take()
            name = str(tok.value)
            nxt = self.peek()
            if nxt is None:
                if self.lenient:
                    return Term(fieldname, name)
                self.error(N_("field “{field}” has no value"), tok, field=name)
            if nxt.kind == "LP":
                return self.clause(name)
            if nxt.kind in ("TERM", "PHRASE", "RANGE"):
                found = self.clause(name)
                if name == "*" and isinstance(found, Term) and found.value == "*":
                    return MatchAll()
                return found
            if self.lenient:
                return Term(fieldname, name)
            self.error(N_("field “{field}” has no value"), tok, field=name)
        if tok.kind == "TERM":
            self.take()
            value = str(tok.value)
            if value == "*" and fieldname is None:
                return MatchAll()
            return Term(
                fieldname, value, wildcard=bool(tok.wildcards), wildcard_positions=tok.wildcards
            )
        if tok.kind == "PHRASE":
            self.take()
            return Term(fieldname, str(tok.value), quoted=True)
        if tok.kind == "RANGE":
            self.take()
            low, high, inc_low, inc_high = cast(tuple, tok.value)
            return Range(fieldname, low, high, inc_low, inc_high)
        if self.lenient:
            self.take()
            return None
        self.error(N_("unexpected “{char}”"), tok, char=tok.value)
        return None


def _empty(node: Node) -> bool:
    return isinstance(node, Bool) and not (node.must or node.should or node.must_not)


def _and(nodes: list[Node]) -> Node:
    nodes = [n for n in nodes if not _empty(n)]
    if not nodes:
        return Bool()
    if len(nodes) == 1:
        return nodes[0]
    return Bool(must=nodes)


def parse(text: str, default_and: bool = False, lenient: bool = False) -> Node:
    """Parse ``text``; ``default_and`` is ``q.op=AND``; ``lenient`` is dismax."""
    text = text or ""
    try:
        tokens = _Scanner(text, lenient).tokens()
        return _Parser(text, tokens, default_and, lenient).parse()
    except QuerySyntaxError:
        raise
    except RecursionError:
        raise QuerySyntaxError(N_("the query is nested too deeply"), text) from None


def is_flat(node: Node) -> bool:
    """A query made only of juxtaposed words/phrases (for dismax ``mm``)."""
    if isinstance(node, Term):
        return node.field is None
    if isinstance(node, Bool):
        if getattr(node, "_explicit", False) or node.min_should is not None:
            return False
        return all(isinstance(c, Term) and c.field is None for c in node.must + node.should)
    return False
