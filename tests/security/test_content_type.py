"""The rules of ckanext/angiang/metadata/content_type.py (libmagic's type
against the declared open format), without a site."""

import io

import pytest

from ckanext.angiang.metadata import content_type


@pytest.mark.parametrize(
    "code, sniffed, refused",
    [
        ("CSV", "text/csv", False),
        ("CSV", "text/plain", False),
        ("CSV", "text/x-c", False),  # text libmagic mistakes for code
        ("CSV", "text/html", True),
        ("CSV", "application/x-dosexec", True),
        ("CSV", "application/vnd.microsoft.portable-executable", True),
        ("XML", "text/xml", False),
        ("XML", "image/svg+xml", True),
        ("PNG", "image/png", False),
        ("PNG", "image/svg+xml", True),
        ("PNG", "text/plain", True),
        ("XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False),
        ("XLSX", "application/zip", False),
        ("XLSX", "text/html", True),
        ("PDF", "application/pdf", False),
        ("PDF", "text/javascript", True),
        (None, "application/octet-stream", False),
        (None, "text/html", True),  # no known format
        ("CSV", "application/x-empty", False),  # an empty file runs nothing
    ],
)
def test_rules(code, sniffed, refused):
    assert content_type.disagreement(code, sniffed) is refused


@pytest.mark.parametrize(
    "resource, filename, code",
    [
        ({"format": "csv"}, "x.bin", "CSV"),
        ({"mimetype": "application/json"}, "x.bin", "JSON"),
        ({}, "truong-hoc.XLSX", "XLSX"),
        ({}, "README", None),
    ],
)
def test_declared_format(resource, filename, code):
    assert content_type.declared_format(resource, filename) == code


def test_sniff_rewinds_the_stream():
    stream = io.BytesIO(b"<!DOCTYPE html><p>x</p>")
    stream.read(3)
    assert content_type.sniff(stream) == "text/html"
    assert stream.tell() == 0
