"""Test factories that satisfy the portal schema (for every engineer's tests).

``Agency`` and ``Dataset`` are CKAN's factories with the fields the angiang
schema requires filled in; ``Resource`` gives an open format. Use them like
``ckan.tests.factories``::

    from angiang_testing import factories
    org = factories.Agency()
    ds = factories.Dataset(owner_org=org["id"], title="Dân số 2025")

Importing this module needs the test tools (factory-boy, Faker), which are
test requirements only.
"""

from __future__ import annotations

import factory
from ckan.tests import factories as ckan_factories


class Agency(ckan_factories.Organization):
    title = factory.Sequence(lambda n: f"Sở Thử nghiệm số {n}")
    agency_level = "provincial"
    focal_point_name = "Nguyễn Văn An"
    focal_point_position = "Chuyên viên"
    focal_point_email = factory.Sequence(lambda n: f"dau-moi-{n}@angiang.gov.vn")
    focal_point_phone = "0296 3852 123"


class Dataset(ckan_factories.Dataset):
    title = factory.Sequence(lambda n: f"Tập dữ liệu thử nghiệm {n}")
    notes = "Dữ liệu thử nghiệm của Cổng dữ liệu mở tỉnh An Giang."
    license_id = "CC-BY-4.0"
    theme = ["GOVE"]
    frequency = "ANNUAL"
    quality_statement = "Số liệu do cơ quan cung cấp tổng hợp và kiểm tra."
    no_state_secret = True
    owner_org = factory.LazyFunction(lambda: Agency()["id"])


class Resource(ckan_factories.Resource):
    format = "CSV"
    url = factory.Sequence(lambda n: f"https://data.angiang.gov.vn/files/data-{n}.csv")
    package_id = factory.LazyFunction(lambda: Dataset()["id"])


def agency_dict(**overrides):
    """The fields of a valid agency, for API and form tests."""
    data = {
        "title": "Sở Nông nghiệp và Môi trường",
        "agency_level": "provincial",
        "focal_point_name": "Trần Thị Bình",
        "focal_point_position": "Phó Chánh Văn phòng",
        "focal_point_email": "snnmt@angiang.gov.vn",
        "focal_point_phone": "0296 3852 456",
    }
    data.update(overrides)
    return data


def dataset_dict(owner_org: str, **overrides):
    """The fields of a valid public dataset, for API and form tests."""
    data = {
        "title": "Danh sách trường học năm 2025",
        "notes": "Các trường học trên địa bàn tỉnh.",
        "owner_org": owner_org,
        "license_id": "CC-BY-4.0",
        "theme": ["EDUC"],
        "frequency": "ANNUAL",
        "quality_statement": "Tổng hợp từ báo cáo của các trường.",
        "no_state_secret": True,
    }
    data.update(overrides)
    return data
