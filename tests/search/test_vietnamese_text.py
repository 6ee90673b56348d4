"""Vietnamese normalisation: Python side (NFC, casefold, fold) and the
PostgreSQL text search configurations the index is built with."""

import unicodedata

import ckan.model as model
import pytest
import sqlalchemy as sa

from ckanext.angiang.search import text
from ckanext.angiang.search.model import run_migrations

# "Dữ liệu dân số" typed with combining marks (NFD), as macOS and PDFs give it
NFD = unicodedata.normalize("NFD", "Dữ liệu dân số")


def test_nfc_and_casefold():
    assert NFD != "Dữ liệu dân số"
    assert text.normalize(NFD) == "dữ liệu dân số"
    assert text.normalize("ĐẤT ĐAI") == "đất đai"
    assert text.normalize(None) == ""


@pytest.mark.parametrize(
    "raw,folded",
    [
        ("Đất đai", "dat dai"),
        ("ĐẤT ĐAI", "dat dai"),
        ("Dữ liệu dân số", "du lieu dan so"),
        (NFD, "du lieu dan so"),
        ("Sở Nông nghiệp và Môi trường", "so nong nghiep va moi truong"),
        ("Ủy ban nhân dân xã Mỹ Hòa Hưng", "uy ban nhan dan xa my hoa hung"),
    ],
)
def test_fold(raw, folded):
    assert text.fold(raw) == folded


def test_join_values_puts_a_gap_between_values():
    assert text.join_values(["Dân", "", "Số"]) == f"dân {text.GAP_TOKEN} số"


@pytest.fixture
def db():
    run_migrations()  # non_clean_db: CKAN's reset drops them once
    yield model.Session
    model.Session.rollback()


def _scalar(session, sql, **params):
    return session.execute(sa.text(sql), params).scalar()


@pytest.mark.usefixtures("non_clean_db")
class TestPostgresConfigurations:
    def test_unaccent_maps_d_with_stroke(self, db):
        # PostgreSQL's unaccent already maps đ/Đ -> d (verified, not assumed)
        assert _scalar(db, "SELECT unaccent('Đất đai đĐ')") == "Dat dai dD"

    def test_folded_configuration_removes_tones_and_case(self, db):
        vector = _scalar(
            db,
            "SELECT to_tsvector('angiang_unaccent', :t)::text",
            t=text.normalize("Đất ĐAI Dữ liệu"),
        )
        assert vector == "'dai':2 'dat':1 'du':3 'lieu':4"

    def test_exact_configuration_keeps_the_accents(self, db):
        vector = _scalar(
            db, "SELECT to_tsvector('angiang_exact', :t)::text", t=text.normalize("Đất đai")
        )
        assert vector == "'đai':2 'đất':1"

    def test_unaccented_query_matches_accented_text(self, db):
        for query in ("du lieu dan so", "Dữ liệu dân số", NFD):
            assert (
                _scalar(
                    db,
                    "SELECT to_tsvector('angiang_unaccent', :doc) @@ "
                    "phraseto_tsquery('angiang_unaccent', :q)",
                    doc=text.normalize("Dữ liệu dân số tỉnh An Giang"),
                    q=text.normalize(query),
                )
                is True
            )

    def test_tone_collapsed_words_differ_only_in_the_exact_configuration(self, db):
        same_folded = _scalar(
            db,
            "SELECT to_tsvector('angiang_unaccent', 'đạt đài') @@ "
            "phraseto_tsquery('angiang_unaccent', 'đất đai')",
        )
        same_exact = _scalar(
            db,
            "SELECT to_tsvector('angiang_exact', 'đạt đài') @@ "
            "phraseto_tsquery('angiang_exact', 'đất đai')",
        )
        assert same_folded is True and same_exact is False


@pytest.mark.ckan_config("ckan.plugins", "angiang angiang_search")
@pytest.mark.ckan_config("ckan.locale_default", "vi")
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_query_errors_are_explained_in_vietnamese(app):
    res = app.get("/api/3/action/package_search", query_string={"q": 'title:"đất đai'}, status=400)
    message = res.json["error"]["message"]
    assert "Không hiểu được truy vấn tìm kiếm" in message
    assert "thiếu dấu ngoặc kép đóng" in message
    res = app.get(
        "/api/3/action/package_search",
        query_string={"fq": "metadata_modified:[hômqua TO NOW]"},
        status=400,
    )
    assert "không phải ngày" in res.json["error"]["message"]


@pytest.mark.ckan_config("ckan.plugins", "angiang_search")
@pytest.mark.usefixtures("with_plugins", "clean_db")
def test_query_errors_in_english(app):
    res = app.get("/api/3/action/package_search", query_string={"q": "title:(đất"}, status=400)
    assert "Cannot parse the search query" in res.json["error"]["message"]
    assert "a parenthesis is not closed" in res.json["error"]["message"]
