"""The portal licence register (Art. 4).

The base list is CKAN's ``licenses_group_url`` (by default the package's
``data/licenses.json``: the statutory terms of Art. 18 Decree 47/2020/NĐ-CP,
CC BY 4.0, CC0, ODC-BY, ODbL). Licences issued or adopted by an agency
(Art. 4.2) are added by a sysadmin through the ``angiang_license_create``
action, without code or file edits: they are stored in the ``system_info``
table under ``EXTRA_KEY`` and merged into the register.

Every process keeps the register in memory (``model.Package`` caches it);
the process that adds a licence sees it at once, others within
``ckanext.angiang.licenses.refresh_seconds``. Extras are read on a
connection of their own so a lookup in the middle of a dataset save never
commits or rolls back the caller's transaction.

A licence ``url`` starting with ``/`` is a page of this portal (the licence
page ``/licenses/<id>``) and is made absolute with ``ckan.site_url``.

The facts the DCAT catalogue states about a licence (Art. 4, 7.7) live here
with it: ``adms_types`` (its ADMS licence types) and ``rights_vi`` /
``rights_en`` (the rights statement of every distribution under it). The
portal's file states them; a licence added through ``angiang_license_create``
gets them when it is created (types recognised from its URL, the rights
statement of the portal); :func:`facts` supplies them for older entries.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan.model.license import License, LicenseRegister

from ckanext.angiang.dcat import vocabularies as voc
from ckanext.angiang.metadata import DATA_DIR

DEFAULT_FILE = os.path.join(DATA_DIR, "licenses.json")
EXTRA_KEY = "ckanext.angiang.extra_licenses"
STATUTORY_ID = "vn-nd47-2020-dieu-18"
# The rights statement of a distribution (dct:rights), by default (Art. 4.5).
RIGHTS_VI = (
    "Dữ liệu mở công bố theo Quyết định 62/2024/QĐ-UBND tỉnh An Giang; "
    "sử dụng theo giấy phép: {title}"
)
RIGHTS_EN = (
    "Open data published under Decision 62/2024/QĐ-UBND of An Giang province; "
    "use under the licence: {title}"
)


def _absolute(url: str) -> str:
    if url and url.startswith("/"):
        return tk.config.get("ckan.site_url").rstrip("/") + url
    return url


def license_page_path(license_id: str) -> str:
    return f"/licenses/{license_id}"


class AngiangLicenseRegister(LicenseRegister):
    """CKAN's register, plus the licences sysadmins added in the database."""

    def __init__(self) -> None:
        self._base: list[License] = []
        self._extra: list[License] = []
        self._extra_raw: str | None = None
        self._checked = 0.0
        self.load_licenses(tk.config.get("licenses_group_url") or "file://" + DEFAULT_FILE)

    # LicenseRegister sets and reads ``self.licenses``
    @property
    def licenses(self) -> list[License]:  # type: ignore[override]
        self._refresh()
        return self._base + self._extra

    @licenses.setter
    def licenses(self, value: list[License]) -> None:
        for lic in value:
            lic._data["url"] = _absolute(lic._data.get("url") or "")
        self._base = value

    def base_ids(self) -> set[str]:
        return {lic.id for lic in self._base}

    def invalidate(self) -> None:
        self._checked = 0.0

    def _refresh(self) -> None:
        ttl = tk.config.get("ckanext.angiang.licenses.refresh_seconds")
        now = time.monotonic()
        if self._checked and now - self._checked < ttl:
            return
        raw = read_extra_raw()
        self._checked = now
        if raw == self._extra_raw:
            return
        self._extra_raw = raw
        extra = []
        for data in json.loads(raw or "[]"):
            data = dict(data)
            data["url"] = _absolute(data.get("url") or license_page_path(data["id"]))
            extra.append(License(data))
        self._extra = extra


def install() -> AngiangLicenseRegister:
    """Make the portal register the one CKAN uses (``model.Package`` keeps a
    single register per process; CKAN core reads it from there)."""
    register = AngiangLicenseRegister()
    model.Package._license_register = register
    return register


def register() -> LicenseRegister:
    return model.Package.get_license_register()


def read_extra_raw() -> str | None:
    """The stored extra licences (JSON text), read outside the caller's
    transaction."""
    try:
        with model.meta.engine.connect() as conn:
            return conn.execute(
                sa.text("SELECT value FROM system_info WHERE key = :k"), {"k": EXTRA_KEY}
            ).scalar()
    except sa.exc.SQLAlchemyError:
        return None


def extra_licenses() -> list[dict[str, Any]]:
    return json.loads(read_extra_raw() or "[]")


def save_extra_licenses(items: list[dict[str, Any]]) -> None:
    """Store the extra licences in the caller's session (the caller commits)."""
    obj = model.Session.query(model.SystemInfo).filter_by(key=EXTRA_KEY).first()
    value = json.dumps(items, ensure_ascii=False)
    if obj is None:
        model.Session.add(model.SystemInfo(EXTRA_KEY, value))
    else:
        obj.value = value


def get(license_id: str) -> License | None:
    if not license_id:
        return None
    return register().get(license_id)


def localized(lic: License, field: str, lang: str) -> Any:
    """``title`` / ``terms`` of a licence in ``lang`` (vi or en), falling back
    to Vietnamese, then to CKAN's plain ``title``."""
    data = lic._data if isinstance(lic, License) else dict(lic)
    for key in (f"{field}_{lang}", f"{field}_vi", field):
        if data.get(key):
            return data[key]
    return None


def group_json() -> list[dict[str, Any]]:
    """The register in the format of CKAN's ``licenses_group_url`` (a JSON
    list of licences, absolute URLs): a harvesting CKAN that loads it maps the
    licence URIs of our DCAT catalogue to the same licence ids (Art. 7.7),
    including the licences agencies added (Art. 4.2)."""
    return [lic.license_dictize() for lic in register().values()]


def facts(data: dict[str, Any]) -> dict[str, Any]:
    """``adms_types``, ``rights_vi`` and ``rights_en`` of a licence entry
    (a register item's data): as stated, else recognised from its id and URL
    (``UnknownIPR`` when not) and the portal's rights statement."""
    title = data.get("title") or data.get("id") or ""
    types = [t for t in data.get("adms_types") or [] if t in voc.LICENCE_TYPES]
    return {
        "adms_types": types or voc.licence_type_codes(data.get("id") or "", data.get("url") or ""),
        "rights_vi": data.get("rights_vi") or RIGHTS_VI.format(title=title),
        "rights_en": data.get("rights_en") or RIGHTS_EN.format(title=title),
    }
