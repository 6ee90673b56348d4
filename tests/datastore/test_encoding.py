"""Encodings of agencies' CSV files (ckanext/angiang/datastore/encoding.py):
detected and made UTF-8 before the DataStore load, or refused."""

import pytest

from ckanext.angiang.datastore import encoding

from .samples import ENCODINGS, encoded, table_text, xlsx

LABELS = {
    "utf-8": "UTF-8",
    "utf-8-bom": "UTF-8 (BOM)",
    "utf-8-nfd": "UTF-8",
    "utf-16": "UTF-16",
    "utf-16-le-no-bom": "UTF-16",
    "windows-1258": "Windows-1258",
    "tcvn3": "TCVN3 (ABC)",
}


def _file(tmp_path, data: bytes, name="bang.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize("name", ENCODINGS)
def test_made_utf8_nfc_whatever_it_came_in(tmp_path, name):
    path = _file(tmp_path, encoded(name))
    detected = encoding.normalise(path)
    assert detected.label == LABELS[name]
    assert open(path, "rb").read().decode("utf-8") == table_text()


def test_tcvn3_and_windows_1258_told_apart_on_a_few_words(tmp_path):
    text = "ma,ten\n1,Dân số và số hộ theo khu phố phường Long Xuyên\n"
    for name, label in (("tcvn3", "TCVN3 (ABC)"), ("windows-1258", "Windows-1258")):
        path = _file(tmp_path, encoded(name, text), name + ".csv")
        assert encoding.normalise(path).label == label
        assert open(path, encoding="utf-8").read() == text


def test_chunk_boundary_keeps_letters_and_their_tones(tmp_path, monkeypatch):
    monkeypatch.setattr(encoding, "CHUNK_BYTES", 7)
    text = "a,b\n" + "Dân số,Thoại Sơn\n" * 50
    path = _file(tmp_path, encoded("windows-1258", text))
    encoding.normalise(path)
    assert open(path, encoding="utf-8").read() == text


def test_invisible_characters_removed(tmp_path):
    text = "Tên\u202e,Dân\u200b số\n1,2\n"
    path = _file(tmp_path, text.encode("utf-8"))
    encoding.normalise(path)
    assert open(path, encoding="utf-8").read() == "Tên,Dân số\n1,2\n"


@pytest.mark.parametrize(
    "data, code",
    [
        (b"ma,ten\n1,\x00\x01\x02\x03binary\xff\xfe\x00\n", "binary"),
        # Shift-JIS Japanese: 8-bit, but reads as neither Vietnamese encoding
        ("コード,名前\n1,東京都\n".encode("shift_jis"), "encoding-unknown"),
        (b"\xef\xbb\xbfma,ten\n1,\xff\xfe\xfd\n", "encoding-unknown"),
    ],
    ids=["binary", "shift-jis", "bad-utf8-after-bom"],
)
def test_refused_with_a_code(tmp_path, data, code):
    path = _file(tmp_path, data)
    with pytest.raises(encoding.EncodingRefused) as refused:
        encoding.normalise(path)
    assert refused.value.code == code
    assert open(path, "rb").read() == data  # the file is left as it was


def test_spreadsheets_left_to_the_loader(tmp_path):
    data = xlsx([["Tên", "Dân số"], ["Mỹ Phước", 1]])
    path = _file(tmp_path, data, "bang.xlsx")
    assert encoding.normalise(path) is None
    assert open(path, "rb").read() == data
