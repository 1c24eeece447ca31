"""What every drawing of a view shares: the colour of each entity type, and text
as graph tools show it. The views are :mod:`kg.export.views`, the file formats
:mod:`kg.export.formats`, the page :mod:`kg.export.html`.
"""
from __future__ import annotations

import re

# Colour-blind-safe where it matters (Okabe-Ito for the common types).
TYPE_COLOURS = {
    "Person": "#e69f00",
    "Organization": "#0072b2",
    "GovernmentOrganization": "#56b4e9",
    "Country": "#009e73",
    "City": "#882255",
    "Place": "#66a61e",
    "Event": "#cc79a7",
    "Product": "#d55e00",
    "CreativeWork": "#9467bd",
    "Legislation": "#8c564b",
    "Language": "#bcbd22",
    "Thing": "#7f7f7f",
    "Phrase": "#bbbbbb",
}
OTHER_COLOUR = "#a0a0a0"

# XML 1.0 cannot carry these at all; display text replaces them
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def type_colour(schema_type: str) -> str:
    """The display colour (``#rrggbb``) of an entity type."""
    return TYPE_COLOURS.get(schema_type, OTHER_COLOUR)


def display_text(text: object) -> str:
    """Text as shown in a graph tool: one line, no characters XML forbids.

    >>> display_text("EU\\n  talks\\x07")
    'EU talks\\ufffd'
    """
    return " ".join(_NOT_XML.sub("\ufffd", str(text)).split())


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri
