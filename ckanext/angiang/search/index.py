"""Index document (the dict CKAN builds in ``PackageSearchIndex.index_package``)
-> a row of the index table, and writing/deleting rows.

The document is stored the way Solr would return it: strings or lists of
strings, dates as ``YYYY-MM-DDThh:mm:ss[.mmm]Z`` (Solr keeps milliseconds),
no empty values. Words go into two weighted tsvectors:

====== ==============================================================
weight fields
====== ==============================================================
A      title, name
B      tags, vocabulary tags, groups (names and titles), organization
       (name and title: CKAN's names drop Vietnamese letters, titles don't)
C      notes, resource names and descriptions
D      extras, resource extras, author, maintainer, licence
====== ==============================================================

``tsv`` holds all four groups without accents (matched through its GIN
index; usually stored out of the row); ``tsv_ab`` holds groups A and B
without accents and ``tsv_exact`` with their accents: small, kept in the row,
what every match is ranked on before the best are ranked again on ``tsv``
(see :mod:`.statements`). URLs are not put into the
vectors (they would double their size for words nobody searches for); a
``urls:``/``url:`` query matches the stored fields instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import unicodedata
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from .facets import facet_terms
from .model import TABLE
from .text import CONFIG_EXACT, CONFIG_FOLDED, GAP_TOKEN, flatten, fold, join_values

log = logging.getLogger(__name__)

# Never stored in ``doc``: kept in columns of their own, or not stored by Solr.
NOT_IN_DOC = {"data_dict", "validated_data_dict", "text"}
DATE_KEYS = {"metadata_created", "metadata_modified", "indexed_ts"}


def is_date_key(key: str) -> bool:
    return key in DATE_KEYS or key.endswith("_date")


def parse_datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        d = value
    elif isinstance(value, dt.date):
        d = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            d = dt.datetime.fromisoformat(text)
        except ValueError:
            try:
                from dateutil.parser import parse

                d = parse(value)
            except (ValueError, OverflowError):
                return None
    else:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=dt.UTC)
    return d.astimezone(dt.UTC)


def solr_date(d: dt.datetime) -> str:
    """Solr's stored form: UTC, milliseconds only when not zero."""
    text = d.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    ms = d.microsecond // 1000
    return f"{text}.{ms:03d}Z" if ms else f"{text}Z"


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _stored(value: Any) -> Any:
    """A value as Solr stores it: str, or a list of str; None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return _nfc(value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, (list, tuple, set)):
        items = []
        for item in value:
            stored = _stored(item)
            if stored is None:
                continue
            if isinstance(stored, list):
                items.extend(stored)
            else:
                items.append(stored)
        return items or None
    return _nfc(str(value))


def stored_document(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key in NOT_IN_DOC:
            continue
        if is_date_key(key):
            d = parse_datetime(value)
            if d is None:
                continue
            out[key] = solr_date(d)
            continue
        stored = _stored(value)
        if stored is None or stored == "":
            continue
        out[key] = stored
    return out


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for v in values:
        seen.setdefault(v, None)
    return list(seen)


def _float(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _walk_coordinates(obj: Any, out: list[tuple[float, float]]) -> None:
    if isinstance(obj, (list, tuple)):
        if len(obj) >= 2 and all(isinstance(c, (int, float)) for c in obj[:2]):
            out.append((float(obj[0]), float(obj[1])))
        else:
            for item in obj:
                _walk_coordinates(item, out)


def bbox_of(doc: dict[str, Any]) -> tuple[float | None, ...]:
    """(minx, miny, maxx, maxy): from ckanext-spatial's solr-bbox fields when
    its ``spatial_query`` plugin added them, else from the ``spatial`` GeoJSON
    (root key or extra)."""
    found = tuple(_float(doc.get(k)) for k in ("minx", "miny", "maxx", "maxy"))
    if all(v is not None for v in found):
        return found
    geojson = doc.get("spatial") or doc.get("extras_spatial")
    if not geojson:
        return (None, None, None, None)
    try:
        geometry = json.loads(geojson) if isinstance(geojson, str) else geojson
        points: list[tuple[float, float]] = []
        if isinstance(geometry, dict):
            if geometry.get("type") == "GeometryCollection":
                for g in geometry.get("geometries", []):
                    _walk_coordinates(g.get("coordinates"), points)
            elif geometry.get("type") == "Feature":
                _walk_coordinates((geometry.get("geometry") or {}).get("coordinates"), points)
            else:
                _walk_coordinates(geometry.get("coordinates"), points)
    except (ValueError, TypeError, AttributeError):
        log.warning("Dataset %s: spatial is not valid GeoJSON, no bbox indexed", doc.get("id"))
        return (None, None, None, None)
    if not points:
        return (None, None, None, None)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def _titles(data_dict_json: str | None) -> tuple[list[str], list[str]]:
    """Organization and group titles from the dataset dict CKAN stored."""
    if not data_dict_json:
        return [], []
    try:
        data = json.loads(data_dict_json)
    except (TypeError, ValueError):
        return [], []
    org = data.get("organization") or {}
    orgs = [str(org["title"])] if isinstance(org, dict) and org.get("title") else []
    groups = [
        str(g["title"]) for g in data.get("groups") or [] if isinstance(g, dict) and g.get("title")
    ]
    return orgs, groups


#: Characters of each weight group that reach ``to_tsvector``. PostgreSQL
#: refuses a tsvector over 1 MB ("string is too long for tsvector", a 500 on
#: the dataset's save); four groups of 100,000 characters stay below it even
#: with distinct two-letter Vietnamese words. Dataset descriptions are
#: limited to 100,000 characters by the schema; this covers what adds up
#: (many resources' descriptions, extras). Text beyond it is stored and shown,
#: only not searchable.
MAX_GROUP_CHARS = 100_000


def within_index_limit(text: str) -> str:
    """``text`` cut at the last space before :data:`MAX_GROUP_CHARS`."""
    if len(text) <= MAX_GROUP_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_GROUP_CHARS)
    return text[: cut if cut > 0 else MAX_GROUP_CHARS]


def weighted_texts(doc: dict[str, Any]) -> dict[str, str]:
    """The four weight groups as normalised strings, values gap-separated,
    each ending with a gap so phrases never run from one group into the
    next."""
    org_titles, group_titles = _titles(doc.get("data_dict"))
    a = flatten(doc.get("title")) + flatten(doc.get("name"))
    b = (
        flatten(doc.get("tags"))
        + flatten(doc.get("groups"))
        + group_titles
        + flatten(doc.get("organization"))
        + org_titles
    )
    c = (
        flatten(doc.get("notes"))
        + flatten(doc.get("res_name"))
        + flatten(doc.get("res_description"))
    )
    d: list[str] = []
    for key, value in doc.items():
        if key.startswith("vocab_"):
            b.extend(flatten(value))
        elif key.startswith(("extras_", "res_extras_")):
            d.extend(flatten(value))
    for key in ("author", "maintainer", "license_title", "license", "text"):
        d.extend(flatten(doc.get(key)))

    def group(values: list[str]) -> str:
        joined = within_index_limit(join_values(values))
        return f"{joined} {GAP_TOKEN}" if joined else ""

    return {"wa": group(a), "wb": group(b), "wc": group(c), "wd": group(d)}


def document_to_row(doc: dict[str, Any], site_id: str | None) -> dict[str, Any]:
    doc_site = doc.get("site_id") or site_id
    index_id = doc.get("index_id") or hashlib.md5(f"{doc.get('id')}{doc_site}".encode()).hexdigest()
    stored = stored_document(doc)
    stored.setdefault("site_id", doc_site)
    stored["index_id"] = index_id
    title = stored.get("title") if isinstance(stored.get("title"), str) else None
    minx, miny, maxx, maxy = bbox_of(doc)
    row = {
        "index_id": index_id,
        "id": str(doc.get("id")),
        "site_id": doc_site,
        "name": stored.get("name") if isinstance(stored.get("name"), str) else None,
        "title": title,
        "title_folded": fold(title) if title else None,
        "state": doc.get("state"),
        "capacity": doc.get("capacity"),
        "dataset_type": doc.get("dataset_type"),
        "organization": doc.get("organization") or None,
        "license_id": doc.get("license_id") or None,
        "metadata_created": parse_datetime(doc.get("metadata_created")),
        "metadata_modified": parse_datetime(doc.get("metadata_modified")),
        "tags": _unique(flatten(stored.get("tags"))),
        "groups": _unique(flatten(stored.get("groups"))),
        "res_format": _unique(flatten(stored.get("res_format"))),
        "permission_labels": _unique(flatten(doc.get("permission_labels"))),
        "minx": minx,
        "miny": miny,
        "maxx": maxx,
        "maxy": maxy,
        "doc": json.dumps(stored, ensure_ascii=False),
        "data_dict": doc.get("data_dict"),
        "validated_data_dict": doc.get("validated_data_dict"),
    }
    row["facet_terms"] = facet_terms(row, stored)
    row.update(weighted_texts(doc))
    return row


def _vector(config: str, weights: str = "ABCD") -> str:
    parts = " || ".join(
        f"setweight(to_tsvector('{config}', :w{w.lower()}), '{w}')" for w in weights
    )
    return f"ts_delete({parts}, '{GAP_TOKEN}')"


COLUMNS = [
    "index_id",
    "id",
    "site_id",
    "name",
    "title",
    "title_folded",
    "state",
    "capacity",
    "dataset_type",
    "organization",
    "license_id",
    "metadata_created",
    "metadata_modified",
    "tags",
    "groups",
    "res_format",
    "permission_labels",
    "minx",
    "miny",
    "maxx",
    "maxy",
    "doc",
    "data_dict",
    "validated_data_dict",
]

UPSERT_SQL = sa.text(
    f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}, facet_terms, tsv, tsv_ab, "
    f"tsv_exact, indexed_at) SELECT "
    + ", ".join(
        "CAST(:doc AS jsonb)"
        if c == "doc"
        else f"CAST(:{c} AS text[])"
        if c in ("tags", "groups", "res_format", "permission_labels")
        else f":{c}"
        for c in COLUMNS
    )
    # tsv_ab is tsv's groups A and B: filtered, not parsed again
    + ", array_to_tsvector(CAST(:facet_terms AS text[]))"
    + f", v.tsv, ts_filter(v.tsv, '{{a,b}}'), {_vector(CONFIG_EXACT, 'AB')}, now() "
    f"FROM (SELECT {_vector(CONFIG_FOLDED)} AS tsv) AS v "
    f"ON CONFLICT (index_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS[1:])
    + ", facet_terms = EXCLUDED.facet_terms"
    + ", tsv = EXCLUDED.tsv, tsv_ab = EXCLUDED.tsv_ab, "
    "tsv_exact = EXCLUDED.tsv_exact, indexed_at = EXCLUDED.indexed_at"
)


def upsert(session, docs: list[dict[str, Any]], site_id: str | None) -> None:
    rows = [document_to_row(d, site_id) for d in docs]
    if rows:
        session.execute(UPSERT_SQL, rows)


def delete_by_ids(session, index_ids: list[str]) -> int:
    result = session.execute(
        sa.text(f"DELETE FROM {TABLE} WHERE index_id = ANY(:ids)"), {"ids": list(index_ids)}
    )
    return result.rowcount


def delete_where(session, where: str, params: dict[str, Any]) -> int:
    result = session.execute(sa.text(f"DELETE FROM {TABLE} WHERE {where}"), params)
    return result.rowcount
