"""The keywords of a SPARQL text, told apart from the same letters in a string,
an IRI, a comment, a variable, a prefixed name or a language tag: enough to see
whether a query names its own dataset (``FROM``) or calls out (``SERVICE``)
without parsing it."""
from __future__ import annotations

import re

# SPARQL's lexical tokens, enough to tell a SERVICE keyword from the same letters
# in a string, an IRI, a comment, a variable, a prefixed name or a language tag
_LEXEME = re.compile(r'''
    \#[^\n\r]*                                                     # comment
  | """(?:[^"\\]|\\.|"(?!""))*"""  |  \'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'
  | "(?:[^"\\\n\r]|\\.)*"  |  '(?:[^'\\\n\r]|\\.)*'                # strings
  | <[^<>"{}|^`\\\x00-\x20]*>                                      # IRI
  | @[A-Za-z]+(?:-[A-Za-z0-9]+)*                                   # language tag
  | [?$][\w\u00B7\u00C0-\uFFFF]+                                   # variable
  | (?P<name>[A-Za-z_\u00C0-\uFFFF][\w\-.\u00B7\u00C0-\uFFFF]*)?:[\w\-.:%\\\u00B7\u00C0-\uFFFF]*  # prefixed name
  | (?P<word>[A-Za-z][\w]*)                                        # keyword
  | .
''', re.VERBOSE | re.DOTALL)


def keywords(query: str) -> frozenset[str]:
    """The keywords of a query, upper case: its words that are not in a string,
    an IRI, a comment, a variable, a prefixed name or a language tag.

    >>> sorted(keywords('SELECT ?from { ?s ex:FROM "FROM"@from } # FROM'))
    ['SELECT']
    """
    return frozenset(m["word"].upper() for m in _LEXEME.finditer(query) if m["word"] is not None)


def names_own_dataset(query: str) -> bool:
    """Whether ``query`` names its dataset with FROM or FROM NAMED (which
    pyoxigraph's union default graph would otherwise override)."""
    return "FROM" in keywords(query)
