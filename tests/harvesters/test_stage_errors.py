"""The stages of every portal harvester are template methods of
``AngiangHarvesterBase``: whatever a stage raises becomes a recorded,
bilingual gather or object error and the consumer carries on; the
configuration of the remote harvesters is checked by their stock harvester
and then by the portal's rules."""

from __future__ import annotations

import json

import ckan.model as model
import pytest

from ckanext.harvest import queue
from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
)

from . import helpers
from .agency_api import source_config

SOURCES = {
    "angiang_openapi": ("http://127.0.0.1:9/", source_config()),
    "angiang_ckan": ("http://127.0.0.1:9/", {"max_retries": 0}),
    "angiang_dcat_rdf": ("http://127.0.0.1:9/catalog.ttl", {"max_retries": 0}),
}
GATHER_MESSAGES = {
    "angiang_openapi": "Unexpected error while gathering: ",
    "angiang_ckan": "Unexpected error while gathering from CKAN: ",
    "angiang_dcat_rdf": "Unexpected error while gathering the DCAT catalogue: ",
}


def _job(agency, source_type):
    url, config = SOURCES[source_type]
    source = helpers.create_source(
        agency["id"], url, source_type, config, name=source_type.replace("_", "-")
    )
    job = HarvestJob(source_id=source["id"])
    job.save()
    return queue.get_harvester(source_type), job


@pytest.mark.parametrize("source_type", sorted(SOURCES))
def test_a_gather_that_raises_is_a_recorded_error(agency, source_type, monkeypatch):
    harvester, job = _job(agency, source_type)

    def broken(harvest_job):
        raise RuntimeError("lỗi thử nghiệm")

    monkeypatch.setattr(harvester, "_gather", broken)
    assert harvester.gather_stage(job) is None
    (message,) = [
        e.message
        for e in model.Session.query(HarvestGatherError).filter(
            HarvestGatherError.harvest_job_id == job.id
        )
    ]
    assert GATHER_MESSAGES[source_type] in message and "lỗi thử nghiệm" in message
    assert message.startswith("Lỗi không mong đợi khi thu thập")


@pytest.mark.parametrize("source_type", ["angiang_openapi", "angiang_dcat_rdf"])
def test_content_that_breaks_the_import_is_a_recorded_object_error(agency, source_type):
    harvester, job = _job(agency, source_type)
    obj = HarvestObject(guid="listDatasets/1", job=job, content="{not json")
    obj.save()
    assert harvester.import_stage(obj) is False
    errors = [
        (e.stage, e.message)
        for e in model.Session.query(HarvestObjectError).filter(
            HarvestObjectError.harvest_object_id == obj.id
        )
    ]
    assert len(errors) == 1
    stage, message = errors[0]
    assert stage == "Import"
    assert message.startswith("Lỗi không mong đợi khi nhập: ")
    assert " / Unexpected error while importing: " in message


def test_content_that_breaks_the_fetch_is_a_recorded_object_error(agency):
    harvester, job = _job(agency, "angiang_openapi")
    obj = HarvestObject(guid="listDatasets/1", job=job, content="{not json")
    obj.save()
    assert harvester.fetch_stage(obj) is False
    ((stage, message),) = [
        (e.stage, e.message)
        for e in model.Session.query(HarvestObjectError).filter(
            HarvestObjectError.harvest_object_id == obj.id
        )
    ]
    assert stage == "Fetch" and "Unexpected error while fetching" in message


@pytest.mark.parametrize(
    "source_type, stock_error",
    [
        ("angiang_ckan", {"api_version": "hai"}),
        ("angiang_dcat_rdf", {"rdf_format": 3}),
    ],
)
def test_remote_configurations_are_checked_by_the_stock_harvester_then_ours(
    harvest_env, source_type, stock_error
):
    harvester = queue.get_harvester(source_type)
    good = {"defaults": {"license_id": "CC-BY-4.0"}, "private": True, "timeout": 5}
    assert json.loads(harvester.validate_config(json.dumps(good))) == good
    with pytest.raises(ValueError):
        harvester.validate_config(json.dumps(dict(good, **stock_error)))
    with pytest.raises(ValueError) as e:
        harvester.validate_config(
            json.dumps({"defaults": {"mau_sac": "xanh"}, "timeout": 0, "private": "có"})
        )
    text = str(e.value)
    assert "defaults.mau_sac" in text and "timeout" in text and "private" in text
