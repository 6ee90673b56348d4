"""Load the demo content into the portal through CKAN's Action API.

Agencies are created with ``organization_create`` (with a PNG emblem
uploaded as their logo), datasets with ``package_create`` and every file
with ``resource_create`` and an upload, so the portal stores it in its
filestore, serves it and computes its SHA-256 (Art. 9.2) exactly as it does
for an agency's upload. API services get an OpenAPI document uploaded next
to them and point their ``openapi_url`` at it.

Loading is idempotent: agencies and datasets are matched by name, resources
by name inside their dataset. A second load creates nothing; a load that
died half-way is completed (missing resources are added, missing files are
uploaded again). Existing objects are never modified otherwise, so edits
made on the portal survive a reload.
"""

from __future__ import annotations

import io
import logging
import os
import time
from collections import defaultdict
from typing import Any

import ckan.lib.uploader as uploader
import ckan.model as model
import ckan.plugins as p
import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.angiang import accounts
from ckanext.angiang.demo import content as content_mod
from ckanext.angiang.demo import render, tables
from ckanext.angiang.demo.content import Content, Dataset, ResourceSpec

log = logging.getLogger(__name__)

DEMO_SYSADMIN = "dic_admin"
STAT_KEYS = (
    "agencies_created",
    "agencies_existing",
    "datasets_created",
    "datasets_existing",
    "datasets_completed",
    "resources_created",
    "files_restored",
)


class DemoLoadError(Exception):
    """The demo could not be loaded; the message names the object and why."""


def load(data_dir: str | None = None, user: str = DEMO_SYSADMIN) -> dict[str, int]:
    """Load the demo agencies and datasets of ``data_dir`` (default: the
    shipped demo data) as ``user`` (created as a sysadmin if missing).

    Returns counts: ``agencies_created``, ``agencies_existing``,
    ``datasets_created``, ``datasets_existing``, ``datasets_completed``
    (existing datasets that lacked resources), ``resources_created`` and
    ``files_restored``.
    """
    started = time.perf_counter()
    demo = content_mod.read(data_dir)
    problems = content_mod.problems(demo, build_tables=False)
    if problems:
        raise DemoLoadError("demo data is inconsistent:\n  " + "\n  ".join(problems))
    accounts.ensure_sysadmin(user)
    loader = _Loader(demo, user)
    loader.agencies()
    # the catalogue decision before the datasets that name its entries (angiang_catalogue)
    from ckanext.angiang.catalogue import demo as catalogue_demo

    try:
        catalogue_demo.load(os.path.abspath(data_dir or content_mod.DEFAULT_DATA_DIR), user)
    except tk.ValidationError as e:
        raise DemoLoadError(f"demo catalogue {catalogue_demo.FILENAME}: {e.error_dict}") from None
    loader.datasets()
    # the portal's pages, where none is written yet (angiang_portal)
    if p.plugin_loaded("angiang_portal"):
        from ckanext.angiang.portal import pages

        loader.stats["pages_written"] = pages.seed(user)
    log.info("demo load: %s in %.1f s", loader.stats, time.perf_counter() - started)
    return dict(loader.stats)


class _Loader:
    def __init__(self, demo: Content, user: str):
        self.demo = demo
        self.user = user
        self.stats: dict[str, int] = dict.fromkeys(STAT_KEYS, 0)
        self._tables: dict[tuple[str, str], tables.Table] = {}

    def _context(self) -> dict[str, Any]:
        return {"user": self.user}

    def _action(self, name: str, data: dict[str, Any], what: str) -> dict[str, Any]:
        try:
            return tk.get_action(name)(self._context(), data)
        except tk.ValidationError as e:
            raise DemoLoadError(f"{what}: {name} rejected it: {e.error_dict}") from None

    # --- agencies -------------------------------------------------------------

    def agencies(self) -> None:
        names = [a.name for a in self.demo.agencies]
        existing = {
            name
            for (name,) in model.Session.query(model.Group.name).filter(
                model.Group.name.in_(names), model.Group.is_organization.is_(True)
            )
        }
        for agency in self.demo.agencies:
            if agency.name in existing:
                self.stats["agencies_existing"] += 1
                continue
            data = dict(agency.fields)
            data["image_upload"] = _file(
                render.emblem_png(agency.emblem, agency.color), f"{agency.name}.png", "image/png"
            )
            self._action("organization_create", data, f"agency {agency.name!r}")
            self.stats["agencies_created"] += 1

    # --- datasets -------------------------------------------------------------

    def datasets(self) -> None:
        names = [d.name for d in self.demo.datasets]
        packages = {
            name: (pkg_id, state)
            for name, pkg_id, state in model.Session.query(
                model.Package.name,
                model.Package.id,
                model.Package.state,
            ).filter(model.Package.name.in_(names))
        }
        resources: dict[str, dict[str, model.Resource]] = defaultdict(dict)
        ids = [pkg_id for pkg_id, _ in packages.values()]
        if ids:
            for res in model.Session.query(model.Resource).filter(
                model.Resource.package_id.in_(ids), model.Resource.state == "active"
            ):
                resources[res.package_id][res.name] = res

        for d in self.demo.datasets:
            if d.name in packages:
                self.stats["datasets_existing"] += 1
                pkg_id, state = packages[d.name]
                if state == "deleted":
                    continue  # deleted on the portal on purpose: leave it deleted
                have = resources.get(pkg_id, {})
                self._restore_missing_files(d, have)
            else:
                pkg_id = self._action(
                    "package_create", dict(d.fields), f"{d.source}: dataset {d.name!r}"
                )["id"]
                self.stats["datasets_created"] += 1
                have = {}
            missing = [r for r in d.resources if r.name not in have]
            if missing and d.name in packages:
                self.stats["datasets_completed"] += 1
            urls = {name: res.url for name, res in have.items()}
            for spec in missing:
                created = self._create_resource(d, pkg_id, spec, urls)
                urls[spec.name] = created["url"]
                self.stats["resources_created"] += 1

    def _table(self, d: Dataset, key: str) -> tables.Table:
        if (d.name, key) not in self._tables:
            try:
                self._tables[(d.name, key)] = tables.build(d.tables[key], seed=f"{d.name}/{key}")
            except tables.TableSpecError as e:
                raise DemoLoadError(f"{d.source}: dataset {d.name!r}, table {key!r}: {e}") from None
        return self._tables[(d.name, key)]

    def file_bytes(self, d: Dataset, spec: ResourceSpec) -> bytes:
        """The bytes of ``spec``'s file (also used by tests to check what the
        portal serves)."""
        table = self._table(d, spec.table or "data")
        agency = self.demo.agency(d.agency)
        meta = {
            "title": d.fields["title"],
            "publisher": agency.title,
            "source": f"{agency.title} - Cổng dữ liệu mở tỉnh An Giang",
            "license_id": d.fields.get("license_id"),
            "dataset": d.name,
        }
        if spec.path:
            return render.openapi_document(
                table,
                title=d.fields["title"],
                description=d.fields.get("notes", ""),
                server_url=self.demo.defaults.get("api_base_url", ""),
                path=spec.path,
                publisher=agency.title,
                email=agency.fields.get("focal_point_email", ""),
            )
        if spec.format == "CSV":
            return render.to_csv(table)
        if spec.format == "JSON":
            return render.to_json(table, meta)
        if spec.format == "XLSX":
            return render.to_xlsx(
                table, d.tables[spec.table or "data"].get("title") or d.fields["title"], meta
            )
        raise DemoLoadError(f"{d.source}: dataset {d.name!r}: no file format {spec.format!r}")

    def _resource_fields(self, d: Dataset, pkg_id: str, spec: ResourceSpec) -> dict[str, Any]:
        return {
            "package_id": pkg_id,
            "name": spec.name,
            "description": spec.description,
            "format": spec.format,
            "resource_kind": spec.kind,
            "language": (d.fields.get("language") or ["vi"])[0],
        }

    def _create_resource(
        self, d: Dataset, pkg_id: str, spec: ResourceSpec, urls: dict[str, str]
    ) -> dict[str, Any]:
        data = self._resource_fields(d, pkg_id, spec)
        if spec.kind == "api":
            data["url"] = spec.url
            data["openapi_url"] = urls.get(spec.openapi_name or "")
            if not data["openapi_url"]:
                raise DemoLoadError(
                    f"{d.source}: dataset {d.name!r}: API {spec.name!r} has no OpenAPI document"
                )
        else:
            data["mimetype"] = spec.mimetype
            data["upload"] = _file(
                self.file_bytes(d, spec), content_mod.resource_filename(d, spec), spec.mimetype
            )
        return self._action(
            "resource_create", data, f"{d.source}: dataset {d.name!r}, resource {spec.name!r}"
        )

    def _restore_missing_files(self, d: Dataset, have: dict[str, model.Resource]) -> None:
        """Upload again the files of demo resources whose stored file is gone
        (e.g. the storage directory was wiped but the database kept)."""
        for spec in d.resources:
            res = have.get(spec.name)
            if res is None or res.url_type != "upload":
                continue
            path = uploader.get_resource_uploader({}).get_path(res.id)
            if os.path.exists(path):
                continue
            data = {
                "id": res.id,
                "upload": _file(
                    self.file_bytes(d, spec), content_mod.resource_filename(d, spec), spec.mimetype
                ),
            }
            self._action(
                "resource_patch", data, f"{d.source}: dataset {d.name!r}, resource {spec.name!r}"
            )
            self.stats["files_restored"] += 1


def _file(data: bytes, filename: str, mimetype: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=mimetype)


def expected_files(data_dir: str | None = None) -> dict[tuple[str, str], bytes]:
    """``{(dataset name, resource name): bytes}`` of every demo file, as the
    loader uploads them (tests compare them with what the portal serves)."""
    demo = content_mod.read(data_dir)
    loader = _Loader(demo, DEMO_SYSADMIN)
    return {
        (d.name, spec.name): loader.file_bytes(d, spec)
        for d in demo.datasets
        for spec in d.resources
        if spec.kind == "file"
    }
