"""Importing the catalogue decision's appendix (Art. 7.1, 8.1, 8.3): XLSX and
CSV with Vietnamese headings and frequency words, every problem reported by
row and column, nothing half-imported, later decisions amending with history."""

import datetime

import ckan.tests.helpers as helpers
import pytest
from ckan import logic

from ckanext.angiang.catalogue import status

from .conftest import FUTURE, HEADINGS, PAST, Upload, csv_bytes, rows_of_first_decision, xlsx

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def _import(
    sysadmin, data, filename="phu-luc.xlsx", number="125/QĐ-UBND", issued="2025-01-15", **extra
):
    return helpers.call_action(
        "angiang_catalogue_import",
        {"user": sysadmin["name"]},
        upload=Upload(data, filename),
        decision_number=number,
        decision_date=issued,
        **extra,
    )


def _problems(excinfo):
    return [(p["row"], p["column"]) for p in excinfo.value.error_dict["rows"]]


def _codes(**kw):
    return {e["code"]: e for e in helpers.call_action("angiang_catalogue_entry_list", **kw)}


def test_xlsx_appendix_with_vietnamese_headings(sysadmin, agencies):
    result = _import(sysadmin, xlsx(rows_of_first_decision()))
    assert result == {
        "decision": "125/QĐ-UBND",
        "rows": 3,
        "added": 3,
        "amended": 0,
        "restored": 0,
        "withdrawn": 0,
    }
    entries = _codes()
    yt1, yt2, gd1 = entries["DLM.YT.01"], entries["DLM.YT.02"], entries["DLM.GD.01"]
    assert yt1["agency_id"] == agencies["yte"]["id"]
    assert yt2["agency_id"] == agencies["yte"]["id"]  # named by its agency code
    assert (yt1["frequency"], yt2["frequency"], gd1["frequency"]) == (
        "ANNUAL",
        "QUARTERLY",
        "IRREG",
    )
    assert yt1["formats"] == ["CSV", "XLSX"] and gd1["formats"] == ["XLSX", "JSON"]
    assert yt1["due_date"] == PAST.isoformat()
    assert yt2["due_date"] == FUTURE.isoformat()
    assert gd1["due_date"] == "2025-06-30"  # "Quý II/2025": the quarter's last day
    assert yt2["notes"] == "Theo quý" and yt1["sector"] == "Y tế"
    assert yt1["decision_number"] == "125/QĐ-UBND" and yt1["decision_date"] == "2025-01-15"
    # nothing published: overdue once the deadline passed, otherwise not yet
    assert yt1["publication_status"] == status.OVERDUE
    assert yt2["publication_status"] == status.NOT_PUBLISHED


def test_csv_appendix_with_headings_without_accents(sysadmin, agencies):
    headings = [
        "stt",
        "ma du lieu",
        "ten du lieu",
        "co quan cung cap",
        "tan suat",
        "lo trinh cong bo",
    ]
    rows = [[1, "DLM.YT.09", "Dịch bệnh", "so y te", "6 tháng một lần", "2026-12-31"]]
    _import(sysadmin, csv_bytes(rows, headings), "phu-luc.csv")
    entry = _codes()["DLM.YT.09"]
    assert entry["frequency"] == "ANNUAL_2" and entry["due_date"] == "2026-12-31"
    assert entry["formats"] == []


def test_bad_appendix_reports_each_row_and_imports_nothing(sysadmin, agencies):
    rows = rows_of_first_decision() + [
        [4, "DLM.YT.01", "Trùng mã", "Sở Y tế", "", "CSV", "Hằng năm", "31/12/2025", ""],
        [5, "DLM.XX.01", "Cơ quan lạ", "Sở Không Có", "", "CSV", "Hằng năm", "31/12/2025", ""],
        [6, "DLM.YT.05", "Tần suất sai", "Sở Y tế", "", "CSV", "thỉnh thoảng", "31/12/2025", ""],
        [7, "DLM.YT.06", "Ngày sai", "Sở Y tế", "", "CSV", "Hằng năm", "31/02/2025", ""],
        [8, "có dấu cách", "Mã sai", "Sở Y tế", "", "CSV", "Hằng năm", "2025", ""],
    ]
    with pytest.raises(logic.ValidationError) as e:
        _import(sysadmin, xlsx(rows))
    # sheet rows: title, blank, headings, then data from row 4
    assert _problems(e) == [
        (7, "Mã"),
        (8, "Cơ quan chủ trì"),
        (9, "Tần suất cập nhật"),
        (10, "Thời gian công bố"),
        (11, "Mã"),
    ]
    messages = [p["message"] for p in e.value.error_dict["rows"]]
    assert "row 4" in messages[0] and "Sở Không Có" in messages[1]
    assert "thỉnh thoảng" in messages[2] and "31/02/2025" in messages[3]
    assert _codes() == {}
    assert helpers.call_action("angiang_catalogue_decision_list") == []


def test_missing_columns_are_named(sysadmin, agencies):
    headings = ["STT", "Mã", "Tên dữ liệu", "Định dạng"]
    with pytest.raises(logic.ValidationError) as e:
        _import(sysadmin, xlsx([[1, "A.1", "Tên", "CSV"]], headings))
    columns = [c for _r, c in _problems(e)]
    assert columns == [
        "Responsible agency (Cơ quan chủ trì)",
        "Update frequency (Tần suất cập nhật)",
        "Publication deadline (Thời gian công bố)",
    ]
    assert _codes() == {}


def test_a_file_that_is_not_a_spreadsheet(sysadmin, agencies):
    with pytest.raises(logic.ValidationError) as e:
        _import(sysadmin, b"PK\x03\x04 not really a zip", "phu-luc.xlsx")
    assert e.value.error_dict["rows"][0]["row"] == 0
    with pytest.raises(logic.ValidationError):
        _import(sysadmin, "Mã;Tên".encode("utf-16"), "phu-luc.csv")


def test_an_oversized_sheet_is_refused(sysadmin, agencies, monkeypatch):
    from ckanext.angiang.catalogue import spreadsheet

    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 4)
    with pytest.raises(logic.ValidationError) as e:
        _import(sysadmin, xlsx(rows_of_first_decision()))  # title, blank, headings, 3 rows
    assert "more than 4 rows" in e.value.error_dict["rows"][0]["message"]
    assert _codes() == {}


def test_a_decision_is_imported_once(sysadmin, agencies):
    _import(sysadmin, xlsx(rows_of_first_decision()))
    with pytest.raises(logic.ValidationError) as e:
        _import(sysadmin, xlsx(rows_of_first_decision()[:1]))
    assert "already imported" in e.value.error_dict["rows"][0]["message"]


def test_later_decision_amends_adds_withdraws_with_history(sysadmin, agencies):
    _import(sysadmin, xlsx(rows_of_first_decision()))
    later = [
        [
            1,
            "DLM.YT.01",
            "Cơ sở khám chữa bệnh (sửa đổi)",
            "Sở Y tế",
            "Y tế",
            "CSV",
            "Hằng tháng",
            "31/12/2026",
            "",
            "sửa đổi",
        ],
        [2, "DLM.GD.01", "", "", "", "", "", "", "", "bãi bỏ"],
        [
            3,
            "DLM.GD.02",
            "Danh sách giáo viên",
            "Sở Giáo dục và Đào tạo",
            "",
            "CSV",
            "Hằng năm",
            "2026",
            "",
            "thêm mới",
        ],
    ]
    result = _import(
        sysadmin, xlsx(later, HEADINGS + ["Thao tác"]), number="300/QĐ-UBND", issued="06/06/2025"
    )
    assert (result["added"], result["amended"], result["withdrawn"]) == (1, 1, 1)
    entries = _codes()
    assert set(entries) == {"DLM.YT.01", "DLM.YT.02", "DLM.GD.02"}
    assert entries["DLM.YT.01"]["frequency"] == "MONTHLY"
    assert entries["DLM.YT.01"]["decision_number"] == "300/QĐ-UBND"
    assert entries["DLM.YT.02"]["decision_number"] == "125/QĐ-UBND"
    shown = helpers.call_action(
        "angiang_catalogue_entry_show", {"user": sysadmin["name"]}, code="DLM.YT.01"
    )
    changes = [(h["change"], h["decision_number"]) for h in shown["history"]]
    assert changes == [("added", "125/QĐ-UBND"), ("amended", "300/QĐ-UBND")]
    assert shown["history"][1]["before"]["frequency"] == "ANNUAL"
    assert shown["history"][1]["after"]["frequency"] == "MONTHLY"
    assert shown["history"][1]["changed_by"] == sysadmin["name"]
    withdrawn = helpers.call_action("angiang_catalogue_entry_show", code="DLM.GD.01")
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["publication_status"] == status.WITHDRAWN
    assert "DLM.GD.01" in _codes(include_withdrawn=True)


def test_amending_an_unknown_code_fails_the_whole_decision(sysadmin, agencies):
    _import(sysadmin, xlsx(rows_of_first_decision()))
    later = [
        [1, "DLM.YT.02", "Giường bệnh", "Sở Y tế", "", "CSV", "Hằng tháng", "2026", "", "sửa đổi"],
        [2, "DLM.ZZ.01", "Không có", "Sở Y tế", "", "CSV", "Hằng năm", "2026", "", "bãi bỏ"],
        [3, "DLM.YT.01", "Đã có", "Sở Y tế", "", "CSV", "Hằng năm", "2026", "", "thêm mới"],
    ]
    with pytest.raises(logic.ValidationError) as e:
        _import(sysadmin, xlsx(later, HEADINGS + ["Thao tác"]), number="301/QĐ-UBND")
    assert [r for r, _c in _problems(e)] == [5, 6]
    assert _codes()["DLM.YT.02"]["frequency"] == "QUARTERLY"  # row 4 not applied
    assert [d["number"] for d in helpers.call_action("angiang_catalogue_decision_list")] == [
        "125/QĐ-UBND"
    ]


def test_replacing_decision_withdraws_what_it_does_not_list(sysadmin, agencies):
    _import(sysadmin, xlsx(rows_of_first_decision()))
    result = _import(
        sysadmin,
        xlsx(rows_of_first_decision()[:1]),
        number="400/QĐ-UBND",
        issued=datetime.date(2026, 1, 2).isoformat(),
        replace=True,
    )
    assert (result["amended"], result["withdrawn"]) == (1, 2)
    assert set(_codes()) == {"DLM.YT.01"}


def test_the_agencies_are_read_once_per_import_not_once_per_row(sysadmin, agencies):
    import ckan.model as model
    import sqlalchemy as sa

    rows = [
        [
            i,
            f"DLM.YT.{i:03d}",
            f"Dữ liệu {i}",
            "Sở Y tế" if i % 2 else "SYT",
            "Y tế",
            "CSV",
            "Hằng năm",
            FUTURE,
            "",
        ]
        for i in range(1, 201)
    ]
    seen = []

    def count(conn, cursor, statement, *args):
        if 'FROM "group"' in statement and "is_organization" in statement:
            seen.append(statement)

    sa.event.listen(model.meta.engine, "before_cursor_execute", count)
    try:
        assert _import(sysadmin, xlsx(rows))["added"] == 200
    finally:
        sa.event.remove(model.meta.engine, "before_cursor_execute", count)
    assert len(seen) == 1
