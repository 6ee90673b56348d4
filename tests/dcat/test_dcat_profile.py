"""The angiang_dcat_ap profile on dataset dicts (Art. 5.2a, 7.7): every field
of the metadata model is written to DCAT-AP 3 and read back unchanged."""

import json

import pytest
from dcat_helpers import AGENCY_ID, full_dataset, parse, serialize
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from ckanext.angiang.dcat.profiles import CATALOGUE_CODE, DQV, OA, AngiangDCATAPProfile
from ckanext.dcat.profiles.base import (
    ADMS,
    DCAT,
    DCATAP,
    DCT,
    FOAF,
    GSP,
    LOCN,
    SCHEMA,
    SPDX,
    VCARD,
)

EU = "http://publications.europa.eu/resource/authority/"
DATASET_URI = URIRef("http://test.ckan.net/dataset/4f0c6b1e-7a52-4d3e-9b61-1f1e0c2a0001")
FILE_URI = URIRef(str(DATASET_URI) + "/resource/9d1c2b3a-0000-4a5b-8c6d-000000000010")
API_URI = URIRef(str(DATASET_URI) + "/resource/9d1c2b3a-0000-4a5b-8c6d-000000000011")

pytestmark = [
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "angiang_dcat_ap"),
    pytest.mark.usefixtures("dcat_plugins"),
]


def test_profile_is_registered_and_extends_dcat_ap_3():
    from importlib.metadata import entry_points

    from ckanext.dcat.profiles.euro_dcat_ap_3 import EuropeanDCATAP3Profile

    (ep,) = entry_points(group="ckan.rdf.profiles", name="angiang_dcat_ap")
    assert ep.load() is AngiangDCATAPProfile
    assert issubclass(AngiangDCATAPProfile, EuropeanDCATAP3Profile)


@pytest.mark.usefixtures("agency")
class TestSerialize:
    def test_text_fields_and_keywords_carry_the_language(self):
        g, ref = serialize(full_dataset())
        assert ref == DATASET_URI
        assert (ref, RDF.type, DCAT.Dataset) in g
        assert (
            ref,
            DCT.title,
            Literal("Dân số theo xã, phường tỉnh An Giang năm 2024", lang="vi"),
        ) in g
        assert (ref, DCT.description, Literal(full_dataset()["notes"], lang="vi")) in g
        keywords = set(g.objects(ref, DCAT.keyword))
        assert keywords == {
            Literal("dân số", lang="vi"),
            Literal("thống kê", lang="vi"),
            Literal("xã phường", lang="vi"),
        }

    def test_identifier_dates_and_landing_page(self):
        g, ref = serialize(full_dataset())
        assert (ref, DCT.identifier, Literal("AG-DS-2025-000123")) in g
        assert (ref, DCT.issued, Literal("2025-01-15", datatype=XSD.date)) in g
        assert (ref, DCT.modified, Literal("2025-06-30", datatype=XSD.date)) in g
        page = URIRef("http://test.ckan.net/dataset/dan-so-theo-xa-2024")
        assert (ref, DCAT.landingPage, page) in g
        assert (page, RDF.type, FOAF.Document) in g

    def test_codes_become_eu_vocabulary_uris(self):
        g, ref = serialize(full_dataset())
        themes = set(g.objects(ref, DCAT.theme))
        assert themes == {URIRef(EU + "data-theme/SOCI"), URIRef(EU + "data-theme/GOVE")}
        for theme in themes:
            assert (theme, RDF.type, SKOS.Concept) in g
            assert g.value(theme, SKOS.prefLabel) is not None
        assert g.value(ref, DCT.accrualPeriodicity) == URIRef(EU + "frequency/ANNUAL")
        assert (URIRef(EU + "frequency/ANNUAL"), RDF.type, DCT.Frequency) in g
        assert set(g.objects(ref, DCT.language)) == {
            URIRef(EU + "language/VIE"),
            URIRef(EU + "language/ENG"),
        }
        assert g.value(ref, DCT.accessRights) == URIRef(EU + "access-right/PUBLIC")

    def test_publisher_is_the_agency(self):
        g, ref = serialize(full_dataset())
        publisher = g.value(ref, DCT.publisher)
        assert publisher == URIRef(f"http://test.ckan.net/organization/{AGENCY_ID}")
        assert (publisher, RDF.type, FOAF.Organization) in g
        assert (publisher, FOAF.name, Literal("Sở Tài chính", lang="vi")) in g
        assert (publisher, DCT.identifier, Literal("000.00.15.H01")) in g
        assert (publisher, FOAF.mbox, URIRef("mailto:pvbinh.stc@angiang.gov.vn")) in g
        assert (publisher, FOAF.phone, URIRef("tel:+842973862555")) in g
        assert (publisher, FOAF.homepage, URIRef("https://sotaichinh.angiang.gov.vn")) in g
        assert g.value(publisher, DCT.type) == URIRef(
            "http://purl.org/adms/publishertype/RegionalAuthority"
        )

    def test_contact_point_is_a_vcard(self):
        g, ref = serialize(full_dataset())
        contact = g.value(ref, DCAT.contactPoint)
        assert (contact, RDF.type, VCARD.Kind) in g
        assert g.value(contact, VCARD.fn) == Literal("Nguyễn Thị Lan")
        assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:ntlan.stc@angiang.gov.vn")
        telephone = g.value(contact, VCARD.hasTelephone)
        assert g.value(telephone, VCARD.hasValue) == URIRef("tel:+842963852123")

    def test_contact_point_defaults_to_the_agency_focal_point(self):
        dataset = full_dataset()
        for key in ("contact_name", "contact_email", "contact_phone"):
            dataset.pop(key)
        g, ref = serialize(dataset)
        contact = g.value(ref, DCAT.contactPoint)
        assert g.value(contact, VCARD.fn) == Literal("Phạm Văn Bình")
        assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:pvbinh.stc@angiang.gov.vn")

    def test_spatial_is_the_administrative_unit_with_its_extent(self):
        g, ref = serialize(full_dataset())
        location = g.value(ref, DCT.spatial)
        assert location == URIRef("http://test.ckan.net/spatial/91")
        assert (location, RDF.type, DCT.Location) in g
        assert (location, SKOS.prefLabel, Literal("Tỉnh An Giang", lang="vi")) in g
        assert g.value(location, DCT.identifier) == Literal("91")
        # No locn:geometry node: ckanext-dcat's stock parser fails on one
        # (location.py); the extent is the bbox, as the shapes and it accept.
        assert g.value(location, LOCN.geometry) is None
        assert g.value(location, DCAT.bbox) == Literal(
            "POLYGON((103.4 9.2, 105.6 9.2, 105.6 11.0, 103.4 11.0, 103.4 9.2))",
            datatype=GSP.wktLiteral,
        )
        lon, lat = str(g.value(location, DCAT.centroid))[6:-1].split()
        assert (round(float(lon), 6), round(float(lat), 6)) == (104.5, 10.1)

    def test_temporal_coverage(self):
        g, ref = serialize(full_dataset())
        period = g.value(ref, DCT.temporal)
        assert g.value(period, DCAT.startDate) == Literal("2024-01-01", datatype=XSD.date)
        assert g.value(period, DCAT.endDate) == Literal("2024-12-31", datatype=XSD.date)
        # Also as schema.org, the only form ckanext-dcat's DCAT-AP 1 profile reads.
        assert g.value(period, SCHEMA.startDate) == Literal("2024-01-01", datatype=XSD.date)
        assert g.value(period, SCHEMA.endDate) == Literal("2024-12-31", datatype=XSD.date)

    def test_contact_point_is_a_uri_shared_with_the_data_service(self):
        """A blank node referenced by the dataset and its data service lost
        its properties in RDF/XML; the contact point is a URI."""
        g, ref = serialize(full_dataset())
        contact = g.value(ref, DCAT.contactPoint)
        assert contact == URIRef(f"{ref}#contact-point")
        assert g.value(URIRef(str(API_URI) + "#service"), DCAT.contactPoint) == contact

    def test_quality_standard_and_catalogue_code(self):
        g, ref = serialize(full_dataset())
        annotation = g.value(ref, DQV.hasQualityAnnotation)
        assert g.value(annotation, OA.motivatedBy) == DQV.qualityAssessment
        body = g.value(annotation, OA.hasBody)
        assert str(g.value(body, RDF.value)).startswith("Số liệu do Thống kê tỉnh")
        # Both are URIs a stock parser reads as such (a blank node comes out
        # as a random id): the standard named by text gets a stable one.
        standard = g.value(ref, DCT.conformsTo)
        assert isinstance(standard, URIRef)
        assert str(standard).startswith(
            "https://opendata.angiang.gov.vn/ns/standard/thong-tu-06-2022"
        )
        assert (standard, RDF.type, DCT.Standard) in g
        assert str(g.value(standard, RDFS.label)).startswith("Thông tư 06/2022")
        identifier = g.value(ref, ADMS.identifier)
        assert identifier == URIRef("https://opendata.angiang.gov.vn/ns/catalogue-code/DLM.TC.09")
        assert (identifier, RDF.type, ADMS.Identifier) in g
        assert g.value(identifier, SKOS.notation) == Literal("DLM.TC.09", datatype=CATALOGUE_CODE)
        # The same text, the same URI, in every export.
        again, again_ref = serialize(full_dataset())
        assert again.value(again_ref, DCT.conformsTo) == standard

    def test_file_distribution(self):
        g, ref = serialize(full_dataset())
        assert (ref, DCAT.distribution, FILE_URI) in g
        url = URIRef(full_dataset()["resources"][0]["url"])
        assert g.value(FILE_URI, DCAT.accessURL) == url
        assert g.value(FILE_URI, DCAT.downloadURL) == url
        assert g.value(FILE_URI, DCT["format"]) == URIRef(EU + "file-type/CSV")
        assert g.value(FILE_URI, DCAT.mediaType) == URIRef(
            "http://www.iana.org/assignments/media-types/text/csv"
        )
        assert g.value(FILE_URI, DCAT.byteSize) == Literal(12345, datatype=XSD.nonNegativeInteger)
        checksum = g.value(FILE_URI, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == URIRef(
            "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"
        )
        assert str(g.value(checksum, SPDX.checksumValue)) == full_dataset()["resources"][0]["hash"]
        assert g.value(FILE_URI, DCATAP.availability) == URIRef(
            EU + "planned-availability/AVAILABLE"
        )

    def test_every_distribution_carries_the_licence(self):
        """Art. 4.5: the licence is shown wherever the data is obtained."""
        g, ref = serialize(full_dataset())
        licence = URIRef("https://creativecommons.org/licenses/by/4.0/")
        for distribution in (FILE_URI, API_URI):
            assert g.value(distribution, DCT.license) == licence
            assert g.value(distribution, DCT.rights) is not None
        assert (licence, RDF.type, DCT.LicenseDocument) in g
        assert g.value(licence, DCT.type) == URIRef("http://purl.org/adms/licencetype/Attribution")

    def test_statutory_licence_is_a_page_of_the_portal(self):
        dataset = full_dataset()
        dataset["license_id"] = "vn-nd47-2020-dieu-18"
        g, _ref = serialize(dataset)
        licence = g.value(FILE_URI, DCT.license)
        assert licence == URIRef("http://test.ckan.net/licenses/vn-nd47-2020-dieu-18")
        assert str(g.value(licence, DCT.title)).startswith("Điều khoản sử dụng dữ liệu mở")
        # its ADMS type comes from the licence register (data/licenses.json)
        assert set(g.objects(licence, DCT.type)) == {
            URIRef("http://purl.org/adms/licencetype/Attribution")
        }

    def test_an_agency_licence_gets_its_types_and_rights_from_the_register(self):
        """A licence added with angiang_license_create is described like the
        portal's own: ADMS types recognised from its URL, rights statement."""
        from ckan.tests import factories
        from ckan.tests import helpers as ckan_helpers

        sysadmin = factories.Sysadmin()
        ckan_helpers.call_action(
            "angiang_license_create",
            {"user": sysadmin["name"], "ignore_auth": False},
            id="ag-by-sa-2025",
            title_vi="Giấy phép ghi công - chia sẻ tương tự của Sở",
            url="https://creativecommons.org/licenses/by-sa/4.0/",
        )
        dataset = full_dataset()
        dataset["license_id"] = "ag-by-sa-2025"
        g, _ref = serialize(dataset)
        licence = g.value(FILE_URI, DCT.license)
        assert set(g.objects(licence, DCT.type)) == {
            URIRef("http://purl.org/adms/licencetype/Attribution"),
            URIRef("http://purl.org/adms/licencetype/ShareAlike"),
        }
        labels = {
            label.language: str(label)
            for label in g.objects(g.value(FILE_URI, DCT.rights), RDFS.label)
        }
        assert labels["vi"].endswith(
            "sử dụng theo giấy phép: Giấy phép ghi công - chia sẻ tương tự của Sở"
        )
        assert "Decision 62/2024" in labels["en"]

    def test_an_identifier_that_looks_like_a_url_stays_a_literal(self):
        dataset = full_dataset()
        dataset["identifier"] = "https://data.angiang.gov.vn/id/dan-so-2025"
        g, ref = serialize(dataset)
        (identifier,) = g.objects(ref, DCT.identifier)
        assert identifier == Literal("https://data.angiang.gov.vn/id/dan-so-2025")

    def test_api_resource_is_a_data_service(self):
        """Art. 5.2b, 8.3: an API is a dcat:DataService described by OpenAPI."""
        g, ref = serialize(full_dataset())
        service = g.value(API_URI, DCAT.accessService)
        assert (service, RDF.type, DCAT.DataService) in g
        assert g.value(service, DCAT.endpointURL) == URIRef(
            "https://api.angiang.gov.vn/opendata/dan-so"
        )
        assert g.value(service, DCAT.endpointDescription) == URIRef(
            "https://api.angiang.gov.vn/opendata/dan-so/openapi.json"
        )
        assert g.value(service, DCAT.servesDataset) == ref
        assert g.value(service, DCT.publisher) == g.value(ref, DCT.publisher)
        assert g.value(API_URI, DCAT.downloadURL) is None
        assert g.value(API_URI, DCT["format"]) == URIRef(EU + "file-type/REST")

    def test_identifier_is_a_literal_even_when_it_is_a_url(self):
        dataset = full_dataset()
        dataset["identifier"] = "https://data.other.example/id/123"
        g, ref = serialize(dataset)
        assert list(g.objects(ref, DCT.identifier)) == [
            Literal("https://data.other.example/id/123")
        ]

    def test_private_dataset_is_not_declared_public(self):
        dataset = full_dataset()
        dataset["private"] = True
        g, ref = serialize(dataset)
        assert g.value(ref, DCT.accessRights) is None


@pytest.mark.usefixtures("agency")
class TestParse:
    def test_every_field_comes_back(self):
        original = full_dataset()
        g, _ref = serialize(original)
        (parsed,) = parse(g.serialize(format="turtle"))

        for key in (
            "name",
            "title",
            "notes",
            "identifier",
            "owner_org",
            "issued",
            "modified",
            "spatial_code",
            "temporal_start",
            "temporal_end",
            "frequency",
            "quality_statement",
            "conforms_to",
            "contact_name",
            "contact_email",
            "contact_phone",
            "license_id",
            "catalogue_code",
            "no_state_secret",
        ):
            assert parsed[key] == original[key], key
        assert sorted(parsed["theme"]) == sorted(original["theme"])
        assert sorted(parsed["language"]) == sorted(original["language"])
        assert sorted(t["name"] for t in parsed["tags"]) == sorted(
            t["name"] for t in original["tags"]
        )
        assert json.loads(parsed["spatial"]) == json.loads(original["spatial"])
        assert {"key": "uri", "value": str(DATASET_URI)} in parsed["extras"]

        by_name = {r["name"]: r for r in parsed["resources"]}
        for res in original["resources"]:
            back = by_name[res["name"]]
            for key in ("description", "url", "resource_kind", "format", "mimetype", "language"):
                assert back[key] == res[key], (res["name"], key)
            for key in ("size", "hash", "openapi_url"):
                assert back.get(key) == res.get(key), (res["name"], key)
            # Nothing outside the metadata model (the harvester stores what it gets).
            assert set(back) <= {
                "name",
                "description",
                "url",
                "resource_kind",
                "openapi_url",
                "format",
                "mimetype",
                "size",
                "hash",
                "language",
                "uri",
            }

    def test_publisher_maps_to_the_local_agency_by_code(self):
        original = full_dataset()
        g, _ref = serialize(original)
        turtle = g.serialize(format="turtle")
        # Another CKAN: same agency code, another id and name.
        from ckan import model

        group = model.Group.get(AGENCY_ID)
        group.name, group.title = "stc-an-giang", "Sở Tài chính tỉnh An Giang"
        model.Session.commit()
        (parsed,) = parse(turtle)
        assert parsed["owner_org"] == AGENCY_ID

    def test_name_is_not_taken_from_another_dataset(self):
        from ckan import model

        model.Session.add(model.Package(name="dan-so-theo-xa-2024", title="Khác", type="dataset"))
        model.Session.commit()
        g, _ref = serialize(full_dataset())
        (parsed,) = parse(g.serialize(format="turtle"))
        assert "name" not in parsed

    def test_reads_geometry_literals_and_ignores_unknown_themes(self):
        """Other catalogues (ckanext-dcat's stock output) put WKT literals
        directly on locn:geometry and use their own theme URIs."""
        turtle = """
        @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
        @prefix locn: <http://www.w3.org/ns/locn#> . @prefix gsp: <http://www.opengis.net/ont/geosparql#> .
        <http://other.example/dataset/1> a dcat:Dataset ; dct:title "Other" ;
            dct:description "d" ;
            dcat:theme <http://other.example/themes/roads>,
                <http://publications.europa.eu/resource/authority/data-theme/TRAN> ;
            dct:spatial [ a dct:Location ;
                locn:geometry "POINT (105.1 10.4)"^^gsp:wktLiteral ] .
        """
        (parsed,) = parse(turtle)
        assert parsed["theme"] == ["TRAN"]
        assert json.loads(parsed["spatial"]) == {"type": "Point", "coordinates": [105.1, 10.4]}
        assert parsed["no_state_secret"] is False
        assert "spatial_code" not in parsed


@pytest.mark.usefixtures("agency")
def test_blank_node_distribution_keeps_an_empty_uri():
    """ckanext-dcat's harvester matches resources by ``uri`` when it updates
    a dataset; its parsers always give the key ("" for a blank node)."""
    turtle = """
    @prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <http://other.example/dataset/2> a dcat:Dataset ; dct:title "Other" ; dct:description "d" ;
        dcat:distribution [ a dcat:Distribution ; dct:title "file" ;
            dcat:downloadURL <http://other.example/f.csv> ] ,
            <http://other.example/dataset/2/r> .
    <http://other.example/dataset/2/r> a dcat:Distribution ; dct:title "named" ;
        dcat:downloadURL <http://other.example/g.csv> .
    """
    (parsed,) = parse(turtle)
    uris = {r["url"]: r["uri"] for r in parsed["resources"]}
    assert uris == {
        "http://other.example/f.csv": "",
        "http://other.example/g.csv": "http://other.example/dataset/2/r",
    }
