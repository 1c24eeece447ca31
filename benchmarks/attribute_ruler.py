"""spaCy's attribute_ruler vs kg's compiled one (kg.nlp.attributes), on BBC articles.

    python benchmarks/attribute_ruler.py [N_ARTICLES]   (default 1000)

Parses the texts up to the attribute ruler (tagger and parser, no NER), then
runs both rulers on copies of every Doc, alternating which goes first, and
checks that part of speech, morphology, lemma, tag and dependency label are the
same on every token. Prints the CPU seconds of each and their share of the
whole pipeline as spaCy loads it (timed on the same texts, component by
component). Exits 1 if any token differs.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import bbc_records  # noqa: E402

import spacy  # noqa: E402
from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG  # noqa: E402

from kg.nlp import default_model  # noqa: E402
from kg.nlp.attributes import CompiledAttributes  # noqa: E402

SET = [POS, MORPH, LEMMA, TAG, DEP]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    texts = [r["text"] for r in bbc_records(n)]
    nlp = spacy.load(default_model())
    ruler = nlp.get_pipe("attribute_ruler")
    compiled = CompiledAttributes(nlp.vocab)
    compiled.compile(ruler)

    # the whole pipeline, component by component, for the share
    per_component = dict.fromkeys(nlp.pipe_names, 0.0)
    start = time.process_time()
    docs = [nlp.make_doc(t) for t in texts]
    tokenizer = time.process_time() - start
    for name, proc in nlp.pipeline:
        if name == "ner":
            ner_docs = docs  # the rulers are compared on Docs without entities
        start = time.process_time()
        docs = list(proc.pipe(docs, batch_size=256)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        per_component[name] = time.process_time() - start
    pipeline = tokenizer + sum(per_component.values())
    del docs

    # the two rulers on the same parses (attributes reset to before the ruler)
    bare = list(nlp.pipe(texts, disable=["attribute_ruler", "lemmatizer", "ner"]))
    del ner_docs
    spent = {"spaCy's attribute_ruler": 0.0, "kg's compiled ruler": 0.0}
    differ = tokens = 0
    for k, doc in enumerate(bare):
        theirs, ours = doc.copy(), doc.copy()
        order = [("spaCy's attribute_ruler", ruler, theirs), ("kg's compiled ruler", compiled, ours)]
        for name, component, target in (order if k % 2 == 0 else order[::-1]):
            start = time.process_time()
            component(target)
            spent[name] += time.process_time() - start
        a, b = theirs.to_array(SET), ours.to_array(SET)
        tokens += len(doc)
        if not (a == b).all():
            differ += 1
            for x, y in zip(theirs, ours):
                if (x.pos, x.morph.key, x.lemma, x.tag, x.dep) != (y.pos, y.morph.key, y.lemma, y.tag, y.dep):
                    print(f"differs in article {k}: {x.text!r} {x.pos_} {x.morph} {x.lemma_!r} "
                          f"vs {y.pos_} {y.morph} {y.lemma_!r}")
                    break

    print(f"{len(texts)} articles, {tokens:,} tokens; pipeline as spaCy loads it: {pipeline:.1f} s CPU "
          f"({', '.join(f'{k} {v:.1f}' for k, v in per_component.items())}, tokenizer {tokenizer:.1f})")
    for name, seconds in spent.items():
        print(f"{name:24s} {seconds:6.2f} s CPU = {100 * seconds / pipeline:4.1f}% of the pipeline")
    ratio = spent["spaCy's attribute_ruler"] / max(spent["kg's compiled ruler"], 1e-9)
    print(f"compiled ruler: {ratio:.1f}x faster; {len(compiled._single)} one-token and "
          f"{len(compiled._multi)} longer patterns compiled, "
          f"{len(compiled._rest) if compiled._rest else 0} left to a Matcher")
    print(f"tokens with a different attribute: {'none' if not differ else f'{differ} articles differ'}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
