"""The demo content on its own (no database): the data files are
consistent, realistic for the province and render to valid, stable files."""

from __future__ import annotations

import collections
import csv
import io
import json
import zipfile

import openpyxl
import pytest

from ckanext.angiang import slug
from ckanext.angiang.demo import content, loader, render, tables


@pytest.fixture(scope="module")
def demo():
    return content.read()


@pytest.fixture(scope="module")
def files():
    return loader.expected_files()


def test_data_files_have_no_problems(demo):
    assert content.problems(demo) == []


def test_problems_are_reported_with_dataset_and_field(tmp_path, demo):
    (tmp_path / "datasets").mkdir()
    (tmp_path / "defaults.yaml").write_text("dataset: {license_id: CC-BY-4.0}\n", encoding="utf-8")
    (tmp_path / "agencies.yaml").write_text(
        "- {title: Sở Thử nghiệm, agency_level: district}\n", encoding="utf-8"
    )
    (tmp_path / "datasets" / "x.yaml").write_text(
        "agency: Sở Không Có\n"
        "datasets:\n"
        "  - title: Dữ liệu thử\n"
        "    theme: [FOOD]\n"
        "    frequency: SOMETIMES\n"
        "    spatial_code: '79'\n"
        "    table: {rows: {years: [2020, 2021]}, columns: [{id: a, title: A, calc: 'os.system(1)'}]}\n"
        "    resources: [{format: PDF}]\n",
        encoding="utf-8",
    )
    found = "\n".join(content.problems(content.read(str(tmp_path))))
    assert "agency 'so-thu-nghiem': agency_level must be one of" in found
    assert "dataset 'du-lieu-thu': agency 'Sở Không Có' is not in agencies.yaml" in found
    assert "unknown theme(s) ['FOOD']" in found
    assert "unknown frequency 'SOMETIMES'" in found
    assert "spatial_code '79' is not An Giang" in found
    assert "has format 'PDF'" in found
    assert "table 'data': unsupported expression" in found  # no attribute access
    assert "quality_statement is empty" in found


def test_enough_agencies_of_both_levels(demo):
    levels = collections.Counter(a.fields["agency_level"] for a in demo.agencies)
    assert len(demo.agencies) >= 12
    assert levels["provincial"] >= 10 and levels["commune"] >= 3


def test_commune_agencies_are_real_2025_units(demo):
    communes = [a for a in demo.agencies if a.fields["agency_level"] == "commune"]
    for agency in communes:
        ward = tables.ward_by_code(agency.ward_code)
        assert int(ward.province_code) == tables.AN_GIANG_PROVINCE_CODE
        # "Ủy ban nhân dân phường Rạch Giá" names the unit "Phường Rạch Giá"
        assert agency.title.lower().endswith(ward.name.lower()), (agency.title, ward.name)


def test_agencies_have_a_parent_chain_to_the_provincial_committee(demo):
    by_name = {a.name: a for a in demo.agencies}
    roots = [a for a in demo.agencies if not a.fields.get("parent_agency")]
    assert [r.title for r in roots] == ["Ủy ban nhân dân tỉnh An Giang"]
    for agency in demo.agencies:
        seen, current = set(), agency
        while current.fields.get("parent_agency"):
            assert current.name not in seen
            seen.add(current.name)
            current = by_name[current.fields["parent_agency"]]
        assert current is roots[0]


def test_focal_points_are_on_the_province_mail_domain(demo):
    for agency in demo.agencies:
        assert agency.fields["focal_point_email"].endswith("@angiang.gov.vn")


def test_sixty_datasets_spread_over_agencies(demo):
    per_agency = collections.Counter(d.agency for d in demo.datasets)
    assert len(demo.datasets) >= 60
    assert set(per_agency) == {a.name for a in demo.agencies}  # every agency publishes


def test_names_come_from_the_vietnamese_slug(demo):
    for d in demo.datasets:
        assert d.name == slug.title_to_name(d.fields["title"])
    for a in demo.agencies:
        assert a.name == slug.title_to_name(a.title)


def test_titles_descriptions_and_tags_are_vietnamese(demo):
    vietnamese = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")
    for d in demo.datasets:
        assert vietnamese & set(d.fields["title"].lower()), d.fields["title"]
        assert vietnamese & set(d.fields["notes"].lower())
        assert any(vietnamese & set(t["name"].lower()) for t in d.fields["tags"])


def test_some_datasets_are_private_or_drafts(demo):
    assert sum(1 for d in demo.datasets if d.fields.get("private")) >= 3
    assert sum(1 for d in demo.datasets if d.fields.get("state") == "draft") >= 2
    # Art. 9.6: every demo dataset carries the attestation
    assert all(d.fields["no_state_secret"] is True for d in demo.datasets)


def test_every_format_and_api_services_are_present(demo):
    formats = collections.Counter(r.format for d in demo.datasets for r in d.resources)
    assert formats["CSV"] and formats["XLSX"] and formats["JSON"]
    apis = [r for d in demo.datasets for r in d.resources if r.kind == "api"]
    assert len(apis) >= 3
    for d in demo.datasets:
        names = {r.name for r in d.resources}
        for r in d.resources:
            if r.kind == "api":
                assert r.openapi_name in names and r.url.startswith("https://")


def test_csv_json_and_xlsx_hold_the_same_table(demo, files):
    for d in demo.datasets:
        by_table = collections.defaultdict(dict)
        for r in d.resources:
            if r.kind == "file" and not r.path:
                by_table[r.table][r.format] = files[(d.name, r.name)]
        for key, rendered in by_table.items():
            table = tables.build(d.tables[key], seed=f"{d.name}/{key}")
            header = [c.title for c in table.columns]
            if "CSV" in rendered:
                rows = list(csv.reader(io.StringIO(rendered["CSV"].decode("utf-8"))))
                assert rows[0] == header and len(rows) == len(table.rows) + 1
            if "JSON" in rendered:
                doc = json.loads(rendered["JSON"])
                assert [f["title"] for f in doc["fields"]] == header
                assert len(doc["records"]) == len(table.rows)
            if "XLSX" in rendered:
                sheet = openpyxl.load_workbook(io.BytesIO(rendered["XLSX"])).active
                values = list(sheet.values)
                assert list(values[0]) == header and len(values) == len(table.rows) + 1
                assert list(values[1]) == table.rows[0]


def test_openapi_documents_describe_the_records(demo, files):
    for d in demo.datasets:
        for r in d.resources:
            if r.path and r.kind == "file":
                doc = json.loads(files[(d.name, r.name)])
                assert doc["openapi"].startswith("3.")
                assert r.path in doc["paths"]
                table = tables.build(d.tables[r.table], seed=f"{d.name}/{r.table}")
                assert set(doc["components"]["schemas"]["Record"]["properties"]) == {
                    c.id for c in table.columns
                }


def test_files_are_byte_for_byte_reproducible(files):
    # A second rendering (new tables, new workbooks) gives the same bytes, so
    # checksums of the demo files do not change from one load to the next.
    again = loader.expected_files()
    assert again.keys() == files.keys()
    assert [k for k in files if files[k] != again[k]] == []
    xlsx = next(v for (_, name), v in files.items() if name.endswith("(XLSX)"))
    assert {i.date_time for i in zipfile.ZipFile(io.BytesIO(xlsx)).infolist()} == {
        (2025, 7, 1, 0, 0, 0)
    }


def test_emblem_is_a_png():
    png = render.emblem_png("NNMT", "#2E7D32", size=64)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and b"IHDR" in png[:16]
    assert render.emblem_png("NNMT", "#2E7D32", size=64) == png


@pytest.mark.parametrize("expr", ["__import__('os')", "().__class__", "open('/etc/passwd')", "x.y"])
def test_table_expressions_cannot_escape(expr):
    spec = {"rows": {"count": 1}, "columns": [{"id": "a", "title": "A", "calc": expr}]}
    with pytest.raises(tables.TableSpecError):
        tables.build(spec, seed="s")


def test_ward_rows_are_the_102_units_of_2025():
    rows = tables.build(
        {
            "rows": {"wards": True},
            "columns": [
                {"id": "c", "title": "C", "value": "{ward_code}"},
                {"id": "t", "title": "T", "value": "{ward_type}"},
            ],
        },
        seed="s",
    ).rows
    kinds = collections.Counter(t for _, t in rows)
    assert len(rows) == 102 and kinds == {"xã": 85, "phường": 14, "đặc khu": 3}
    assert ["30742", "phường"] in rows  # phường Rạch Giá, the provincial capital
