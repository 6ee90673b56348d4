"""Fixtures of the catalogue tests: real PostgreSQL with the plugins'
migrations, appendices built as real XLSX and CSV files."""

from __future__ import annotations

import csv
import datetime
import io

import ckan.model as model
import openpyxl
import pytest
import sqlalchemy as sa
from angiang_testing import factories
from ckan.tests import factories as ckan_factories

#: The headings of a typical appendix ("The catalogue decision in practice").
HEADINGS = [
    "STT",
    "Mã",
    "Tên dữ liệu",
    "Cơ quan chủ trì",
    "Lĩnh vực",
    "Định dạng",
    "Tần suất cập nhật",
    "Thời gian công bố",
    "Ghi chú",
]


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db, plus the plugins' migrations (tests/conftest.py), and
    the catalogue's tables emptied: CKAN's reset empties only the tables of its own
    MetaData after the first time, and the catalogue's are not in it."""
    model.Session.execute(
        sa.text(
            "TRUNCATE angiang_catalogue_history, angiang_catalogue_entry, "
            "angiang_catalogue_decision, angiang_freshness, angiang_freshness_reminder, "
            "angiang_review_policy, angiang_review_event, angiang_usage_daily, "
            "angiang_review_source_exemption, angiang_link_status, angiang_integrity, "
            "angiang_quality"
        )
    )
    model.Session.commit()


def xlsx(rows, headings=HEADINGS, title="Phụ lục: Danh mục dữ liệu mở tỉnh An Giang"):
    """An appendix workbook: a title row, a blank row, the headings, the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append([])
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, headings=HEADINGS):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


class Upload:
    """A file as CKAN hands an uploaded form field to an action."""

    def __init__(self, data: bytes, filename: str):
        self.stream = io.BytesIO(data)
        self.filename = filename


@pytest.fixture
def sysadmin():
    return ckan_factories.Sysadmin()


@pytest.fixture
def agencies():
    """Two agencies, named as an appendix would name them."""
    return {
        "yte": factories.Agency(name="so-y-te", title="Sở Y tế", agency_code="SYT"),
        "gd": factories.Agency(name="so-giao-duc-va-dao-tao", title="Sở Giáo dục và Đào tạo"),
    }


PAST = datetime.date(2025, 3, 31)
FUTURE = datetime.date.today() + datetime.timedelta(days=400)


def rows_of_first_decision():
    return [
        [
            1,
            "DLM.YT.01",
            "Danh sách cơ sở khám chữa bệnh",
            "Sở Y tế",
            "Y tế",
            "CSV, XLSX",
            "Hằng năm",
            PAST,
            "",
        ],
        [
            2,
            "DLM.YT.02",
            "Số giường bệnh theo huyện",
            "SYT",
            "Y tế",
            "CSV",
            "hàng quý",
            FUTURE.strftime("%d/%m/%Y"),
            "Theo quý",
        ],
        [
            3,
            "DLM.GD.01",
            "Danh sách trường học",
            "Sở Giáo dục và Đào tạo",
            "Giáo dục",
            "XLSX; JSON",
            "Khi có thay đổi",
            "Quý II/2025",
            "",
        ],
    ]


def import_first_decision(user_name: str) -> dict:
    """The first decision's appendix (:func:`rows_of_first_decision`) imported
    by ``user_name``, as Decision 125/QĐ-UBND of 15 January 2025."""
    import ckan.tests.helpers as helpers

    return helpers.call_action(
        "angiang_catalogue_import",
        {"user": user_name},
        upload=Upload(xlsx(rows_of_first_decision()), "a.xlsx"),
        decision_number="125/QĐ-UBND",
        decision_date="2025-01-15",
    )
