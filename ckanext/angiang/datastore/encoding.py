"""Character encodings of the tabular files loaded into the DataStore (Art. 5.2b, 5.3).

Agencies' CSV files come from Excel and from older office software: UTF-8 with
or without a byte order mark, UTF-16 (Excel's "Unicode text"), Windows-1258
(Vietnamese Windows code page, tones as combining marks) and TCVN3 (the 8-bit
"ABC" encoding of the .VnTime fonts, TCVN 5712:1993 VN3). Before the loader
reads a file, :func:`normalise` rewrites the loader's temporary copy as UTF-8
(NFC), so Vietnamese headers and text reach the DataStore intact; a file whose
encoding cannot be told with confidence, or that holds binary data, is refused
with :class:`EncodingRefused` (its ``code`` names the message shown on the
resource page, :mod:`ckanext.angiang.datastore.status`).

The two 8-bit encodings share their byte values, so the choice is made on the
text: the decoding whose words look like Vietnamese syllables (letters only, at
most one tone mark each) wins. The uploaded file itself is never changed.
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass

# TCVN 5712:1993 (VN1, a superset of TCVN3/ABC) bytes 0x80-0xFF as Unicode,
# generated with glibc iconv's TCVN5712-1 table. Bytes below 0x80 are ASCII
# (VN1's capitals in the C0 range are not used by TCVN3 files).
_TCVN3_HIGH = (
    "\u00c0\u1ea2\u00c3\u00c1\u1ea0\u1eb6\u1eac\u00c8\u1eba\u1ebc\u00c9\u1eb8\u1ec6\u00cc\u1ec8\u0128"
    "\u00cd\u1eca\u00d2\u1ece\u00d5\u00d3\u1ecc\u1ed8\u1edc\u1ede\u1ee0\u1eda\u1ee2\u00d9\u1ee6\u0168"
    "\u00a0\u0102\u00c2\u00ca\u00d4\u01a0\u01af\u0110\u0103\u00e2\u00ea\u00f4\u01a1\u01b0\u0111\u1eb0"
    "\u0300\u0309\u0303\u0301\u0323\u00e0\u1ea3\u00e3\u00e1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4"
    "\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\u00e8\u1ec2\u1ebb\u1ebd"
    "\u00e9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\u00ec\u1ec9\u1ec4\u1ebe\u1ed2\u0129\u00ed\u1ecb\u00f2"
    "\u1ed4\u1ecf\u00f5\u00f3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\u00f9"
    "\u1ed6\u1ee7\u0169\u00fa\u1ee5\u1eeb\u1eed\u1eef\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\u00fd\u1ef5\u1ed0"
)
_TCVN3_TABLE = {0x80 + i: ch for i, ch in enumerate(_TCVN3_HIGH)}

UTF8 = "utf-8"
UTF8_BOM = "utf-8-sig"
UTF16 = "utf-16"
CP1258 = "cp1258"
TCVN3 = "tcvn3"
LABELS = {
    UTF8: "UTF-8",
    UTF8_BOM: "UTF-8 (BOM)",
    UTF16: "UTF-16",
    CP1258: "Windows-1258",
    TCVN3: "TCVN3 (ABC)",
}

SAMPLE_BYTES = 1 << 20
CHUNK_BYTES = 1 << 20
# share of non-ASCII words that must read as Vietnamese syllables
MIN_SCORE = 0.8
_TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")
_WORD_SPLIT = re.compile(r"[\s,;|\"'()\[\]{}<>/\\.:!?=+*&%$#@~^`_0-9-]+")
_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
# Invisible characters that can make a header or a cell read other than it
# is (bidirectional overrides, zero-width characters, byte order marks inside
# the text, soft hyphens): removed from what is loaded.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


class EncodingRefused(ValueError):
    """A file the loader must not read as text; ``code`` names the message."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"[{code}] {detail}".strip())
        self.code = code


@dataclass(frozen=True)
class Detected:
    encoding: str

    @property
    def label(self) -> str:
        return LABELS[self.encoding]


def _decode_tcvn3(data: bytes) -> str:
    return data.decode("latin-1").translate(_TCVN3_TABLE)


def _decode(data: bytes, encoding: str) -> str:
    text = _decode_tcvn3(data) if encoding == TCVN3 else data.decode(encoding, "replace")
    return unicodedata.normalize("NFC", text)


def _is_syllable(word: str) -> bool:
    if not word.isalpha():
        return False
    tones = sum(1 for ch in word for mark in unicodedata.normalize("NFD", ch) if mark in _TONES)
    return tones <= 1


def vietnamese_score(text: str) -> tuple[float, int]:
    """(share of the words with non-ASCII letters that read as Vietnamese
    syllables, number of such words)."""
    words = [w for w in _WORD_SPLIT.split(text) if w and not w.isascii()]
    if not words:
        return 0.0, 0
    return sum(map(_is_syllable, words)) / len(words), len(words)


def _utf8_valid(path: str, skip: int) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as f:
        f.seek(skip)
        try:
            while chunk := f.read(CHUNK_BYTES):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _utf16_without_bom(sample: bytes) -> str | None:
    """utf-16-le/-be when every other byte of a text sample is NUL."""
    even, odd = sample[0::2], sample[1::2]
    if len(sample) < 4:
        return None
    if odd.count(0) > 0.3 * len(odd) and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) == 0:
        return "utf-16-be"
    return None


def detect(path: str) -> Detected | None:
    """The encoding of the text file at ``path``; None for a binary
    spreadsheet (XLSX, XLS: the loader reads those itself). Raises
    :class:`EncodingRefused` for binary data or an encoding not recognised."""
    with open(path, "rb") as f:
        sample = f.read(SAMPLE_BYTES)
    if sample.startswith(_SPREADSHEET_MAGIC):
        return None
    if sample.startswith(codecs.BOM_UTF8):
        if _utf8_valid(path, len(codecs.BOM_UTF8)):
            return Detected(UTF8_BOM)
        raise EncodingRefused("encoding-unknown", "invalid UTF-8 after a UTF-8 byte order mark")
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Detected(UTF16)
    if _utf16_without_bom(sample):
        return Detected(UTF16)
    if b"\x00" in sample:
        raise EncodingRefused("binary", "NUL bytes in a text file")
    if _utf8_valid(path, 0):
        return Detected(UTF8)
    scores = {enc: vietnamese_score(_decode(sample, enc)) for enc in (CP1258, TCVN3)}
    best = max(scores, key=lambda enc: scores[enc][0])
    other = TCVN3 if best == CP1258 else CP1258
    if scores[best][0] < MIN_SCORE or scores[best][0] == scores[other][0]:
        raise EncodingRefused(
            "encoding-unknown",
            f"Windows-1258 {scores[CP1258][0]:.2f}, TCVN3 {scores[TCVN3][0]:.2f}",
        )
    return Detected(best)


def _utf16_codec(path: str) -> str:
    with open(path, "rb") as f:
        head = f.read(SAMPLE_BYTES)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return _utf16_without_bom(head) or "utf-16"


def _text_chunks(path: str, detected: Detected):
    if detected.encoding == TCVN3:
        with open(path, "rb") as f:
            while chunk := f.read(CHUNK_BYTES):
                yield _decode_tcvn3(chunk)
        return
    codec = _utf16_codec(path) if detected.encoding == UTF16 else detected.encoding
    with open(path, encoding=codec, errors="strict", newline="") as f:
        while chunk := f.read(CHUNK_BYTES):
            yield chunk


def _clean(text: str) -> str:
    return _INVISIBLE.sub("", unicodedata.normalize("NFC", text))


def normalise(path: str) -> Detected | None:
    """Rewrite the text file at ``path`` in place as UTF-8 without BOM, in
    NFC (Windows-1258 and macOS write tones as combining marks, which would
    make "Dân số" two different column names), without the invisible
    characters of ``_INVISIBLE``; return what it was. A binary spreadsheet is
    left as it is (None). Raises :class:`EncodingRefused`."""
    detected = detect(path)
    if detected is None:
        return detected
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".utf8")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            tail = ""
            for chunk in _text_chunks(path, detected):
                # keep a base letter with the combining marks that may follow it
                text = tail + chunk
                cut = len(text)
                while cut > 0 and unicodedata.combining(text[cut - 1]):
                    cut -= 1
                cut = max(cut - 1, 0)
                out.write(_clean(text[:cut]))
                tail = text[cut:]
            out.write(_clean(tail))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return detected
