"""The data files of the model: vocabularies, open formats, 2025 units."""

import json

import pytest

from ckanext.angiang.metadata import formats, spatial, vocabularies


def test_eu_theme_and_frequency_uris():
    assert vocabularies.values("theme") == [
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
    ]
    assert (
        vocabularies.uri("theme", "AGRI")
        == "http://publications.europa.eu/resource/authority/data-theme/AGRI"
    )
    assert (
        vocabularies.uri("frequency", "ANNUAL_2")
        == "http://publications.europa.eu/resource/authority/frequency/ANNUAL_2"
    )
    for name in ("theme", "frequency", "language", "agency_level", "resource_kind"):
        for c in vocabularies.choices(name):
            assert c["label"]["vi"] and c["label"]["en"], (name, c)


def test_circular_39_formats_are_all_open():
    for code in [
        "XML",
        "JSON",
        "RDF",
        "GML",
        "CSV",
        "XLSX",
        "XLS",
        "ODS",
        "TXT",
        "RTF",
        "DOCX",
        "PDF",
        "DOC",
        "ODT",
        "JPEG",
        "GIF",
        "TIFF",
        "PNG",
        "REST",
        "OData",
        "WMS",
        "WFS",
    ]:
        assert formats.normalise(code) == code
    assert formats.normalise("SHP") is None
    assert formats.normalise("") is None
    assert formats.from_media_type("text/csv; charset=utf-8") == "CSV"
    assert formats.is_service("WFS") and not formats.is_service("CSV")


@pytest.mark.ckan_config("ckanext.angiang.province_code", 91)
def test_an_giang_2025_units():
    units = spatial.units()
    assert units[0] == {
        "value": "91",
        "label": {"vi": "Tỉnh An Giang", "en": "An Giang province"},
        "kind": "province",
    }
    names = {u["label"]["vi"] for u in units}
    # the 2025 province includes former Kiên Giang: Phú Quốc special zone, Rạch Giá ward
    assert (
        "Đặc khu Phú Quốc" in names and "Phường Rạch Giá" in names and "Phường Long Xuyên" in names
    )
    assert len(units) == 1 + 102
    assert spatial.unit("01001") is None  # a Hà Nội unit is not ours


@pytest.mark.ckan_config("ckanext.angiang.province_code", 91)
def test_geojson_extent_covers_the_province():
    geom = json.loads(spatial.geojson("91"))
    ring = geom["coordinates"][0]
    lons = [p[0] for p in ring]
    lats = [p[1] for p in ring]
    # Long Xuyên (105.43, 10.38), Phú Quốc (103.96, 10.23), Thổ Chu (103.46, 9.30)
    for lon, lat in [(105.43, 10.38), (103.96, 10.23), (103.46, 9.30)]:
        assert min(lons) <= lon <= max(lons) and min(lats) <= lat <= max(lats)
    assert ring[0] == ring[-1]
    # a ward without its own box uses the province's
    assert spatial.geojson("30307") == spatial.geojson("91")


@pytest.mark.parametrize(
    "value", ['{"type": "Feature"}', "not json", '{"type": "Point", "coordinates": [200, 10]}']
)
def test_bad_geojson(value):
    with pytest.raises(ValueError):
        spatial.check_geojson(value)
