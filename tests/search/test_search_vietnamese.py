"""Vietnamese search (issue 3, item 3): words typed without diacritics find
the accented titles; an exact-accent match and a phrase rank first."""

import unicodedata

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
import pytest

from .helpers import SEARCH_PLUGINS, names, search

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", SEARCH_PLUGINS),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


@pytest.fixture
def agency():
    return factories.Organization(
        name="s-nong-nghip-va-moi-trng", title="Sở Nông nghiệp và Môi trường"
    )


def make(agency, name, title, **kw):
    return factories.Dataset(name=name, title=title, owner_org=agency["id"], **kw)


def test_words_without_diacritics_find_the_accented_title(agency):
    make(agency, "dan-so", "Dữ liệu dân số")
    make(agency, "giao-thong", "Mạng lưới giao thông")
    assert names(search(q="du lieu dan so")) == ["dan-so"]
    assert names(search(q="DU LIEU DAN SO")) == ["dan-so"]
    assert names(search(q="Dữ liệu dân số")) == ["dan-so"]
    # text pasted in decomposed form (NFD) matches too
    assert names(search(q=unicodedata.normalize("NFD", "dữ liệu dân số"))) == ["dan-so"]


def test_dat_dai_with_and_without_accents_find_the_same_datasets(agency):
    make(agency, "dat-dai", "Đất đai")
    make(agency, "quy-hoach", "Quy hoạch sử dụng đất", tags=[{"name": "Đất đai"}])
    make(agency, "khac", "Khí tượng thủy văn")
    with_accents = search(q="Đất đai")
    without = search(q="dat dai")
    assert sorted(names(with_accents)) == sorted(names(without)) == ["dat-dai", "quy-hoach"]
    assert with_accents["count"] == without["count"] == 2
    # and as a filter on the tag field, which is an exact string as in Solr
    assert names(search(fq='tags:"Đất đai"')) == ["quy-hoach"]


def test_exact_accent_match_ranks_above_a_tone_collapsed_one(agency):
    # created first so that, without the exact-accent boost, the
    # tone-collapsed one would come first (newest first on equal score)
    make(agency, "dat-dai", "Đất đai tỉnh An Giang")
    make(agency, "dat-dai-tone", "Đạt đài tỉnh An Giang")
    assert names(search(q="Đất đai")) == ["dat-dai", "dat-dai-tone"]
    assert names(search(q="Đạt đài")) == ["dat-dai-tone", "dat-dai"]


def test_a_phrase_ranks_above_scattered_words(agency):
    make(agency, "phrase", "Dân số các xã")
    make(agency, "reversed", "Số dân các xã")
    make(agency, "scattered", "Số hộ dân các xã")  # newest: first on equal score
    assert names(search(q="dân số"))[0] == "phrase"
    assert names(search(q="dan so"))[0] == "phrase"
    assert names(search(q="số dân"))[0] == "reversed"
    assert search(q="dân số")["count"] == 3


def test_the_agency_title_is_searchable_without_accents(agency):
    # CKAN's name for the agency lost its Vietnamese letters; its title did not
    make(agency, "lua", "Diện tích lúa")
    assert names(search(q="nong nghiep moi truong")) == ["lua"]
    assert names(search(fq="organization:s-nong-nghip-va-moi-trng")) == ["lua"]


def test_autocomplete_without_accents(agency):
    make(agency, "dat-dai", "Đất đai")
    got = helpers.call_action("package_autocomplete", q="dat d")
    assert [g["name"] for g in got] == ["dat-dai"]
    got = helpers.call_action("package_autocomplete", q="Đất")
    assert [g["name"] for g in got] == ["dat-dai"]
