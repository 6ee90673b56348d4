"""The demo content: agencies and datasets read from YAML data files.

Layout of a data directory (the package ships one in ``demo/data``)::

    defaults.yaml            values every dataset gets unless it says otherwise
    agencies.yaml            the agencies (CKAN organizations), parents first
    datasets/<agency>.yaml   {agency: <agency title>, datasets: [...]}

This module only reads and checks the files; it does not touch CKAN's
database (see :mod:`ckanext.angiang.demo.loader`). :func:`problems` lists
everything wrong with a content tree, so a broken data file is reported
with its dataset and field instead of failing half-way through a load.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from typing import Any

import yaml

from ckanext.angiang import slug
from ckanext.angiang.demo import tables

DEFAULT_DATA_DIR = os.path.join(os.path.dirname(__file__), "data")

# docs/metadata-model.md: EU data themes and frequencies.
THEMES = {
    "AGRI",
    "ECON",
    "EDUC",
    "ENER",
    "ENVI",
    "GOVE",
    "HEAL",
    "INTR",
    "JUST",
    "REGI",
    "SOCI",
    "TECH",
    "TRAN",
}
FREQUENCIES = {
    "TRIENNIAL",
    "BIENNIAL",
    "ANNUAL",
    "ANNUAL_2",
    "ANNUAL_3",
    "QUARTERLY",
    "BIMONTHLY",
    "MONTHLY",
    "MONTHLY_2",
    "BIWEEKLY",
    "WEEKLY",
    "WEEKLY_2",
    "DAILY",
    "DAILY_2",
    "CONT",
    "IRREG",
    "NEVER",
    "UNKNOWN",
}
AGENCY_LEVELS = {"provincial", "commune", "other"}
FILE_FORMATS = {
    "CSV": ("csv", "text/csv"),
    "JSON": ("json", "application/json"),
    "XLSX": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(ValueError):
    """The demo data files are inconsistent; ``args[0]`` lists each problem."""


@dataclass
class Agency:
    name: str
    title: str
    fields: dict[str, Any]  # organization_create fields other than the logo
    emblem: str
    color: str
    ward_code: str | None = None


@dataclass
class ResourceSpec:
    name: str
    kind: str  # "file" or "api"
    format: str  # CSV, JSON, XLSX (file) / REST (api)
    description: str
    table: str | None = None  # key of the dataset's table (files)
    url: str | None = None  # api
    openapi_name: str | None = None  # api: name of the resource holding its OpenAPI document
    path: str | None = None  # api

    @property
    def filename_ext(self) -> str:
        return FILE_FORMATS[self.format][0]

    @property
    def mimetype(self) -> str:
        return FILE_FORMATS[self.format][1]


@dataclass
class Dataset:
    name: str
    agency: str  # agency name
    fields: dict[str, Any]  # package_create fields (no resources)
    tables: dict[str, dict[str, Any]]
    resources: list[ResourceSpec] = field(default_factory=list)
    source: str = ""  # data file it comes from, for messages


@dataclass
class Content:
    agencies: list[Agency]
    datasets: list[Dataset]
    defaults: dict[str, Any]

    def agency(self, name: str) -> Agency:
        return next(a for a in self.agencies if a.name == name)


def _read_yaml(path: str) -> Any:
    with open(path, encoding="utf-8") as f:
        return yaml.load(f, Loader=_Loader)


def _iso(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@functools.lru_cache(maxsize=4)
def _read_cached(data_dir: str, stamp: tuple) -> Content:
    return _parse(data_dir)


def read(data_dir: str | None = None) -> Content:
    """The content of ``data_dir`` (default: the shipped demo data)."""
    data_dir = os.path.abspath(data_dir or DEFAULT_DATA_DIR)
    files = [os.path.join(data_dir, f) for f in ("defaults.yaml", "agencies.yaml")]
    ds_dir = os.path.join(data_dir, "datasets")
    if os.path.isdir(ds_dir):
        files += [
            os.path.join(ds_dir, f) for f in sorted(os.listdir(ds_dir)) if f.endswith(".yaml")
        ]
    stamp = tuple((f, os.stat(f).st_mtime_ns) for f in files if os.path.exists(f))
    return _read_cached(data_dir, stamp)


def _parse(data_dir: str) -> Content:
    defaults = _read_yaml(os.path.join(data_dir, "defaults.yaml")) or {}
    agencies_raw = _read_yaml(os.path.join(data_dir, "agencies.yaml")) or []
    by_title: dict[str, str] = {}
    agencies: list[Agency] = []
    for raw in agencies_raw:
        raw = dict(raw)
        title = raw.pop("title")
        name = raw.pop("name", None) or slug.title_to_name(title)
        by_title[title] = name
        emblem, color = raw.pop("emblem", "AG"), raw.pop("color", "#1F5F8B")
        ward_code = raw.pop("ward_code", None)
        fields_ = {"name": name, "title": title}
        for key, value in raw.items():
            fields_[key] = _iso(value)
        agencies.append(
            Agency(name, title, fields_, emblem, color, str(ward_code) if ward_code else None)
        )
    for agency in agencies:
        parent = agency.fields.get("parent_agency")
        if parent:
            # Agencies refer to their parent by title in the file, by name in CKAN.
            agency.fields["parent_agency"] = by_title.get(parent, parent)

    datasets: list[Dataset] = []
    ds_dir = os.path.join(data_dir, "datasets")
    for filename in sorted(os.listdir(ds_dir)) if os.path.isdir(ds_dir) else []:
        if not filename.endswith(".yaml"):
            continue
        doc = _read_yaml(os.path.join(ds_dir, filename)) or {}
        agency_title = doc.get("agency")
        agency_name = by_title.get(agency_title, agency_title or "")
        agency = next((a for a in agencies if a.name == agency_name), None)
        for raw in doc.get("datasets") or []:
            datasets.append(_dataset(raw, agency_name, agency, defaults, filename))
    return Content(agencies, datasets, defaults)


def _dataset(
    raw: dict[str, Any],
    agency_name: str,
    agency: Agency | None,
    defaults: dict[str, Any],
    source: str,
) -> Dataset:
    raw = dict(raw)
    title = raw.pop("title")
    name = raw.pop("name", None) or slug.title_to_name(title)
    table_specs = raw.pop("tables", None) or {}
    if "table" in raw:
        table_specs = {"data": raw.pop("table"), **table_specs}
    resources_raw = raw.pop("resources", [])

    fields_: dict[str, Any] = dict(defaults.get("dataset") or {})
    fields_.update({"name": name, "title": title, "owner_org": agency_name})
    if agency is not None:
        # The contact point defaults to the agency's focal point (metadata model).
        fields_.setdefault("contact_name", agency.fields.get("focal_point_name"))
        fields_.setdefault("contact_email", agency.fields.get("focal_point_email"))
        fields_.setdefault("contact_phone", agency.fields.get("focal_point_phone"))
        fields_["spatial_code"] = agency.ward_code or str(tables.AN_GIANG_PROVINCE_CODE)
    temporal = raw.pop("temporal", None)
    if temporal:
        fields_["temporal_start"], fields_["temporal_end"] = (_iso(t) for t in temporal)
    tags = raw.pop("tags", [])
    fields_["tags"] = [{"name": t} for t in tags]
    for key, value in raw.items():
        fields_[key] = _iso(value)
    if "spatial_code" in fields_:
        fields_["spatial_code"] = str(fields_["spatial_code"])

    descriptions = defaults.get("resource_descriptions") or {}
    resources: list[ResourceSpec] = []
    for r in resources_raw:
        kind = r.get("kind", "file")
        if kind == "api":
            api_name = r["name"]
            openapi_name = f"Đặc tả OpenAPI - {api_name}"
            resources.append(
                ResourceSpec(
                    name=openapi_name,
                    kind="file",
                    format="JSON",
                    table=r.get("table", "data"),
                    description=descriptions.get("OPENAPI", ""),
                    path=r["path"],
                )
            )
            resources.append(
                ResourceSpec(
                    name=api_name,
                    kind="api",
                    format="REST",
                    description=r.get("description", ""),
                    url=defaults.get("api_base_url", "").rstrip("/") + r["path"],
                    openapi_name=openapi_name,
                    path=r["path"],
                    table=r.get("table", "data"),
                )
            )
            continue
        fmt = str(r.get("format", "")).upper()
        table_key = r.get("table", "data")
        table_title = (table_specs.get(table_key) or {}).get("title") or title
        resources.append(
            ResourceSpec(
                name=r.get("name") or f"{table_title} ({fmt})",
                kind="file",
                format=fmt,
                table=table_key,
                description=r.get("description") or descriptions.get(fmt, ""),
            )
        )
    return Dataset(name, agency_name, fields_, table_specs, resources, source)


def resource_filename(dataset: Dataset, resource: ResourceSpec) -> str:
    """The file name a resource is uploaded under (``<dataset>.csv``,
    ``<dataset>-openapi.json``, ``<dataset>-<table>.xlsx``)."""
    stem = dataset.name
    if resource.path:
        return f"{stem}-openapi.json"
    if resource.table and resource.table != "data":
        stem = f"{stem}-{resource.table}"
    return f"{stem}.{resource.filename_ext}"


def problems(content: Content, build_tables: bool = True) -> list[str]:
    """Everything inconsistent in ``content`` (empty when it is sound).
    ``build_tables=False`` skips building every table (the loader builds the
    ones it needs and reports their errors itself)."""
    out: list[str] = []
    agency_names = [a.name for a in content.agencies]
    ward_codes = {f"{int(w.code):05d}" for w in tables.wards()}
    spatial_codes = ward_codes | {str(tables.AN_GIANG_PROVINCE_CODE)}
    for name in {n for n in agency_names if agency_names.count(n) > 1}:
        out.append(f"agency name {name!r} is used twice")
    seen: list[str] = []
    for a in content.agencies:
        where = f"agency {a.name!r}"
        if a.fields.get("agency_level") not in AGENCY_LEVELS:
            out.append(f"{where}: agency_level must be one of {sorted(AGENCY_LEVELS)}")
        parent = a.fields.get("parent_agency")
        if parent and parent not in seen:
            out.append(f"{where}: parent_agency {parent!r} must be listed before it")
        if a.ward_code and a.ward_code not in ward_codes:
            out.append(f"{where}: ward_code {a.ward_code} is not an An Giang unit")
        for key in (
            "short_name",
            "agency_code",
            "focal_point_name",
            "focal_point_position",
            "focal_point_email",
            "focal_point_phone",
            "address",
            "website",
            "description",
        ):
            if not a.fields.get(key):
                out.append(f"{where}: {key} is empty")
        seen.append(a.name)

    names = [d.name for d in content.datasets]
    for name in {n for n in names if names.count(n) > 1}:
        out.append(f"dataset name {name!r} is used twice")
    for d in content.datasets:
        where = f"{d.source}: dataset {d.name!r}"
        f = d.fields
        if d.agency not in agency_names:
            out.append(f"{where}: agency {d.agency!r} is not in agencies.yaml")
        if not 2 <= len(d.name) <= 100:
            out.append(f"{where}: name must be 2-100 characters")
        for key in (
            "notes",
            "theme",
            "frequency",
            "temporal_start",
            "temporal_end",
            "issued",
            "modified",
            "quality_statement",
            "conforms_to",
            "license_id",
            "contact_name",
            "contact_email",
            "spatial_code",
            "catalogue_code",
        ):
            if not f.get(key):
                out.append(f"{where}: {key} is empty")
        if not f.get("tags"):
            out.append(f"{where}: no tags")
        bad_themes = set(f.get("theme") or []) - THEMES
        if bad_themes:
            out.append(f"{where}: unknown theme(s) {sorted(bad_themes)}")
        if f.get("frequency") not in FREQUENCIES:
            out.append(f"{where}: unknown frequency {f.get('frequency')!r}")
        if f.get("spatial_code") not in spatial_codes:
            out.append(
                f"{where}: spatial_code {f.get('spatial_code')!r} is not An Giang or one of its units"
            )
        if str(f.get("temporal_start")) > str(f.get("temporal_end")):
            out.append(f"{where}: temporal_start is after temporal_end")
        if str(f.get("issued")) > str(f.get("modified")):
            out.append(f"{where}: issued is after modified")
        files = [r for r in d.resources if r.kind == "file" and not r.path]
        if not 1 <= len(files) <= 3:
            out.append(f"{where}: has {len(files)} data files, expected 1 to 3")
        rnames = [r.name for r in d.resources]
        for rn in {n for n in rnames if rnames.count(n) > 1}:
            out.append(f"{where}: resource name {rn!r} is used twice")
        for r in d.resources:
            if r.kind == "file" and r.format not in FILE_FORMATS:
                out.append(
                    f"{where}: resource {r.name!r} has format {r.format!r}; use {sorted(FILE_FORMATS)}"
                )
            if r.table and r.table not in d.tables:
                out.append(
                    f"{where}: resource {r.name!r} uses table {r.table!r}, which is not defined"
                )
        for key, spec in d.tables.items() if build_tables else ():
            try:
                table = tables.build(spec, seed=f"{d.name}/{key}")
            except tables.TableSpecError as e:
                out.append(f"{where}: table {key!r}: {e}")
                continue
            if not table.rows:
                out.append(f"{where}: table {key!r} has no rows")
    return out
