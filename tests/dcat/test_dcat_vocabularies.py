"""Codes of the metadata model <-> vocabulary URIs of DCAT-AP."""

import pytest

from ckanext.angiang.dcat import geo
from ckanext.angiang.dcat import vocabularies as voc

EU = "http://publications.europa.eu/resource/authority/"


@pytest.mark.parametrize(
    "fmt,uri,back",
    [
        ("CSV", EU + "file-type/CSV", "CSV"),
        ("csv", EU + "file-type/CSV", "CSV"),
        ("XLSX", EU + "file-type/XLSX", "XLSX"),
        ("RDF", EU + "file-type/RDF", "RDF"),
        ("REST", EU + "file-type/REST", "REST"),
        ("WMS", EU + "file-type/WMS_SRVC", "WMS"),
        ("TTL", EU + "file-type/RDF_TURTLE", "TTL"),
        ("OData", None, None),  # not in the EU table
    ],
)
def test_formats_and_file_types(fmt, uri, back):
    assert voc.file_type_uri(fmt) == uri
    if uri:
        assert voc.format_from_file_type_uri(uri) == back


def test_media_types_are_iana_uris():
    assert voc.media_type_uri("text/csv") == "http://www.iana.org/assignments/media-types/text/csv"
    assert (
        voc.media_type_uri("Text/CSV; charset=utf-8")
        == "http://www.iana.org/assignments/media-types/text/csv"
    )
    assert voc.media_type_uri("not a type") is None
    assert (
        voc.media_type_from_uri("https://www.iana.org/assignments/media-types/application/json")
        == "application/json"
    )


def test_portal_vocabularies_give_the_eu_uris():
    assert voc.theme_uri("AGRI") == EU + "data-theme/AGRI"
    assert voc.theme_code(EU + "data-theme/AGRI") == "AGRI"
    assert voc.theme_code("http://other.example/theme/AGRI") is None
    assert voc.frequency_code(voc.frequency_uri("ANNUAL")) == "ANNUAL"
    assert voc.language_uri("vi") == EU + "language/VIE"
    assert voc.language_code(EU + "language/KHM") == "km"
    assert voc.labels("theme", "AGRI")["en"] == "Agriculture, fisheries, forestry and food"


@pytest.mark.parametrize(
    "license_id,url,types",
    [
        ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/", ["Attribution"]),
        ("CC0-1.0", "https://creativecommons.org/publicdomain/zero/1.0/", ["PublicDomain"]),
        (
            "ODbL-1.0",
            "https://opendatacommons.org/licenses/odbl/1-0/",
            ["Attribution", "ShareAlike"],
        ),
        (
            "x",
            "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            ["Attribution", "NonCommercialUse", "NoDerivativeWork"],
        ),
        ("giay-phep-cua-so", "https://so.angiang.gov.vn/giay-phep", ["UnknownIPR"]),
    ],
)
def test_licence_types(license_id, url, types):
    assert voc.licence_type_codes(license_id, url) == types


def test_the_portal_licences_state_their_facts():
    """data/licenses.json is where licence facts live: each licence's ADMS
    types and rights statement, used as they are by the catalogue."""
    import json

    from ckanext.angiang.metadata import licenses

    with open(licenses.DEFAULT_FILE, encoding="utf-8") as f:
        portal = {lic["id"]: lic for lic in json.load(f)}
    assert portal["vn-nd47-2020-dieu-18"]["adms_types"] == ["Attribution"]
    # no URL pattern would recognise the statutory terms: the file says it
    assert voc.licence_type_codes("vn-nd47-2020-dieu-18", "/licenses/vn-nd47-2020-dieu-18") == [
        "UnknownIPR"
    ]
    for lic in portal.values():
        facts = licenses.facts(lic)
        assert facts["adms_types"] == lic["adms_types"]
        assert set(facts["adms_types"]) <= set(voc.LICENCE_TYPES) - {"UnknownIPR"}
        assert facts["rights_vi"] == lic["rights_vi"] and lic["title"] in lic["rights_vi"]
        assert facts["rights_en"] == lic["rights_en"] and "Decision 62/2024" in lic["rights_en"]


def test_administrative_units_and_geometry():
    assert geo.admin_unit("91")["name"] == "Tỉnh An Giang"
    assert geo.admin_unit("30307")["name"] == "Phường Long Xuyên, Tỉnh An Giang"
    assert geo.admin_unit("99999") is None
    square = {"type": "Polygon", "coordinates": [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]]}
    assert geo.bbox(square) == (0, 0, 2, 2)
    assert geo.centroid(square) == pytest.approx((1, 1))
    # An L shape: the centroid is not the middle of its box.
    ell = {
        "type": "Polygon",
        "coordinates": [[[0, 0], [3, 0], [3, 1], [1, 1], [1, 3], [0, 3], [0, 0]]],
    }
    assert geo.centroid(ell) == pytest.approx((1.1, 1.1))
    assert geo.from_wkt(geo.to_wkt(square)) == square
