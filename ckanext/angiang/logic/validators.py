"""Validators of the dataset, resource and agency schemas.

Every refusal is a field-level ``Invalid`` with a translatable message, so
the API answers 409 with the field's error and the form shows it beside the
field. navl validates top-level keys in alphabetical order, so a validator
that depends on another field reads that field's raw value from ``data``.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

import ckan.authz as authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing

from ckanext.angiang import slug
from ckanext.angiang.agencies.validators import (  # noqa: F401
    angiang_agency_code_unique,
    angiang_code,
    angiang_email,
    angiang_former_names,
    angiang_parent_agency,
    angiang_phone,
)
from ckanext.angiang.catalogue.validators import angiang_catalogue_entry_code
from ckanext.angiang.logic.input_validators import angiang_byte_size, angiang_max_length  # noqa: F401
from ckanext.angiang.logic.input_validators import is_empty as _empty
from ckanext.angiang.logic.input_validators import sibling as _sibling
from ckanext.angiang.metadata import formats, identifier, licenses, spatial, vocabularies

Invalid = tk.Invalid
_ = tk._

__all__ = [
    "angiang_name_from_title",
    "angiang_identifier_create",
    "angiang_identifier_update",
    "angiang_license_id",
    "angiang_default_from_agency",
    "angiang_no_state_secret",
    "angiang_boolean_output",
    "angiang_spatial_code",
    "angiang_spatial",
    "angiang_date_not_before",
    "angiang_default_today",
    "angiang_vocabulary",
    "angiang_vocabulary_list",
    "angiang_required_list",
    "angiang_resource_kind",
    "angiang_open_format",
    "angiang_media_type",
    "angiang_sha256",
    "angiang_http_url",
    "angiang_openapi_url",
    "angiang_resource_url",
    "angiang_email",
    "angiang_phone",
    "angiang_code",
    "angiang_agency_code_unique",
    "angiang_parent_agency",
    "angiang_list_output",
    "angiang_former_names",
    "angiang_catalogue_entry_code",
    "angiang_max_length",
    "angiang_byte_size",
]


# --- names and identifiers ----------------------------------------------------


def angiang_name_from_title(kind: str):
    """When ``name`` is empty, derive it from the title with Vietnamese
    transliteration ("Đất đai" -> ``dat-dai``), unique among datasets
    (``kind`` = ``dataset``) or agencies (``organization``). On update an
    empty name keeps the stored one."""

    def validator(key, data, errors, context):
        if not _empty(data.get(key)):
            return
        stored = context.get("package") if kind == "dataset" else context.get("group")
        if stored is not None and getattr(stored, "name", None):
            data[key] = stored.name
            return
        title = data.get(_sibling(key, "title"))
        if _empty(title):
            return  # not_empty reports the missing name; title reports its own

        if kind == "dataset":

            def exists(name):
                found = model.Session.query(model.Package.id).filter_by(name=name).first()
                return found is not None
        else:

            def exists(name):
                return model.Session.query(model.Group.id).filter_by(name=name).first() is not None

        data[key] = slug.unique_name(title, exists)

    return validator


def angiang_identifier_create(key, data, errors, context):
    """Art. 5.2a: the portal assigns the identifier. Only a sysadmin (the
    DIC, or a harvester running as the site user) may bring one, to restore
    or harvest a dataset that already has it, and only when no dataset,
    deleted ones included, holds it."""
    value = data.get(key)
    if _empty(value):
        data[key] = identifier.next_identifier()
        return
    if not authz.is_sysadmin(context.get("user")):
        raise Invalid(_("The identifier is assigned by the portal: leave it empty."))
    value = str(value).strip()
    if identifier.in_use(value):
        raise Invalid(
            _('The identifier "{identifier}" is already held by another dataset.').format(
                identifier=value
            )
        )
    data[key] = value


def angiang_identifier_update(key, data, errors, context):
    """The identifier never changes; an empty value keeps the stored one."""
    pkg = context.get("package")
    stored = (pkg.extras or {}).get("identifier") if pkg is not None else None
    value = data.get(key)
    if _empty(value):
        data[key] = stored or identifier.next_identifier()
    elif value != stored:
        raise Invalid(_("The identifier is assigned by the portal and cannot be changed."))


# --- licence (Art. 4) -----------------------------------------------------------


def angiang_license_id(key, data, errors, context):
    """Art. 4.4: every dataset names a licence from the portal's list."""
    value = data.get(key)
    if _empty(value):
        errors[key].append(_("Choose a licence: every dataset must state its licence (Art. 4)."))
        raise tk.StopOnError
    if licenses.get(value) is None:
        errors[key].append(
            _('Unknown licence "{licence}". Choose one of: {allowed}').format(
                licence=value, allowed=", ".join(licenses.register().keys())
            )
        )
        raise tk.StopOnError


# --- contact point, attestation ------------------------------------------------


def _owner_org(data, key) -> model.Group | None:
    value = data.get(_sibling(key, "owner_org"))
    if _empty(value):
        return None
    return model.Group.get(value)


def angiang_default_from_agency(agency_field: str):
    """An empty contact field takes the publisher agency's focal point."""

    def validator(key, data, errors, context):
        if not _empty(data.get(key)):
            return
        org = _owner_org(data, key)
        if org is not None and (org.extras or {}).get(agency_field):
            data[key] = org.extras[agency_field]

    return validator


_TRUE = ("true", "on", "yes", "1", "t", "y")


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in _TRUE


def angiang_no_state_secret(key, data, errors, context):
    """Art. 9.6: a dataset is public only when its provider attests that it
    holds no state secret. Stored as "true"/"false"."""
    value = data.get(key)
    attested = False if _empty(value) else _as_bool(value)
    data[key] = "true" if attested else "false"

    private = data.get(_sibling(key, "private"))
    if _empty(private):
        pkg = context.get("package")
        is_private = bool(pkg.private) if pkg is not None else False
    else:
        is_private = _as_bool(private)
    if not is_private and not attested:
        errors[key].append(
            _(
                "Confirm that the dataset contains no state secret before making it "
                "public (Art. 9.6), or keep it private."
            )
        )


def angiang_boolean_output(value):
    if isinstance(value, bool):
        return value
    return _as_bool(value) if value not in (missing, None, "") else False


# --- spatial and temporal coverage ---------------------------------------------


def angiang_spatial_code(key, data, errors, context):
    """The province or one of its 2025 wards/communes; empty means the whole
    province."""
    value = data.get(key)
    if _empty(value):
        data[key] = str(spatial.province_code())
        return
    value = str(value).strip()
    if spatial.unit(value) is None:
        raise Invalid(
            _('"{code}" is not a 2025 administrative unit of the province.').format(code=value)
        )
    data[key] = value


def angiang_spatial(key, data, errors, context):
    """``spatial`` (GeoJSON, read by ckanext-spatial) follows ``spatial_code``;
    without a code a supplied GeoJSON geometry is checked and kept."""
    code = data.get(_sibling(key, "spatial_code"))
    code = str(spatial.province_code()) if _empty(code) else str(code).strip()
    derived = spatial.geojson(code)
    if derived is not None:
        data[key] = derived
        return
    value = data.get(key)
    if _empty(value):
        return
    try:
        geom = spatial.check_geojson(value)
    except ValueError as e:
        raise Invalid(_("Not a valid GeoJSON geometry: {error}").format(error=e)) from e
    data[key] = json.dumps(geom)


def _to_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if _empty(value):
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def angiang_date_not_before(other: str):
    """This date may not be earlier than field ``other`` (e.g. the end of
    the temporal coverage after its start, modified after issued)."""

    def validator(key, data, errors, context):
        this = _to_date(data.get(key))
        before = _to_date(data.get(_sibling(key, other)))
        if this and before and this < before:
            if other == "temporal_start":
                errors[key].append(_("The end of the temporal coverage is before its start."))
            else:
                errors[key].append(_("The modification date is before the issue date."))

    return validator


def portal_today() -> datetime.date:
    """Today as the portal shows dates (``ckan.display_timezone``: the
    province's), not the server clock's day (UTC in containers: a dataset
    created before 07:00 in An Giang would get yesterday)."""
    zone = tk.config.get("ckan.display_timezone") or "UTC"
    if zone == "server":
        return datetime.date.today()
    return datetime.datetime.now(ZoneInfo(zone)).date()


def angiang_default_today(key, data, errors, context):
    if _empty(data.get(key)):
        data[key] = portal_today().isoformat()


# --- vocabularies -----------------------------------------------------------------


def _vocab_values(name: str) -> list[str]:
    if name == "spatial":
        return [u["value"] for u in spatial.units()]
    return vocabularies.values(name)


def angiang_vocabulary(name: str):
    """One value of vocabulary ``name`` (empty allowed; use ``not_empty``
    before it for required fields)."""

    def validator(value):
        if _empty(value):
            return value
        if value not in _vocab_values(name):
            raise Invalid(
                _('Unexpected value "{value}". Allowed: {allowed}').format(
                    value=value, allowed=", ".join(_vocab_values(name))
                )
            )
        return value

    return validator


def angiang_vocabulary_list(name: str, default: str = ""):
    """A list of values of vocabulary ``name`` (a list, a JSON list, a comma
    separated string or one value), stored as a JSON list."""

    def validator(key, data, errors, context):
        value = data.get(key)
        if _empty(value) or value == "[]":
            items = [default] if default else []
        elif isinstance(value, list):
            items = value
        elif isinstance(value, str) and value.strip().startswith("["):
            try:
                items = json.loads(value)
            except ValueError:
                errors[key].append(_("Expecting a list of values."))
                return
        else:
            items = [v.strip() for v in str(value).split(",")]
        items = [str(v).strip() for v in items if str(v).strip()]
        allowed = _vocab_values(name)
        bad = [v for v in items if v not in allowed]
        if bad:
            errors[key].append(
                _('Unexpected value "{value}". Allowed: {allowed}').format(
                    value=", ".join(bad), allowed=", ".join(allowed)
                )
            )
            return
        seen = []
        for v in items:
            if v not in seen:
                seen.append(v)
        data[key] = json.dumps(seen)

    return validator


def angiang_required_list(key, data, errors, context):
    if errors[key]:
        return
    if _empty(data.get(key)) or data.get(key) == "[]":
        errors[key].append(_("Select at least one value."))


def angiang_list_output(value):
    if isinstance(value, list):
        return value
    if _empty(value):
        return []
    try:
        out = json.loads(value)
        return out if isinstance(out, list) else [out]
    except ValueError:
        return [value]


# --- resources ------------------------------------------------------------------------


def angiang_resource_kind(key, data, errors, context):
    value = data.get(key)
    if _empty(value):
        data[key] = "file"
    elif value not in vocabularies.values("resource_kind"):
        raise Invalid(
            _('Unexpected value "{value}". Allowed: {allowed}').format(
                value=value, allowed=", ".join(vocabularies.values("resource_kind"))
            )
        )


def _allowed_formats_message(value: str) -> str:
    return _(
        '"{format}" is not an open format (Art. 5.3, Circular 39/2017/TT-BTTTT). '
        "Allowed formats: {allowed}"
    ).format(format=value, allowed=", ".join(formats.codes()))


def angiang_open_format(key, data, errors, context):
    """Art. 5.3: the format is one of the open formats; an empty format is
    guessed from the media type or the URL's extension, or ``REST`` for an
    API resource."""
    value = data.get(key)
    if _empty(value):
        guess = formats.from_media_type(data.get(_sibling(key, "mimetype")) or "")
        if not guess:
            url = str(data.get(_sibling(key, "url")) or "").split("?")[0].split("#")[0]
            last = url.rsplit("/", 1)[-1]
            if "." in last:
                guess = formats.normalise(last.rsplit(".", 1)[-1])
        if not guess and data.get(_sibling(key, "resource_kind")) == "api":
            guess = "REST"
        if not guess:
            errors[key].append(
                _("Give the format of the resource. Allowed formats: {allowed}").format(
                    allowed=", ".join(formats.codes())
                )
            )
            raise tk.StopOnError
        data[key] = guess
        return
    code = formats.normalise(str(value))
    if code is None:
        errors[key].append(_allowed_formats_message(str(value)))
        raise tk.StopOnError
    data[key] = code


_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$", re.I)


def angiang_media_type(key, data, errors, context):
    """An IANA media type (``type/subtype``); empty takes the format's first."""
    value = data.get(key)
    if _empty(value):
        return
    value = str(value).split(";")[0].strip()
    if not _MEDIA_TYPE.match(value):
        raise Invalid(
            _('"{value}" is not a media type (type/subtype, e.g. text/csv).').format(value=value)
        )
    data[key] = value.lower()


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def angiang_sha256(value):
    if _empty(value):
        return ""
    value = str(value).strip().lower()
    if value.startswith("sha256:"):
        value = value[len("sha256:") :]
    if not _SHA256.match(value):
        raise Invalid(_("A SHA-256 checksum is 64 hexadecimal characters."))
    return value


def _check_url(value: str) -> str:
    from urllib.parse import urlparse

    value = str(value).strip()
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise Invalid(_("Enter a full web address starting with http:// or https://."))
    return value


def angiang_http_url(value):
    if _empty(value):
        return value
    return _check_url(value)


# A resource's address becomes a link on the portal's pages and the target
# of its download redirect: only these schemes, or no scheme (the file name of
# an upload). javascript:, data:, file:, vbscript:... are refused.
_RESOURCE_URL_SCHEMES = ("http", "https", "ftp", "ftps")


def angiang_resource_url(value):
    """A resource URL: a web address or an uploaded file's name."""
    from urllib.parse import urlparse

    if _empty(value):
        return value
    scheme = urlparse(str(value).strip()).scheme.lower()
    if scheme and scheme not in _RESOURCE_URL_SCHEMES:
        raise Invalid(
            _(
                'Addresses starting with "{scheme}:" are not accepted: enter a web '
                "address starting with http:// or https://, or upload a file."
            ).format(scheme=scheme)
        )
    return value


def angiang_openapi_url(key, data, errors, context):
    """Art. 3.5, 8.3: an API resource in REST names its OpenAPI document."""
    value = data.get(key)
    if not _empty(value):
        data[key] = _check_url(value)
        return
    if data.get(_sibling(key, "resource_kind")) == "api" and formats.normalise(
        str(data.get(_sibling(key, "format")) or "")
    ) in (None, "REST"):
        errors[key].append(_("An API resource must give the address of its OpenAPI document."))
