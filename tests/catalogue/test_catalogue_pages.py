"""The catalogue's public pages (Art. 7.1), where each entry stands
(Art. 11.1a, 15), the CLI, and the migration of the codes datasets had."""

import io

import ckan.model as model
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from angiang_testing import factories
from ckan.cli.cli import ckan as ckan_cli

from ckanext.angiang.catalogue import status

from .conftest import import_first_decision, rows_of_first_decision, xlsx

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


@pytest.fixture
def published(sysadmin, agencies):
    """DLM.YT.01 fulfilled by a public dataset; DLM.YT.02 only by a private one."""
    import_first_decision(sysadmin["name"])
    context = {"user": sysadmin["name"]}
    helpers.call_action(
        "package_create",
        dict(context),
        **factories.dataset_dict(
            agencies["yte"]["id"],
            name="co-so-kham-chua-benh",
            title="Cơ sở khám chữa bệnh 2025",
            catalogue_code="DLM.YT.01",
        ),
    )
    helpers.call_action(
        "package_create",
        dict(context),
        **factories.dataset_dict(
            agencies["yte"]["id"],
            name="giuong-benh-noi-bo",
            title="Giường bệnh (nội bộ)",
            catalogue_code="DLM.YT.02",
            private=True,
        ),
    )
    return agencies


def test_only_public_datasets_publish_an_entry(published):
    by_code = {e["code"]: e for e in helpers.call_action("angiang_catalogue_entry_list")}
    assert by_code["DLM.YT.01"]["publication_status"] == status.PUBLISHED
    assert by_code["DLM.YT.02"]["publication_status"] == status.NOT_PUBLISHED
    assert by_code["DLM.GD.01"]["publication_status"] == status.OVERDUE
    shown = helpers.call_action("angiang_catalogue_entry_show", code="DLM.YT.02")
    assert shown["datasets"] == []
    overdue = helpers.call_action("angiang_catalogue_entry_list", publication_status="overdue")
    assert [e["code"] for e in overdue] == ["DLM.GD.01"]


def test_catalogue_page_lists_agencies_entries_and_status(app, published):
    page = app.get("/catalogue/").body
    for text in (
        "Sở Y tế",
        "Sở Giáo dục và Đào tạo",
        "DLM.YT.01",
        "DLM.GD.01",
        "Danh sách trường học",
        "125/QĐ-UBND",
        "Quarterly",
    ):
        assert text in page
    assert 'data-code="DLM.GD.01"' in page and "angiang-status-overdue" in page
    overdue = app.get("/catalogue/", query_string={"status": "overdue"}).body
    assert 'data-code="DLM.GD.01"' in overdue and 'data-code="DLM.YT.01"' not in overdue


def test_catalogue_pages_are_paged_with_a_summary_by_agency(app, published, monkeypatch):
    """A province's catalogue runs to thousands of entries: the page lists
    each agency's counts, then the entries a page at a time."""
    from ckanext.angiang.catalogue import views

    codes = [e["code"] for e in helpers.call_action("angiang_catalogue_entry_list")]
    assert len(codes) >= 3
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    first = app.get("/catalogue/").body
    assert 'data-agency="so-y-te"' in first and 'data-agency="so-giao-duc-va-dao-tao"' in first
    shown = [c for c in codes if f'data-code="{c}"' in first]
    assert shown == codes[:2] and "page=2" in first
    second = app.get("/catalogue/", query_string={"page": "2"}).body
    assert [c for c in codes if f'data-code="{c}"' in second] == codes[2:4]
    # the summary counts every entry, whatever the page; a bad page number is the first page
    assert second.count('data-agency="') == first.count('data-agency="')
    assert app.get("/catalogue/", query_string={"page": "x"}).body.count('data-code="') == 2
    # the agency page has no summary table, and its pager keeps the status filter
    agency = app.get("/catalogue/agency/so-y-te", query_string={"status": "published"}).body
    assert 'data-agency="' not in agency and 'data-code="DLM.YT.01"' in agency


def test_agency_page_shows_its_part_only(app, published):
    page = app.get("/catalogue/agency/so-y-te").body
    assert 'data-code="DLM.YT.01"' in page and 'data-code="DLM.GD.01"' not in page
    assert app.get("/catalogue/agency/khong-co", status=404)


def test_entry_page_lists_public_datasets_and_history(app, published):
    page = app.get("/catalogue/entry/DLM.YT.01").body
    assert "Cơ sở khám chữa bệnh 2025" in page and "/dataset/co-so-kham-chua-benh" in page
    assert 'data-change="added"' in page
    private = app.get("/catalogue/entry/DLM.YT.02").body
    assert "Giường bệnh (nội bộ)" not in private and "giuong-benh-noi-bo" not in private
    app.get("/catalogue/entry/KHONG.CO", status=404)


def test_dataset_page_links_its_entry(app, published):
    page = app.get("/dataset/co-so-kham-chua-benh").body
    assert 'href="/catalogue/entry/DLM.YT.01"' in page


@pytest.mark.ckan_config("ckan.locale_default", "vi")
def test_pages_in_vietnamese(app, published):
    page = app.get("/catalogue/").body
    for text in (
        "Danh mục dữ liệu mở",
        "Quá hạn",
        "Đã công bố",
        "Chưa công bố",
        "Hằng quý",
        "Thời gian công bố",
    ):
        assert text in page
    page = app.get("/catalogue/entry/DLM.YT.01").body
    assert "Cơ quan chủ trì" in page and "Lịch sử" in page


def test_cli_import_reports_rows_and_list(cli, agencies, tmp_path):
    bad = tmp_path / "bad.xlsx"
    rows = rows_of_first_decision()
    bad.write_bytes(
        xlsx(rows + [[4, "DLM.YT.01", "Trùng", "Sở Y tế", "", "", "Hằng năm", "2026", ""]])
    )
    result = cli.invoke(
        ckan_cli,
        [
            "angiang",
            "catalogue",
            "import",
            str(bad),
            "--decision",
            "125/QĐ-UBND",
            "--date",
            "2025-01-15",
        ],
    )
    assert result.exit_code != 0
    assert "7" in result.output and "Mã" in result.output
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(rows))
    result = cli.invoke(
        ckan_cli,
        [
            "angiang",
            "catalogue",
            "import",
            str(good),
            "--decision",
            "125/QĐ-UBND",
            "--date",
            "2025-01-15",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output or "3" in result.output
    result = cli.invoke(ckan_cli, ["angiang", "catalogue", "list", "--status", "overdue"])
    assert result.exit_code == 0
    assert [line.split("\t")[0] for line in result.output.splitlines()] == [
        "DLM.GD.01",
        "DLM.YT.01",
    ]


def test_migration_turns_existing_codes_into_entries(migrate_db_for, sysadmin, agencies):
    # the catalogue as before the adoption migration: empty, codes free
    migrate_db_for("angiang_catalogue", "3a7c1e9d2b40", False)
    context = {"user": sysadmin["name"]}
    for name, code, org in [("a", "CU.01", "yte"), ("b", "CU.01", "yte"), ("c", "CU.02", "gd")]:
        helpers.call_action(
            "package_create",
            dict(context),
            **factories.dataset_dict(
                agencies[org]["id"],
                name=f"ds-{name}",
                title=f"Tập {name}",
                catalogue_code=code,
                frequency="MONTHLY",
            ),
        )
    migrate_db_for("angiang_catalogue")
    model.Session.remove()
    entries = {e["code"]: e for e in helpers.call_action("angiang_catalogue_entry_list")}
    assert set(entries) == {"CU.01", "CU.02"}
    assert entries["CU.01"]["agency_id"] == agencies["yte"]["id"]
    assert entries["CU.01"]["title"] == "Tập a" and entries["CU.01"]["frequency"] == "MONTHLY"
    assert entries["CU.02"]["publication_status"] == status.PUBLISHED
    assert entries["CU.01"]["decision_number"] == "LEGACY"
    count = model.Session.execute(sa.text("SELECT count(*) FROM angiang_catalogue_history"))
    assert count.scalar() == 2


def test_sysadmin_import_form(app, sysadmin, agencies):
    headers = {
        "Authorization": helpers.call_action("api_token_create", user=sysadmin["name"], name="t")[
            "token"
        ]
    }
    assert "Decision number" in app.get("/catalogue/import", headers=headers).body
    app.get("/catalogue/import", status=403)
    bad = rows_of_first_decision() + [
        [4, "DLM.YT.01", "Trùng", "Sở Y tế", "", "", "Hằng năm", "2026", ""]
    ]
    form = {"decision_number": "125/QĐ-UBND", "decision_date": "2025-01-15"}
    page = app.post(
        "/catalogue/import",
        headers=headers,
        data=dict(form, upload=(io.BytesIO(xlsx(bad)), "a.xlsx")),
    ).body
    assert "angiang-import-problems" in page and "DLM.YT.01" in page and ">7<" in page
    assert helpers.call_action("angiang_catalogue_entry_list") == []
    app.post(
        "/catalogue/import",
        headers=headers,
        data=dict(form, upload=(io.BytesIO(xlsx(rows_of_first_decision())), "a.xlsx")),
    )
    assert len(helpers.call_action("angiang_catalogue_entry_list")) == 3


def test_sysadmin_entry_form(app, published, sysadmin):
    headers = {
        "Authorization": helpers.call_action("api_token_create", user=sysadmin["name"], name="t")[
            "token"
        ]
    }
    app.get("/catalogue/entry/DLM.YT.02/edit", status=403)
    page = app.get("/catalogue/entry/DLM.YT.02/edit", headers=headers).body
    assert 'value="Số giường bệnh theo huyện"' in page
    form = {
        "title": "Số giường bệnh",
        "agency": "so-y-te",
        "frequency": "thỉnh thoảng",
        "due_date": "2026-12-31",
        "formats": "CSV",
    }
    page = app.post("/catalogue/entry/DLM.YT.02/edit", headers=headers, data=form).body
    assert "Unknown update frequency" in page
    app.post(
        "/catalogue/entry/DLM.YT.02/edit", headers=headers, data=dict(form, frequency="hằng tháng")
    )
    shown = helpers.call_action("angiang_catalogue_entry_show", code="DLM.YT.02")
    assert (shown["title"], shown["frequency"]) == ("Số giường bệnh", "MONTHLY")
    assert shown["history"][-1]["change"] == "corrected"
    app.post(
        "/catalogue/entry/DLM.YT.02/edit",
        headers=headers,
        data=dict(
            form,
            frequency="hằng tháng",
            decision_number="900/QĐ-UBND",
            decision_date="2026-05-05",
            withdraw="",
        ),
    )
    assert (
        helpers.call_action("angiang_catalogue_entry_show", code="DLM.YT.02")["status"]
        == "withdrawn"
    )


def test_deadlines_fall_on_the_provinces_days(ckan_config, monkeypatch):
    """The day "today" is the day in ckanext.angiang.usage.timezone, not the server
    clock's (UTC in containers: 7 hours behind An Giang each evening). Two
    zones 25 hours apart never share a date."""
    from ckanext.angiang.catalogue import freshness, period

    monkeypatch.setitem(ckan_config, "ckanext.angiang.usage.timezone", "Pacific/Pago_Pago")
    behind = period.local_today()
    monkeypatch.setitem(ckan_config, "ckanext.angiang.usage.timezone", "Pacific/Kiritimati")
    ahead = period.local_today()
    assert ahead > behind
    due_behind_today = {"status": "active", "dataset_count": 0, "due_date": behind}
    assert status.publication_status(due_behind_today) == status.OVERDUE
    assert freshness.state(behind) == freshness.OVERDUE
    monkeypatch.setitem(ckan_config, "ckanext.angiang.usage.timezone", "Pacific/Pago_Pago")
    assert status.publication_status(due_behind_today) == status.NOT_PUBLISHED
    assert freshness.state(behind) == freshness.CURRENT
