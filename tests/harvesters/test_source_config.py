"""The angiang_openapi source configuration: validated, with clear errors
(each with its JSON path, in Vietnamese and English)."""

from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
import pytest

from ckanext.angiang.harvesters import source_config

from . import helpers
from .agency_api import source_config as good_config


def _errors(config) -> dict:
    with pytest.raises(source_config.ConfigErrors) as e:
        source_config.parse(
            config if isinstance(config, str) else json.dumps(config), check_licenses=False
        )
    return {path: (vi, en) for path, vi, en in e.value.errors}


def test_a_good_configuration_passes():
    config = good_config()
    assert source_config.parse(json.dumps(config), check_licenses=False) == config


def test_not_json_says_where():
    ((vi, en),) = _errors('{"openapi_url": "x",}').values()
    assert "line 1, column 21" in en and "dòng 1, cột 21" in vi


def test_every_problem_is_reported_with_its_path():
    config = good_config()
    config["api_key"] = {"header": "X API Key", "value": ""}
    config["private"] = "no"
    config["defaults"]["theme"] = {"ma": "ENVI"}
    config["defaults"]["mau_sac"] = "xanh"
    config["timeout"] = 0
    entry = config["datasets"][0]
    entry["pagination"] = {"style": "cursor"}
    entry["fields"] = {"name": "ma", "notes": 5}
    entry["snapshot"]["max_rows"] = 0
    config["datasets"].append(dict(entry))
    errors = _errors(config)
    assert set(errors) == {
        "api_key.header",
        "api_key.value",
        "private",
        "defaults.theme",
        "defaults.mau_sac",
        "timeout",
        "datasets[0].pagination.style",
        "datasets[0].fields.name",
        "datasets[0].fields.notes",
        "datasets[0].fields.title",
        "datasets[0].snapshot.max_rows",
        "datasets[1].pagination.style",
        "datasets[1].fields.name",
        "datasets[1].fields.notes",
        "datasets[1].fields.title",
        "datasets[1].snapshot.max_rows",
        "datasets[1].operation",
    }
    assert errors["private"][1] == "must be true/false, got chuỗi/string"
    assert errors["datasets[1].operation"][0] == "thao tác “listDatasets” đã khai báo ở trên"
    assert errors["timeout"][1] == "must be within 1–600"


def test_empty_and_missing():
    errors = _errors({"datasets": []})
    assert set(errors) == {"openapi_url", "datasets"}
    assert "at least one operation" in errors["datasets"][1]


def test_source_form_shows_the_errors_as_a_field_error(agency):
    config = good_config()
    config["defaults"]["license_id"] = "khong-co"
    del config["datasets"][0]["fields"]["title"]
    with pytest.raises(tk.ValidationError) as e:
        helpers.create_source(agency["id"], "http://127.0.0.1:1", "angiang_openapi", config)
    (message,) = e.value.error_dict["config"]
    assert "defaults.license_id" in message and "khong-co" in message
    assert "datasets[0].fields.title" in message
