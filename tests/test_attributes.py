"""kg.nlp.attributes: the compiled attribute ruler sets what spaCy's sets, on every token."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from kg.nlp import default_model
from kg.nlp.attributes import CompiledAttributes, compilable, compile_attribute_rulers

from .conftest import BBC, need_shared

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SET = [POS, MORPH, LEMMA, TAG, DEP]


@pytest.fixture(scope="module")
def spacy_nlp():
    """The default model as spaCy loads it (its own attribute ruler)."""
    return spacy.load(default_model(), exclude=["lemmatizer"])


@pytest.fixture(scope="module")
def ruler(spacy_nlp) -> AttributeRuler:
    return spacy_nlp.get_pipe("attribute_ruler")


@pytest.fixture(scope="module")
def compiled(spacy_nlp, ruler) -> CompiledAttributes:
    fast = CompiledAttributes(spacy_nlp.vocab)
    fast.compile(ruler)
    return fast


def _attributes(doc: Doc) -> list[tuple]:
    return [(t.text, t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]


def _both(ruler, compiled, doc: Doc) -> tuple[list, list]:
    theirs, ours = doc.copy(), doc.copy()
    ruler(theirs)
    compiled(ours)
    return _attributes(theirs), _attributes(ours)


def _compare_on(spacy_nlp, ruler, compiled, texts) -> int:
    tokens = 0
    for doc in spacy_nlp.pipe(texts, disable=["attribute_ruler", "ner"]):
        theirs, ours = _both(ruler, compiled, doc)
        assert ours == theirs
        tokens += len(doc)
    return tokens


def test_the_english_ruler_compiles_whole(ruler, compiled):
    """Every pattern of en_core_web_sm's ruler is answered without a Matcher,
    multi-token ones (``gon na``, ``ai n't``, ``there is``) included."""
    assert compilable(ruler)
    patterns = sum(len(ruler.matcher.get(str(i))[1]) for i in range(len(ruler.attrs)))
    assert len(compiled._single) + len(compiled._multi) == patterns
    assert compiled._rest is None
    assert len(compiled._multi) >= 8


def test_same_attributes_on_the_examples(spacy_nlp, ruler, compiled):
    texts = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.txt"))]
    texts += ["They gonna win, I ain't sure. There is a chance, y'all. Let's go! C'mon, gotta go.",
              "", " ", "\n\n", "I'd say: that's it? It is what it is (mine, not yours)."]
    assert _compare_on(spacy_nlp, ruler, compiled, texts) > 300


def test_same_attributes_on_bbc_articles(spacy_nlp, ruler, compiled):
    with open(need_shared(BBC), encoding="utf-8") as fh:
        texts = [json.loads(line)["text"] for line in itertools.islice(fh, 60)]
    assert _compare_on(spacy_nlp, ruler, compiled, texts) > 20_000


def test_what_the_rules_set_changes_the_parse_as_the_ruler_does(spacy_nlp, ruler, compiled):
    """Not a no-op: the tag map sets POS and morphology, the exceptions lemmas and a DEP."""
    doc = spacy_nlp("I ain't going, they gonna stay.", disable=["attribute_ruler", "ner"])
    assert all(t.pos == 0 for t in doc)
    compiled(doc)
    assert [t.pos_ for t in doc][:4] == ["PRON", "AUX", "PART", "VERB"]
    assert (doc[0].lemma_, str(doc[0].morph)) == ("I", "Case=Nom|Number=Sing|Person=1|PronType=Prs")
    assert doc[1].lemma_ == "be"  # ai n't: a two-token pattern with a regular expression
    gon = [t for t in doc if t.lower_ == "gon"][0]
    assert (gon.lemma_, doc[gon.i + 1].lemma_) == ("go", "to")


def test_load_pipeline_puts_it_in_the_rulers_place(nlp):
    assert nlp.pipe_names.index("attribute_ruler") == nlp.pipe_names.index("parser") + 1
    assert nlp.get_pipe_meta("attribute_ruler").factory == "kg_attributes"
    assert isinstance(nlp.get_pipe("attribute_ruler"), CompiledAttributes)
    doc = nlp("The EU agreed.")
    assert [t.pos_ for t in doc] == ["DET", "PROPN", "VERB", "PUNCT"]


# generated text: words the patterns name and others, with any tag and label the model has

def _vocabulary(ruler) -> list[str]:
    words = {"Gon", "na", "ai", "n't", "nt", "y", "y'", "all", "is", "'re", "c'm", "on", "let",
             "'s", "got", "ta", "the", "The", "I", "her", "that", "so", "Brussels", "data", " ", "\n"}
    for i in range(len(ruler.attrs)):
        for pattern in ruler.matcher.get(str(i))[1]:
            for spec in pattern:
                for value in spec.values():
                    if isinstance(value, str):
                        words.add(value)
                    elif isinstance(value, dict):
                        words.update(v for v in value.get("IN", []) if isinstance(v, str))
    return sorted(w for w in words if w and not w.isupper() or w in {"I"})


@settings(max_examples=300)
@given(data=st.data())
def test_same_attributes_on_generated_docs(spacy_nlp, ruler, compiled, data):
    words_pool = _vocabulary(ruler)
    tags = list(spacy_nlp.get_pipe("tagger").labels) + ["_SP"]
    deps = list(spacy_nlp.get_pipe("parser").labels)
    n = data.draw(st.integers(1, 12))
    words = data.draw(st.lists(st.sampled_from(words_pool), min_size=n, max_size=n))
    doc = Doc(spacy_nlp.vocab, words=words,
              tags=data.draw(st.lists(st.sampled_from(tags), min_size=n, max_size=n)),
              deps=data.draw(st.lists(st.sampled_from(deps), min_size=n, max_size=n)),
              heads=list(range(n)))
    theirs, ours = _both(ruler, compiled, doc)
    assert ours == theirs


def test_patterns_only_a_matcher_reads_are_matched_by_one(spacy_nlp):
    """Operators, a negative index and attributes the compiler does not read go to a
    Matcher of their own, applied in rule order with the rest."""
    vocab = spacy_nlp.vocab
    ruler = AttributeRuler(vocab)
    ruler.add([[{"TAG": "NN"}]], {"POS": "NOUN"})
    ruler.add([[{"LOWER": "data"}, {"IS_PUNCT": True, "OP": "+"}]], {"POS": "X", "LEMMA": "datum"})
    ruler.add([[{"LOWER": "share"}, {"LOWER": "data"}]], {"MORPH": "Number=Plur"}, index=-1)
    ruler.add([[{"LENGTH": 4}]], {"TAG": "XX"})
    ruler.add([[{"ORTH": {"NOT_IN": ["data"]}, "TAG": "NN"}]], {"LEMMA": "thing"})
    fast = CompiledAttributes(vocab)
    fast.compile(ruler)
    assert fast._rest is not None and len(fast._rest) == 2
    for words in (["share", "data", "!", "!"], ["data", "data"], ["a", "data", "."], ["share"]):
        doc = Doc(vocab, words=words, tags=["NN"] * len(words))
        theirs, ours = _both(ruler, fast, doc)
        assert ours == theirs


def test_a_ruler_that_sets_other_attributes_is_left_alone():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "eu"}]], {"NORM": "european union"})  # lexical: also changes the Lexeme
    assert not compilable(ruler)
    compile_attribute_rulers(nlp)
    assert nlp.get_pipe("attribute_ruler") is ruler
    with pytest.raises(ValueError, match="cannot compile"):
        CompiledAttributes(nlp.vocab).compile(ruler)


def test_a_bad_index_fails_as_the_rulers_does(spacy_nlp):
    ruler = AttributeRuler(spacy_nlp.vocab)
    ruler.add([[{"LOWER": "eu"}]], {"POS": "PROPN"}, index=3)
    fast = CompiledAttributes(spacy_nlp.vocab)
    fast.compile(ruler)
    doc = Doc(spacy_nlp.vocab, words=["the", "eu"])
    with pytest.raises(ValueError):
        ruler(doc.copy())
    with pytest.raises(ValueError, match="sets token 3 of a 1-token match"):
        fast(doc.copy())
