"""Issue 4: article anatomy -- header and footer become metadata, not story."""
from __future__ import annotations

import time

import pytest

from kg.extract.article import parse_dateline, read_anatomy
from kg.model import Article


def anatomy(text: str, **meta) -> tuple[Article, str]:
    article = read_anatomy(Article(doc_id="t", text=text, **meta))
    return article, text[article.body_start:article.body_end]


def test_seed(seed_path):
    text = seed_path.read_text(encoding="utf-8")
    a, body = anatomy(text)
    assert a.date == "2025-05-19T13:59:00"
    assert a.author == "Anahita Hossein-Pour"
    assert a.source == "Press Association"  # "source: PA", spelled out by "Press Association: News"
    assert a.publisher == "Alliance News"  # the "(Alliance News) -" tag
    assert a.copyright == "Copyright 2025 Alliance News Ltd. All Rights Reserved."
    assert body.startswith("The UK will enter talks")
    assert body.endswith("legal migration routes.")
    for metadata in ("Alliance News", "By Anahita", "source: PA", "Copyright", "13:59"):
        assert metadata not in body


@pytest.mark.parametrize("line, iso", [
    ("19th May 2025 13:59", "2025-05-19T13:59:00"),
    ("19 May 2025", "2025-05-19"),
    ("Monday 19 May 2025, 1:59pm BST", "2025-05-19T13:59:00+01:00"),
    ("May 19, 2025 1:59 PM", "2025-05-19T13:59:00"),
    ("Mon, May 19th, 2025 at 09:05 GMT", "2025-05-19T09:05:00Z"),
    ("Published: 19 May 2025 13:59", "2025-05-19T13:59:00"),
    ("2025-05-19T13:59:00Z", "2025-05-19T13:59:00Z"),
    ("2025-05-19 13:59", "2025-05-19T13:59:00"),
    ("2025-05-19T13:59:00+0200", "2025-05-19T13:59:00+02:00"),
    ("19/05/2025", "2025-05-19"),
    ("Sept 3, 2024", "2024-09-03"),
    ("Tues 20 May 2025, 10.38am", "2025-05-20T10:38:00"),  # BBC style, which dateutil.parser cannot read
    ("Thurs 22 May 2025 at 8.45 p.m. EST", "2025-05-22T20:45:00-05:00"),
    ("2025-05-19T13:59:00.250+14:00", "2025-05-19T13:59:00+14:00"),
])
def test_datelines(line, iso):
    assert parse_dateline(line) == iso


@pytest.mark.parametrize("line", ["The UK said on 19 May 2025 that", "31 February 2025", "19 May", "Hello",
                                  "2025", "May", "10", "2025-05-19T13:59:00+2400", "19 May 2025 13:59 +01:99"])
def test_not_datelines(line):
    assert parse_dateline(line) is None


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset")
@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York", "Europe/London"])
def test_zones_do_not_depend_on_the_machine(monkeypatch, machine_zone):
    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        assert parse_dateline("19 May 2025 13:59 EST") == "2025-05-19T13:59:00-05:00"
        assert parse_dateline("19 May 2025 13:59 BST") == "2025-05-19T13:59:00+01:00"
        assert parse_dateline("2025-05-19T13:59:00Z") == "2025-05-19T13:59:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_reuters_style_dateline_and_credit():
    text = ("LONDON, May 19 (Reuters) - Britain will enter talks with the EU.\n"
            "Officials said more would follow.\n"
            "(Reporting by Kate Holton; Editing by Alex Richardson)\n"
            "© 2025 Thomson Reuters. All rights reserved.")
    a, body = anatomy(text)
    assert body == "Britain will enter talks with the EU.\nOfficials said more would follow."
    assert a.source == "Reuters"
    assert a.author == "Kate Holton"
    assert a.date == "2025-05-19"  # day from the dateline, year from the copyright line
    assert a.publisher == "Thomson Reuters"


def test_byline_on_top_with_role_and_two_authors():
    text = ("By Jane Smith and John Doe, Political Correspondents\n"
            "Monday 19 May 2025, 1:59pm BST\n"
            "The UK said so.\n"
            "Copyright (c) 2025 Example News Ltd")
    a, body = anatomy(text)
    assert body == "The UK said so."
    assert a.author == "Jane Smith; John Doe"
    assert a.date == "2025-05-19T13:59:00+01:00"
    assert a.publisher == "Example News"


def test_wire_tag_with_dash_variants():
    for dash in ("-", "\u2013", "\u2014", "--"):
        a, body = anatomy(f"2025-05-19\nWASHINGTON (AP) {dash} The US said it would respond.")
        assert body == "The US said it would respond.", dash
        assert a.source == "AP"


def test_jsonl_fields_win():
    text = "19th May 2025 13:59\n(Alliance News) - The story.\nBy Anahita Hossein-Pour\nsource: PA"
    a, body = anatomy(text, date="2025-05-20", author="Someone Else", source="Wire Desk")
    assert (a.date, a.author, a.source) == ("2025-05-20", "Someone Else", "Wire Desk")
    assert body == "The story."


def test_text_without_metadata_is_all_story():
    text = "Just a story.\nIt has two lines, and mentions By the way nothing else."
    a, body = anatomy(text)
    assert body == text and a.date is None and a.author is None and a.copyright is None


def test_a_story_line_that_looks_like_a_byline_is_kept():
    # "By" opening a real sentence in the last paragraph is not a byline
    text = "The minister spoke.\nBy the end of the day, the deal was signed and everyone went home happy."
    a, body = anatomy(text)
    assert body == text and a.author is None


def test_footer_noise_lines_are_metadata():
    text = ("The story ends here.\n"
            "Additional reporting by Sam Writer\n"
            "Follow Jane Smith on Twitter\n"
            "Contact: newsdesk@example.org\n"
            "All Rights Reserved.")
    a, body = anatomy(text)
    assert body == "The story ends here."
    assert a.copyright == "All Rights Reserved."


def test_only_metadata_keeps_the_text():
    text = "19th May 2025 13:59\nCopyright 2025 Example Ltd."
    a, body = anatomy(text)
    assert body == text.strip()
    assert a.date == "2025-05-19T13:59:00"
