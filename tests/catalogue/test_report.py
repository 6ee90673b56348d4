"""The six-month report (Art. 17.2): ``ckan angiang report --period`` and the
sysadmins' page; the XLSX's figures checked against the database, its
charts, the PDF's page size and embedded font; only sysadmins see it."""

import datetime
import io
import re
import zipfile

import ckan.model as model
import ckan.tests.helpers as helpers
import openpyxl
import pytest
import sqlalchemy as sa
from angiang_testing import factories
from ckan import logic
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories as ckan_factories

from ckanext.angiang.catalogue import period, usage
from ckanext.angiang.catalogue.report import figures, xlsx

from .conftest import Upload, rows_of_first_decision
from .conftest import xlsx as appendix

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")

H2 = period.parse("2026H2")


@pytest.fixture
def portal(sysadmin, agencies):
    """The catalogue of the first decision; Sở Y tế publishes DLM.YT.01 and
    keeps a private dataset; Sở GD&ĐT has a dataset created in the first
    half-year; uses inside and outside 2026H2."""
    helpers.call_action(
        "angiang_catalogue_import",
        {"user": sysadmin["name"]},
        upload=Upload(appendix(rows_of_first_decision()), "a.xlsx"),
        decision_number="125/QĐ-UBND",
        decision_date="2025-01-15",
    )
    ctx = {"user": sysadmin["name"]}
    yte, gd = agencies["yte"], agencies["gd"]
    made = {
        "benh-vien": helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(yte["id"], name="benh-vien", catalogue_code="DLM.YT.01"),
        ),
        "giuong": helpers.call_action(
            "package_create",
            dict(ctx),
            **factories.dataset_dict(
                yte["id"], name="giuong", private=True, catalogue_code="DLM.YT.02"
            ),
        ),
        "truong": helpers.call_action(
            "package_create", dict(ctx), **factories.dataset_dict(gd["id"], name="truong")
        ),
        "cu": helpers.call_action(
            "package_create", dict(ctx), **factories.dataset_dict(gd["id"], name="cu")
        ),
    }
    model.Session.execute(
        sa.text("UPDATE package SET metadata_created = '2026-03-01' WHERE name = 'cu'")
    )
    rows = [
        ("benh-vien", datetime.date(2026, 8, 2), "view", 40),
        ("benh-vien", datetime.date(2026, 12, 31), "download", 6),
        ("benh-vien", datetime.date(2026, 6, 30), "view", 1000),  # 2026H1
        ("giuong", datetime.date(2026, 9, 1), "api", 77),  # private
        ("truong", datetime.date(2026, 7, 1), "api", 9),
    ]
    usage.add(
        [
            {
                "day": day,
                "package_id": made[name]["id"],
                "kind": kind,
                "agency_id": made[name]["owner_org"],
                "count": n,
            }
            for name, day, kind, n in rows
        ]
    )
    model.Session.commit()
    return made


def _db_figures(agency_id):
    """The figures straight from the tables, independently of the report."""
    start, end = H2.utc_bounds()
    q = lambda sql, **kw: model.Session.execute(sa.text(sql), dict(kw, org=agency_id)).scalar()  # noqa: E731
    public = "state = 'active' AND NOT private AND type = 'dataset' AND owner_org = :org"
    return {
        "entries_in_force": q(
            "SELECT count(*) FROM angiang_catalogue_entry "
            "WHERE agency_id = :org AND status = 'active'"
        ),
        "entries_published": q(
            "SELECT count(*) FROM angiang_catalogue_entry e WHERE agency_id = :org AND "
            f"EXISTS (SELECT 1 FROM package WHERE {public} "
            "AND extras ->> 'catalogue_code' = e.code)"
        ),
        "datasets_public": q(
            f"SELECT count(*) FROM package WHERE {public} AND metadata_created < :end", end=end
        ),
        "datasets_added": q(
            f"SELECT count(*) FROM package WHERE {public} "
            "AND metadata_created >= :start AND metadata_created < :end",
            start=start,
            end=end,
        ),
        "views": q(
            "SELECT coalesce(sum(u.count), 0) FROM angiang_usage_daily u JOIN package p "
            "ON p.id = u.package_id WHERE u.agency_id = :org AND u.kind = 'view' "
            "AND NOT p.private AND u.day BETWEEN '2026-07-01' AND '2026-12-31'"
        ),
        "downloads": q(
            "SELECT coalesce(sum(u.count), 0) FROM angiang_usage_daily u JOIN "
            "package p ON p.id = u.package_id WHERE u.agency_id = :org AND "
            "u.kind = 'download' AND NOT p.private AND "
            "u.day BETWEEN '2026-07-01' AND '2026-12-31'"
        ),
        "api_calls": q(
            "SELECT coalesce(sum(u.count), 0) FROM angiang_usage_daily u JOIN "
            "package p ON p.id = u.package_id WHERE u.agency_id = :org AND "
            "u.kind = 'api' AND NOT p.private AND "
            "u.day BETWEEN '2026-07-01' AND '2026-12-31'"
        ),
    }


def test_cli_writes_an_xlsx_whose_figures_are_the_databases(cli, portal, agencies, tmp_path):
    result = cli.invoke(
        ckan_cli, ["angiang", "report", "--period", "2026H2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "bao-cao-6-thang-2026H2.xlsx"
    assert (tmp_path / "bao-cao-6-thang-2026H2.pdf").read_bytes().startswith(b"%PDF")

    book = openpyxl.load_workbook(path)
    sheet = book[xlsx.PROVINCE_SHEET]
    assert "2026H2" in sheet["A1"].value and "01/07/2026" in sheet["A1"].value
    headings = [c.value for c in sheet[4]]
    assert headings[0] == "Cơ quan" and "Lượt xem" in headings and "Số mục quá hạn" in headings
    by_title = {row[0].value: row for row in sheet.iter_rows(min_row=5) if row[0].value}
    for key, agency in (("yte", agencies["yte"]), ("gd", agencies["gd"])):
        row = by_title[agency["title"]]
        expected = _db_figures(agency["id"])
        got = {k: row[figures.KEYS.index(k) + 1].value for k in expected}
        assert got == expected, key
    yte = by_title["Sở Y tế"]
    col = {k: figures.KEYS.index(k) + 1 for k in figures.KEYS}
    # the private dataset and the first half-year's uses are left out
    assert yte[col["views"]].value == 40 and yte[col["api_calls"]].value == 0
    assert yte[col["entries_published"]].value == 1 and yte[col["entries_overdue"]].value == 0
    gd = by_title["Sở Giáo dục và Đào tạo"]
    assert gd[col["entries_overdue"]].value == 1  # DLM.GD.01, due Q2/2025, unpublished
    assert gd[col["datasets_public"]].value == 2 and gd[col["datasets_added"]].value == 1
    province = by_title["Toàn tỉnh An Giang"]
    assert province[col["uses"]].value == 40 + 6 + 9
    assert province[col["datasets_public"]].value == 3
    assert 0 < province[col["quality"]].value <= 100
    assert isinstance(province[col["views"]].value, int)  # numbers, not text
    # one sheet per agency, in Vietnamese
    assert agencies["yte"]["title"] in book.sheetnames
    agency_sheet = book[agencies["yte"]["title"]]
    values = {r[0].value: r[1].value for r in agency_sheet.iter_rows(min_row=4, max_row=20)}
    assert values["Lượt xem"] == 40 and values["Số mục đã công bố"] == 1
    # native charts: two on the province sheet, one per agency sheet
    names = zipfile.ZipFile(path).namelist()
    charts = [n for n in names if n.startswith("xl/charts/chart")]
    assert len(charts) >= 2 + len(by_title) - 1
    chart_xml = zipfile.ZipFile(path).read("xl/charts/chart1.xml").decode()
    assert "barChart" in chart_xml and "Toan tinh" in chart_xml


def test_pdf_is_a4_with_the_vietnamese_font_embedded(portal):
    from ckanext.angiang.catalogue.report import pdf

    body = pdf.write(figures.collect(H2))
    assert body.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in body  # A4 landscape
    # the TrueType font is embedded (a subset: the letters used)
    assert re.search(rb"/FontFile2 \d+ 0 R", body)
    assert re.search(rb"/BaseFont /[A-Z]{6}\+DejaVuSans", body)
    assert len(re.findall(rb"/Type /Page\b", body)) >= 3


def test_only_sysadmins_see_the_report(app, portal, sysadmin, agencies):
    admin = ckan_factories.User()
    helpers.call_action(
        "organization_member_create", id=agencies["yte"]["id"], role="admin", username=admin["name"]
    )
    for user in (None, admin):
        headers = (
            {
                "Authorization": helpers.call_action(
                    "api_token_create", user=user["name"], name="t"
                )["token"]
            }
            if user
            else {}
        )
        app.get("/report/", headers=headers, status=403)
        app.get("/report/2026H2.xlsx", headers=headers, status=403)
        with pytest.raises(logic.NotAuthorized):
            helpers.call_action(
                "angiang_report_show",
                {"user": user["name"] if user else "", "ignore_auth": False},
                period="2026H2",
            )
    token = helpers.call_action("api_token_create", user=sysadmin["name"], name="t")["token"]
    headers = {"Authorization": token}
    page = app.get("/vi/report/", query_string={"period": "2026H2"}, headers=headers).body
    assert "Báo cáo 6 tháng" in page and "Sở Y tế" in page
    assert 'data-key="views">40<' in page
    app.get("/report/", query_string={"period": "2026Q3"}, headers=headers, status=400)
    got = app.get("/report/2026H2.xlsx", headers=headers)
    assert got.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert openpyxl.load_workbook(io.BytesIO(got.data))[xlsx.PROVINCE_SHEET]
    assert app.get("/report/2026H2.pdf", headers=headers).data.startswith(b"%PDF")
    shown = helpers.call_action("angiang_report_show", {"user": sysadmin["name"]}, period="2026H2")
    assert shown["province"]["uses"] == 55 and shown["period"] == "2026H2"


def test_a_bad_period_is_refused_in_both_languages(app, cli, sysadmin):
    result = cli.invoke(ckan_cli, ["angiang", "report", "--period", "2026"])
    assert result.exit_code != 0 and "2026H1" in result.output
    with pytest.raises(logic.ValidationError) as e:
        helpers.call_action("angiang_report_show", {"user": sysadmin["name"]}, period="nửa")
    assert "period" in e.value.error_dict
    token = helpers.call_action("api_token_create", user=sysadmin["name"], name="t")["token"]
    for lang, text in (("vi", "nửa năm"), ("en", "half-year")):
        got = app.get(
            f"/{lang}/api/3/action/angiang_report_show",
            query_string={"period": "H3"},
            headers={"Authorization": token},
            status=409,
        )
        assert text in got.json["error"]["period"][0]


def test_half_years_are_local_days():
    assert (H2.start, H2.last_day) == (datetime.date(2026, 7, 1), datetime.date(2026, 12, 31))
    start, end = period.parse("2026H1").utc_bounds()
    # midnight in Asia/Ho_Chi_Minh (UTC+7) is 17:00 UTC the day before
    assert start == datetime.datetime(2025, 12, 31, 17, 0)
    assert end == datetime.datetime(2026, 6, 30, 17, 0)
    for bad in ("2026H3", "26H1", "", "2026-Q1"):
        with pytest.raises(ValueError):
            period.parse(bad)


def test_links_and_stored_files_by_agency_are_the_checks_tables(
    cli, portal, agencies, sysadmin, tmp_path
):
    """The report's links-and-integrity sheet counts each agency's rows of
    the compliance checks' tables (Art. 9.2, 11.1b), and the page shows them."""
    from ckanext.angiang.catalogue import model as cm

    now = datetime.datetime(2026, 12, 1)
    res = helpers.call_action(
        "resource_create",
        {"user": sysadmin["name"]},
        package_id=portal["benh-vien"]["id"],
        url="http://example.vn/a.csv",
        name="a",
    )
    link = dict(
        package_id=portal["benh-vien"]["id"],
        url="http://example.vn/a.csv",
        detail="",
        checked_at=now,
        elapsed_ms=5,
        failures=1,
    )
    model.Session.execute(
        cm.link_status.insert(),
        [
            dict(link, resource_id=res["id"], status="broken", http_status=404),
            dict(link, resource_id="r2", status="ok", http_status=200, failures=0),
            dict(
                link,
                resource_id="r3",
                package_id=portal["truong"]["id"],
                status="unreachable",
                http_status=None,
            ),
        ],
    )
    model.Session.execute(
        cm.integrity.insert(),
        [
            dict(
                resource_id="f1",
                package_id=portal["truong"]["id"],
                expected="a",
                actual="b",
                status="mismatch",
                size=3,
                checked_at=now,
            )
        ],
    )
    model.Session.commit()
    result = cli.invoke(
        ckan_cli, ["angiang", "report", "--period", "2026H2", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "bao-cao-6-thang-2026H2.xlsx")
    sheet = book[book.sheetnames[-1]]
    rows = {r[0].value: [c.value for c in r[1:]] for r in sheet.iter_rows(min_row=2)}
    # links ok, broken, unreachable, refused; files ok, mismatch, missing, unverified
    assert rows["Sở Y tế"][:4] == [1, 1, 0, 0]
    assert rows[agencies["gd"]["title"]][:4] == [0, 0, 1, 0]
    assert rows[agencies["gd"]["title"]][4:] == [0, 1, 0, 0]
    assert rows["Toàn tỉnh An Giang"] == [1, 1, 1, 0, 0, 1, 0, 0]
