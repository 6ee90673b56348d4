"""Controlled vocabularies used in the DCAT-AP 3 catalogue, and the mappings
between the portal's field values (docs/metadata-model.md) and their URIs.

DCAT-AP asks for the EU Publications Office authority tables (data themes,
frequencies, languages, file types, access rights), IANA media types, ADMS
publisher and licence types and SPDX checksum algorithms. The portal stores
short codes (``AGRI``, ``ANNUAL``, ``vi``, ``CSV``...); this module is the one
place that turns them into URIs and back.

Labels are given where the SHACL shapes need them: DCAT-AP 3.0.1 makes
``skos:prefLabel`` mandatory on every ``skos:Concept`` (themes, publisher and
licence types) and ``dct:title`` on every ``skos:ConceptScheme``.
"""

from __future__ import annotations

import re

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME = EU_AUTHORITY + "data-theme"
FREQUENCY = EU_AUTHORITY + "frequency"
LANGUAGE = EU_AUTHORITY + "language"
FILE_TYPE = EU_AUTHORITY + "file-type"
ACCESS_RIGHT = EU_AUTHORITY + "access-right"
PLANNED_AVAILABILITY = EU_AUTHORITY + "planned-availability"
COUNTRY = EU_AUTHORITY + "country"
IANA_MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
ADMS_LICENCE_TYPE = "http://purl.org/adms/licencetype/"
SPDX_SHA256 = "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
OPENAPI_SPEC = "https://spec.openapis.org/oas/"


def _code_from(namespace: str, uri: str) -> str | None:
    prefix = namespace.rstrip("/") + "/"
    if uri and uri.startswith(prefix):
        code = uri[len(prefix) :]
        return code or None
    return None


# --- Themes, frequencies, languages: the schema's vocabularies -----------------
# The portal's vocabularies (data/vocabularies.yaml, read by
# ckanext.angiang.metadata.vocabularies) give each value its EU URI and labels;
# they are the one place those live.


def _portal_vocabulary():
    from ckanext.angiang.metadata import vocabularies

    return vocabularies


def _uri(name: str, value: str) -> str | None:
    return _portal_vocabulary().uri(name, str(value)) if value else None


def _value(name: str, uri: str) -> str | None:
    for choice in _portal_vocabulary().choices(name):
        if choice.get("uri") == uri:
            return choice["value"]
    return None


def labels(name: str, value: str) -> dict[str, str]:
    for choice in _portal_vocabulary().choices(name):
        if choice["value"] == value:
            return dict(choice["label"])
    return {}


THEME_SCHEME_TITLE = {"en": "Data theme", "vi": "Chủ đề dữ liệu"}


def theme_uri(code: str) -> str:
    return _uri("theme", code) or f"{DATA_THEME}/{code}"


def theme_code(uri: str) -> str | None:
    """The portal's theme of an EU data-theme URI; None for other themes."""
    return _value("theme", uri)


def frequency_uri(code: str) -> str:
    return _uri("frequency", code) or f"{FREQUENCY}/{code}"


def frequency_code(uri: str) -> str | None:
    """The code of an EU frequency URI (the schema then checks it is one of
    the portal's); None for a URI outside the EU table."""
    return _value("frequency", uri) or _code_from(FREQUENCY, uri)


def language_uri(iso639_1: str) -> str | None:
    return _uri("language", (iso639_1 or "").strip().lower())


def language_code(uri: str) -> str | None:
    return _value("language", uri)


# --- File types (dct:format) and media types (dcat:mediaType) ------------------
# Codes of the EU file-type table that the portal's formats (the open formats
# of Circular 39/2017/TT-BTTTT, data/open_formats.yaml) and common aliases use.
FILE_TYPES = frozenset(
    {
        "7Z",
        "ATOM",
        "CSV",
        "DBF",
        "DOC",
        "DOCX",
        "GEOJSON",
        "GEOTIFF",
        "GIF",
        "GML",
        "GPKG",
        "GZIP",
        "HTML",
        "JPEG",
        "JSON",
        "JSON_LD",
        "KML",
        "KMZ",
        "N3",
        "NETCDF",
        "ODS",
        "ODT",
        "PDF",
        "PNG",
        "RAR",
        "RDF",
        "RDF_N_TRIPLES",
        "RDF_TURTLE",
        "RDF_XML",
        "REST",
        "RSS",
        "RTF",
        "SHP",
        "SPARQLQ",
        "SQL",
        "SVG",
        "TAR",
        "TIFF",
        "TSV",
        "TXT",
        "WCS_SRVC",
        "WFS_SRVC",
        "WMS_SRVC",
        "WMTS_SRVC",
        "XLS",
        "XLSX",
        "XML",
        "YAML",
        "ZIP",
    }
)
# Portal format labels (upper case) that are spelt differently in the table.
FORMAT_ALIASES = {
    "WMS": "WMS_SRVC",
    "WFS": "WFS_SRVC",
    "WCS": "WCS_SRVC",
    "WMTS": "WMTS_SRVC",
    "TTL": "RDF_TURTLE",
    "TURTLE": "RDF_TURTLE",
    "JSON-LD": "JSON_LD",
    "JSONLD": "JSON_LD",
    "RDF/XML": "RDF_XML",
    "NT": "RDF_N_TRIPLES",
    "N-TRIPLES": "RDF_N_TRIPLES",
    "JPG": "JPEG",
    "TIF": "TIFF",
    "API": "REST",
    "REST API": "REST",
    "SPARQL": "SPARQLQ",
    "ESRI SHAPEFILE": "SHP",
    "SHAPEFILE": "SHP",
}
# The label the portal stores for a table code, where it is not the code itself.
FILE_TYPE_LABELS = {
    "WMS_SRVC": "WMS",
    "WFS_SRVC": "WFS",
    "WCS_SRVC": "WCS",
    "WMTS_SRVC": "WMTS",
    "RDF_TURTLE": "TTL",
    "JSON_LD": "JSON-LD",
    "RDF_XML": "RDF",
    "RDF_N_TRIPLES": "NT",
    "GEOJSON": "GeoJSON",
    "SPARQLQ": "SPARQL",
}

# Open and structured formats: both non-proprietary and machine-readable.
_OPEN_STRUCTURED = frozenset(
    {
        "CSV",
        "TSV",
        "JSON",
        "GEOJSON",
        "JSON_LD",
        "XML",
        "RDF",
        "RDF_XML",
        "RDF_TURTLE",
        "RDF_N_TRIPLES",
        "RDF_N_QUADS",
        "RDF_TRIG",
        "N3",
        "ODS",
        "KML",
        "KMZ",
        "GML",
        "GPKG",
        "NETCDF",
        "DBF",
        "ATOM",
        "RSS",
        "WMS_SRVC",
        "WFS_SRVC",
        "WCS_SRVC",
        "WMTS_SRVC",
        "PARQUET",
        "YAML",
    }
)
# Non-proprietary formats: open specifications anyone may implement (MQA
# indicator "format non-proprietary"), after the data.europa.eu custom
# vocabulary of non-proprietary formats.
NON_PROPRIETARY = _OPEN_STRUCTURED | {
    "ODT",
    "TXT",
    "HTML",
    "ZIP",
    "GZIP",
    "TAR",
    "PNG",
    "TIFF",
    "RTF",
    "SVG",
}
# Machine-readable formats: structured so software can extract the data
# (MQA indicator "format machine-readable"); PDF, DOCX, images are not.
MACHINE_READABLE = _OPEN_STRUCTURED | {
    "XLSX",
    "XLS",
    "SHP",
    "SQL",
    "GEOTIFF",
    "SPARQLQ",
}


def file_type_code_for_format(fmt: str) -> str | None:
    """EU file-type code of a portal format label (``CSV``, ``WMS``...), or None."""
    if not fmt:
        return None
    value = fmt.strip()
    code = _code_from(FILE_TYPE, value)
    if code:
        return code
    key = value.upper().lstrip(".")
    code = FORMAT_ALIASES.get(key, key)
    return code if code in FILE_TYPES else None


def file_type_uri(fmt: str) -> str | None:
    code = file_type_code_for_format(fmt)
    return f"{FILE_TYPE}/{code}" if code else None


def file_type_code(uri: str) -> str | None:
    return _code_from(FILE_TYPE, uri)


def format_from_file_type_uri(uri: str) -> str | None:
    code = file_type_code(uri)
    if not code:
        return None
    return FILE_TYPE_LABELS.get(code, code)


def media_type_uri(mimetype: str) -> str | None:
    """``text/csv`` -> ``http://www.iana.org/assignments/media-types/text/csv``."""
    value = (mimetype or "").strip()
    if not value:
        return None
    if value.startswith(("http://", "https://")):
        marker = "iana.org/assignments/media-types/"
        if marker in value:
            return IANA_MEDIA_TYPES + value.split(marker, 1)[1]
        return None
    value = value.split(";", 1)[0].strip().lower()
    if value.count("/") != 1 or " " in value:
        return None
    return IANA_MEDIA_TYPES + value


def media_type_from_uri(uri: str) -> str | None:
    marker = "iana.org/assignments/media-types/"
    if uri and marker in uri:
        return uri.split(marker, 1)[1]
    if uri and uri.count("/") == 1 and not uri.startswith("http"):
        return uri
    return None


# --- Access rights (dct:accessRights) -----------------------------------------
ACCESS_RIGHT_PUBLIC = f"{ACCESS_RIGHT}/PUBLIC"
ACCESS_RIGHT_LABELS = {"en": "public", "vi": "công khai"}

# --- Planned availability (dcatap:availability) --------------------------------
AVAILABILITY: dict[str, str] = {
    "AVAILABLE": "available",
    "STABLE": "stable",
    "EXPERIMENTAL": "experimental",
    "TEMPORARY": "temporary",
}


def availability_uri(code: str) -> str:
    return f"{PLANNED_AVAILABILITY}/{code}"


# --- ADMS publisher types (dct:type of foaf:Agent) -----------------------------
PUBLISHER_TYPES: dict[str, str] = {
    "RegionalAuthority": "Regional authority",
    "LocalAuthority": "Local authority",
    "PublicBody": "Public body",
    "NationalAuthority": "National authority",
}
# agency_level (organization.yaml) -> publisher type. A province is a
# regional authority (NUTS-like level); commune-level People's Committees are
# local authorities; other state bodies are public bodies.
AGENCY_LEVEL_PUBLISHER_TYPE = {
    "provincial": "RegionalAuthority",
    "commune": "LocalAuthority",
    "other": "PublicBody",
}


def publisher_type_uri(code: str) -> str:
    return ADMS_PUBLISHER_TYPE + code


# --- ADMS licence types (dct:type of dct:LicenseDocument) -----------------------
LICENCE_TYPES: dict[str, str] = {
    "Attribution": "Attribution",
    "ShareAlike": "Share alike",
    "PublicDomain": "Public domain",
    "NonCommercialUse": "Non-commercial use only",
    "NoDerivativeWork": "No derivative work",
    "RoyaltiesRequired": "Royalties required",
    "UnknownIPR": "Unknown IPR",
}
_CC_TYPES = {
    "by": "Attribution",
    "sa": "ShareAlike",
    "nc": "NonCommercialUse",
    "nd": "NoDerivativeWork",
}


def licence_type_codes(license_id: str, license_url: str = "") -> list[str]:
    """ADMS licence types recognised from a licence URL (Creative Commons,
    Open Data Commons) or CKAN's usual ids; otherwise ``UnknownIPR``. The
    portal's licences state theirs (``adms_types`` in data/licenses.json,
    :func:`ckanext.angiang.metadata.licenses.facts`)."""
    url = (license_url or "").lower()
    lid = (license_id or "").lower()
    match = re.search(r"creativecommons\.org/licenses/([a-z-]+)/", url) or re.fullmatch(
        r"cc-((?:by|sa|nc|nd)(?:-(?:by|sa|nc|nd))*)(?:-[\d.]+)?", lid
    )
    if match:
        return [_CC_TYPES[part] for part in match.group(1).split("-") if part in _CC_TYPES]
    if "creativecommons.org/publicdomain/" in url or lid in ("cc-zero", "cc0", "cc0-1.0"):
        return ["PublicDomain"]
    if "opendatacommons.org/licenses/pddl" in url or lid in ("odc-pddl", "pddl-1.0"):
        return ["PublicDomain"]
    if "opendatacommons.org/licenses/odbl" in url or lid in ("odc-odbl", "odbl-1.0"):
        return ["Attribution", "ShareAlike"]
    if "opendatacommons.org/licenses/by" in url or lid in ("odc-by", "odc-by-1.0"):
        return ["Attribution"]
    return ["UnknownIPR"]


def licence_type_uri(code: str) -> str:
    return ADMS_LICENCE_TYPE + code
