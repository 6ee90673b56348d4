"""The demo's catalogue decision names every demo dataset's code with its
agency, in words the importer understands."""

import csv
import os

import ckan.tests.helpers as helpers
import pytest

from ckanext.angiang.catalogue import demo, words
from ckanext.angiang.demo import content


def _rows():
    with open(os.path.join(content.DEFAULT_DATA_DIR, demo.FILENAME), encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_every_demo_code_is_an_entry_of_its_agency():
    demo_content = content.read(None)
    agencies = {a.name: a.title for a in demo_content.agencies}
    entries = {r["Mã"]: r for r in _rows()}
    for d in demo_content.datasets:
        code = d.fields["catalogue_code"]
        assert entries[code]["Cơ quan chủ trì"] == agencies[d.agency], code
    for r in entries.values():
        assert words.frequency(r["Tần suất cập nhật"]) and words.due_date(r["Thời gian công bố"])
    assert len(entries) > len(demo_content.datasets)  # some entries not published yet


@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_the_demo_decision_is_imported_once(sysadmin):
    for row in {r["Cơ quan chủ trì"] for r in _rows()}:
        helpers.call_action(
            "organization_create",
            {"user": sysadmin["name"]},
            name=words.fold(row).replace(" ", "-")[:100],
            title=row,
            agency_level="provincial",
            focal_point_name="A",
            focal_point_position="B",
            focal_point_email="a@angiang.gov.vn",
            focal_point_phone="0296 3852 123",
        )
    assert demo.load(content.DEFAULT_DATA_DIR, sysadmin["name"]) is True
    assert demo.load(content.DEFAULT_DATA_DIR, sysadmin["name"]) is False
    assert len(helpers.call_action("angiang_catalogue_entry_list")) == len(_rows())
