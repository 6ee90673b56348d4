"""The detector of English on Vietnamese pages (tests/browser/english.py)."""

from browser.english import english_words


def test_flags_english_ui_words():
    found = english_words("Tìm kiếm tập dữ liệu\nSearch Datasets...\nĐăng nhập")
    assert [f.split(" in ")[0] for f in found] == ["'Search'", "'Datasets'"]


def test_vietnamese_without_diacritics_and_place_names_pass():
    assert english_words("An Giang, Long Xuyên, in ấn, to lớn, dan so, dat dai, ban hành") == []


def test_proper_nouns_acronyms_addresses_pass():
    text = (
        "Tải CSV qua API của CKAN (DCAT, OpenAPI). Giấy phép Creative Commons Ghi công 4.0 "
        "(CC BY 4.0), Open Data Commons. Liên hệ so@angiang.gov.vn, https://example.org/data/file"
    )
    assert english_words(text) == []


def test_a_dictionary_not_an_allow_list():
    # a word never seen in the portal is still caught when it is English UI
    assert english_words("Bảng: Showing 1 to 10 of 57 entries")
    # ... and an unknown word that is not English UI is not
    assert english_words("Rạch Giá Phú Quốc Châu Đốc Óc Eo") == []
