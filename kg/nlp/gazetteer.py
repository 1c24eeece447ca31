"""The ``kg_gazetteer`` pipeline component: find the gazetteer's names in a Doc.

It runs after ``ner`` and leaves ``doc.ents`` alone: it only records where
known names occur, as ``doc.spans["kg_gazetteer"]``, so that the extraction
stage can catch what the statistical NER missed ("the Commission" untagged,
"Channel" tagged as an organisation) and decide what each name means.
Matching is case-sensitive (``ORTH``): "US" is a country, "us" is not.

>>> import spacy
>>> nlp = spacy.blank("en")
>>> _ = nlp.add_pipe("kg_gazetteer")
>>> doc = nlp("The UK and the EU met in Brussels.")
>>> [span.text for span in doc.spans["kg_gazetteer"]]
['UK', 'EU', 'Brussels']
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc

SPANS_KEY = "kg_gazetteer"


def gazetteer_surface_forms() -> set[str]:
    """Every way the bundled gazetteer names something, without a leading "the"."""
    from kg.data import gazetteer_records

    forms: set[str] = set()
    for record in gazetteer_records():
        for field in ("aliases", "acronyms", "demonyms", "contextual"):
            forms.update(record.get(field, ()))
        forms.add(record["label"])
    return {f[4:] if f.lower().startswith("the ") else f for f in forms}


class GazetteerMatcher:
    """A ``Doc -> Doc`` component writing gazetteer matches to ``doc.spans``."""

    def __init__(self, nlp: Language, *, spans_key: str = SPANS_KEY) -> None:
        self.spans_key = spans_key
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.matcher.add("GAZETTEER", [nlp.make_doc(form) for form in sorted(gazetteer_surface_forms())])

    def __call__(self, doc: Doc) -> Doc:
        doc.spans[self.spans_key] = filter_spans(self.matcher(doc, as_spans=True))
        return doc


@Language.factory("kg_gazetteer", default_config={"spans_key": SPANS_KEY})
def make_gazetteer_matcher(nlp: Language, name: str, spans_key: str) -> GazetteerMatcher:
    return GazetteerMatcher(nlp, spans_key=spans_key)


def add_gazetteer(nlp: Language) -> Language:
    """Add ``kg_gazetteer`` after ``ner`` (once); returns ``nlp``."""
    if "kg_gazetteer" not in nlp.pipe_names:
        nlp.add_pipe("kg_gazetteer", after="ner" if "ner" in nlp.pipe_names else None)
    return nlp
