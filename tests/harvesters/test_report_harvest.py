"""The six-month report's harvest figures (Art. 17.2, 8.3) from
ckanext-harvest's tables: sources, jobs in the half-year, jobs with errors."""

from __future__ import annotations

from ckanext.angiang.catalogue import period
from ckanext.angiang.catalogue.report import figures

from . import helpers
from .agency_api import AgencyAPI, record, source_config


def test_sources_jobs_and_failed_jobs_per_agency(agency):
    with AgencyAPI([record(1)]) as api:
        good = helpers.create_source(
            agency["id"],
            api.url,
            "angiang_openapi",
            source_config(with_snapshot=False),
            name="nguon-tot",
        )
        assert helpers.run_job(good)["gather_errors"] == []
    bad = helpers.create_source(
        agency["id"],
        f"http://127.0.0.1:{helpers.closed_port()}",
        "angiang_openapi",
        source_config(with_snapshot=False),
        name="nguon-loi",
    )
    assert helpers.run_job(bad)["gather_errors"]  # connection refused
    now = figures.harvest_figures(period.current())
    assert now[agency["id"]]["harvest_sources"] == 2
    assert now[agency["id"]]["harvest_jobs"] == 2
    assert now[agency["id"]]["harvest_failed_jobs"] == 1
    assert now[agency["id"]]["harvest_errors"] >= 1
    before = figures.harvest_figures(period.previous())
    assert before[agency["id"]]["harvest_sources"] == 2
    assert before[agency["id"]]["harvest_jobs"] == 0
