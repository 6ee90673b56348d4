import pytest

from ckanext.angiang.slug import title_to_name, unique_name


@pytest.mark.parametrize(
    "title, name",
    [
        ("Sở Nông nghiệp và Môi trường", "so-nong-nghiep-va-moi-truong"),
        ("Đất đai", "dat-dai"),
        ("ĐƯỜNG Nguyễn Huệ", "duong-nguyen-hue"),
        ("Dữ liệu dân số năm 2024", "du-lieu-dan-so-nam-2024"),
        ("UBND xã Mỹ Hòa Hưng", "ubnd-xa-my-hoa-hung"),
        ("Giá đất: Bảng giá 2025/2026", "gia-dat-bang-gia-2025-2026"),
    ],
)
def test_vietnamese_titles_transliterate(title, name):
    assert title_to_name(title) == name


def test_long_titles_are_cut_at_a_word_boundary():
    name = title_to_name("Danh sách " * 30)
    assert len(name) <= 100
    assert name.endswith("danh-sach")


def test_unique_name_appends_a_counter():
    taken = {"dat-dai", "dat-dai-2"}
    assert unique_name("Đất đai", taken.__contains__) == "dat-dai-3"
