"""Solr local parameters (``{!type key=value ...}query``) at the start of a
q/fq value: the ones CKAN lets through (``ckan.search.solr_allowed_query_parsers``)
and the spatial filters ckanext-spatial sends."""

from __future__ import annotations

import re
from typing import Any

from ckan.lib.search.common import SearchQueryError

from .messages import N_, translate

_LOCAL_PARAMS_RE = re.compile(
    r"""\s*(?:([A-Za-z_][\w.]*)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|([^\s}]+))|([A-Za-z_][\w.]*))"""
)
_NUM = r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
#: The spatial filter ckanext-spatial's "solr-bbox" backend sends.
SPATIAL_BBOX_FILTER = re.compile(
    r"^div\(mul\(mul\(max\(0,sub\(min\("
    + _NUM
    + r",maxx\),max\("
    + _NUM
    + r",minx\)\)\),max\(0,sub\(min\("
    + _NUM
    + r",maxy\),max\("
    + _NUM
    + r",miny\)\)\)\),2\),add\("
    + _NUM
    + r",mul\(sub\(maxy,miny\),sub\(maxx,minx\)\)\)\)$"
)
#: ... and its "solr-spatial-field" backend.
SPATIAL_ENVELOPE = re.compile(
    r"^Intersects\(ENVELOPE\(\s*"
    + _NUM
    + r"\s*,\s*"
    + _NUM
    + r"\s*,\s*"
    + _NUM
    + r"\s*,\s*"
    + _NUM
    + r"\s*\)\)$"
)


def _error(value: str) -> SearchQueryError:
    return SearchQueryError(
        translate(N_("Cannot parse the local parameters of “{value}”"), value=value)
    )


class LocalParams:
    """``{!type k=v ...}rest`` at the start of a q/fq value."""

    def __init__(self, kind: str, options: dict[str, list[str]], body: str):
        self.kind = kind
        self.options = options
        self.body = body

    def get(self, key: str, default: str | None = None) -> str | None:
        values = self.options.get(key)
        return values[-1] if values else default


def parse_local_params(value: str, request: dict[str, Any]) -> LocalParams | None:
    text = value.lstrip()
    if not text.startswith("{!"):
        return None
    end = None
    i = 2
    quote = None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "}":
            end = i
            break
        i += 1
    if end is None:
        raise _error(value)
    inner, body = text[2:end], text[end + 1 :]
    kind = ""
    options: dict[str, list[str]] = {}
    pos = 0
    while pos < len(inner):
        if inner[pos:].strip() == "":
            break
        m = _LOCAL_PARAMS_RE.match(inner, pos)
        if not m or m.end() == pos:
            raise _error(value)
        pos = m.end()
        if m.group(5):
            if not kind:
                kind = m.group(5)
            continue
        key = m.group(1)
        val = next(g for g in (m.group(2), m.group(3), m.group(4)) if g is not None)
        if val.startswith("$"):
            ref = request.get(val[1:])
            val = ref if isinstance(ref, str) else ""
        if key == "type":
            kind = val
        else:
            options.setdefault(key, []).append(val)
    if "v" in options and not body.strip():
        body = options["v"][-1]
    return LocalParams(kind, options, body)
