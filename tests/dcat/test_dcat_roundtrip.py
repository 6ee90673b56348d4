"""Round trip (Art. 7.7): the catalogue exported as Turtle, the database
reset, the Turtle served by a web server on 127.0.0.1 and harvested back
with ckanext-dcat's own DCAT RDF harvester and the angiang_dcat_ap profile:
every field of every public dataset comes back equal."""

import pytest
import rdflib
from ckan.tests import helpers
from dcat_helpers import CatalogueServer, create_agency, create_dataset

SITE = "http://test.ckan.net"
HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")

pytestmark = [
    pytest.mark.slow,  # the whole demo catalogue exported and harvested back
    pytest.mark.ckan_config("ckanext.dcat.datasets_per_page", "2"),
    pytest.mark.usefixtures("harvest_plugins"),
]


def export_catalogue(app) -> dict[str, bytes]:
    """Every page of /catalog.ttl, by path and query, as served."""
    pages, url = {}, "/catalog.ttl"
    while url:
        body = app.get(url).data
        pages[url] = body
        g = rdflib.Graph()
        g.parse(data=body, format="turtle")
        next_page = next(g.objects(None, HYDRA.next), None)
        url = str(next_page)[len(SITE) :] if next_page else None
    return pages


def schema_fields():
    schema = helpers.call_action("scheming_dataset_schema_show", type="dataset")
    dataset = [f["field_name"] for f in schema["dataset_fields"]]
    resource = [f["field_name"] for f in schema["resource_fields"]]
    return dataset, resource


def _value(value):
    # An empty field is empty whether stored as "" or absent; DCAT lists are
    # sets (RDF keeps no order), so lists compare by their members.
    if value in ("", None, []):
        return None
    if isinstance(value, list):
        return sorted(value)
    return value


def comparable(dataset: dict, agency_codes: dict) -> dict:
    """The schema fields of a dataset; the agency by its code (ids differ
    between the two databases), tags by name."""
    dataset_fields, resource_fields = schema_fields()
    out = {}
    for field in dataset_fields:
        if field == "owner_org":
            out["agency_code"] = agency_codes[dataset["owner_org"]]
        elif field == "tag_string":
            out["tags"] = sorted(t["name"] for t in dataset["tags"])
        else:
            out[field] = _value(dataset.get(field))
    out["resources"] = sorted(
        ({f: _value(r.get(f)) for f in resource_fields} for r in dataset["resources"]),
        key=lambda r: r["name"],
    )
    return out


def test_catalogue_harvested_back_is_equal(app, clean_db, reset_db_with_migrations):
    from ckanext.dcat.harvesters import DCATRDFHarvester
    from ckanext.harvest.tests.factories import HarvestJobObj, HarvestSourceObj
    from ckanext.harvest.tests.lib import run_harvest_job

    agency = create_agency()
    other = create_agency(
        title="Ủy ban nhân dân phường Long Xuyên",
        name="ubnd-phuong-long-xuyen",
        agency_code="000.30.35.H01",
        agency_level="commune",
        focal_point_email="ubnd.longxuyen@angiang.gov.vn",
    )
    originals = [
        create_dataset(agency),
        create_dataset(
            agency,
            title="Giá đất nông nghiệp 2025",
            theme=["AGRI", "ECON"],
            frequency="QUARTERLY",
            language=["vi"],
            license_id="vn-nd47-2020-dieu-18",
            tags=[{"name": "giá đất"}, {"name": "nông nghiệp"}],
            conforms_to="https://www.opengis.net/def/crs/EPSG/0/4326",
        ),
        create_dataset(
            other,
            title="Chợ và siêu thị phường Long Xuyên",
            spatial_code="30307",
            theme=["ECON"],
            language=["vi", "km"],
            catalogue_code="",
            contact_name="",
            contact_email="",
            contact_phone="",
        ),
    ]
    create_dataset(agency, title="Dữ liệu nội bộ không công bố", private=True)
    originals = [helpers.call_action("package_show", id=d["id"]) for d in originals]
    codes = {agency["id"]: agency["agency_code"], other["id"]: other["agency_code"]}
    expected = {d["identifier"]: comparable(d, codes) for d in originals}

    pages = export_catalogue(app)
    assert len(pages) == 2  # 3 public datasets, 2 a page: Hydra paging is exercised

    # A fresh database: the same agencies (other ids), no dataset.
    reset_db_with_migrations()
    agency = create_agency()
    other = create_agency(
        title="UBND phường Long Xuyên",
        name="ubnd-long-xuyen",
        agency_code="000.30.35.H01",
        agency_level="commune",
        focal_point_email="ubnd.longxuyen@angiang.gov.vn",
    )
    codes = {agency["id"]: agency["agency_code"], other["id"]: other["agency_code"]}
    assert helpers.call_action("package_search", include_private=True)["count"] == 0

    with CatalogueServer({path: (body, "text/turtle") for path, body in pages.items()}) as server:
        # The source belongs to one agency; each dataset goes to its own
        # publisher's agency (matched by agency code).
        source = HarvestSourceObj(
            url=f"{server.url}/catalog.ttl", source_type="dcat_rdf", owner_org=agency["id"]
        )
        job = HarvestJobObj(source=source, run=False)
        results = run_harvest_job(job, DCATRDFHarvester())
        # A second run takes the harvester's update path (resources matched
        # by ``uri``, which the profile always gives).
        again = run_harvest_job(HarvestJobObj(source=source, run=False), DCATRDFHarvester())
    assert {guid: r["errors"] for guid, r in again.items() if r["errors"]} == {}
    assert set(again) == set(results)
    assert {r["report_status"] for r in again.values()} == {"updated"}

    errors = {guid: r["errors"] for guid, r in results.items() if r["errors"]}
    assert errors == {}
    harvested = [r["dataset"] for r in results.values()]
    assert len(harvested) == 3
    got = {d["identifier"]: comparable(d, codes) for d in harvested}
    assert got == expected
