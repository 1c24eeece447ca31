"""Reading input files in any text encoding; skipping binary ones with a warning."""
from __future__ import annotations

import json
import random
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.inputs import InputWarning, Source, read_articles

TEXT = "Caf\u00e9 owners paid \u00a35 \u2014 \u201cthe deal\u201d, said Zo\u00eb, \u00bd done."
STORY = ("The UK will enter talks with the EU on sharing facial images, the government said on Monday. "
         "Officials in Brussels said the agreement would help investigators across borders.\n")


def read(path: Path) -> tuple[list[str], list[str]]:
    """(texts read, warning messages) for one input file."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        texts = [a.text for a in read_articles([Source(path, None)])]
    assert all(issubclass(w.category, InputWarning) for w in caught)
    return texts, [str(w.message) for w in caught]


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data", [
    TEXT.encode("utf-16"),  # little-endian with a BOM, as Windows "Unicode" saves it
    b"\xfe\xff" + TEXT.encode("utf-16-be"),
    TEXT.encode("utf-32"),
], ids=["utf-16-le-bom", "utf-16-be-bom", "utf-32-bom"])
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path, data):
    path = write(tmp_path, data)
    texts, messages = read(path)
    assert texts == [TEXT]
    assert len(messages) == 1 and messages[0].startswith(f"{path}: not UTF-8; decoded as utf-")
    assert "byte-order mark" in messages[0]


def test_utf16_without_a_bom_is_detected(tmp_path):
    text = "The UK will enter talks with the EU, the government said on Monday."
    texts, messages = read(write(tmp_path, text.encode("utf-16-le")))
    assert texts == [text]
    assert "decoded as utf-16-le" in messages[0]


def test_utf8_with_a_bom_is_plain_utf8(tmp_path):
    texts, messages = read(write(tmp_path, TEXT.encode("utf-8-sig")))
    assert texts == [TEXT] and messages == []


def test_cp1252_is_decoded_with_a_warning_naming_it(tmp_path):
    path = write(tmp_path, TEXT.encode("cp1252"))
    texts, messages = read(path)
    assert texts == [TEXT]  # "£", not cp1250's "Ł" (charset-normalizer's own first guess)
    assert messages == [f"{path}: not valid UTF-8 (byte 3); decoded as cp1252 — "
                        "re-save the file as UTF-8 if characters look wrong"]


def test_latin1_is_read(tmp_path):
    text = "Le pr\u00e9sident fran\u00e7ais a rencontr\u00e9 \u00e0 Paris les repr\u00e9sentants des syndicats."
    texts, messages = read(write(tmp_path, text.encode("latin-1")))
    assert texts == [text]
    assert "not valid UTF-8" in messages[0] and "decoded as cp1252" in messages[0]  # the same bytes


def test_a_legacy_code_page_other_than_cp1252_is_detected(tmp_path):
    text = "Президент России встретился с канцлером Германии в Москве во вторник."
    texts, messages = read(write(tmp_path, text.encode("cp1251")))
    assert texts == [text]
    assert "decoded as cp1251" in messages[0]


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x1f\x15\xc4\x89",
    random.Random(0).randbytes(4096),
    bytes(b for b in random.Random(1).randbytes(600) if b),  # no NUL byte at all
    STORY.encode() + b"\x00" * 512,  # a text file padded with NULs, as a crash can leave it
    STORY.encode().replace(b"talks", b"tal\x00ks"),
], ids=["png-header", "random", "random-without-nul", "nul-padded-text", "nul-in-text"])
def test_binary_files_are_skipped_with_one_warning(tmp_path, data):
    path = write(tmp_path, data)
    texts, messages = read(path)
    assert texts == []
    assert len(messages) == 1 and messages[0].startswith(f"{path}: looks like a binary file")


def test_empty_file_is_skipped_with_one_warning(tmp_path):
    path = write(tmp_path, b"")
    assert read(path) == ([], [f"{path}: empty document; skipped"])


def test_utf16_json_lines_with_a_bom_are_read(tmp_path):
    # PowerShell 5's Out-File writes UTF-16 LE with a BOM
    lines = [json.dumps({"id": "a", "text": TEXT}, ensure_ascii=False),
             json.dumps({"id": "b", "text": "The EU said so."})]
    path = write(tmp_path, "\r\n".join(lines).encode("utf-16"), "corpus.jsonl")
    texts, messages = read(path)
    assert texts == [TEXT, "The EU said so."]
    assert len(messages) == 1 and "decoded as utf-16" in messages[0]


def test_a_cp1252_json_line_is_decoded_alone(tmp_path):
    good = json.dumps({"id": "a", "text": "The UK said so."}).encode()
    bad = json.dumps({"id": "b", "text": TEXT}, ensure_ascii=False).encode("cp1252")
    path = write(tmp_path, good + b"\n" + bad + b"\n", "corpus.jsonl")
    texts, messages = read(path)
    assert texts == ["The UK said so.", TEXT]
    assert len(messages) == 1 and messages[0].startswith(f"{path}:2: not valid UTF-8")


# Any text without NUL (which marks a file as binary) and a leading U+FEFF (which is
# a byte-order mark, not text) is read back exactly from UTF-8 and from UTF-16/32 with a BOM.
# (The control characters no XML output can hold are left out here: they are read
# back as U+FFFD, one for one; tests/test_hostile_inputs.py checks that.)
NOT_IN_XML = "".join(map(chr, [*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\ufeff" + NOT_IN_XML),
                min_size=1).filter(str.strip)
codecs = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "utf-32"])


@settings(max_examples=300, deadline=None)
@given(texts, codecs)
def test_any_text_in_utf8_or_utf16_round_trips(text, codec):
    data = b"\xfe\xff" + text.encode("utf-16-be") if codec == "utf-16-be-bom" else text.encode(codec)
    with tempfile.TemporaryDirectory() as tmp:
        assert read(write(Path(tmp), data))[0] == [text]
