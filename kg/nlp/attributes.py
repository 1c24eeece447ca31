"""spaCy's ``attribute_ruler``, with the same answers for a tenth of its time.

The ``AttributeRuler`` of the English pipelines maps each fine-grained tag to a
coarse part of speech and morphology (the "tag map") and corrects a few words
("the" gets ``Definite=Def``, "I" the lemma "I"). It does this with a
``Matcher`` over ~180 rules, whose set predicates (``{"LOWER": {"IN": [...]}}``)
run in Python for every token: about 10% of ``en_core_web_sm``'s time, as much
as the dependency parser.

Almost every rule is a pattern of one token that tests attributes the token
already has (its tag, lower-case form, dependency label ...). Which such rules
match a token depends only on those attributes, so :class:`CompiledAttributes`
works the answer out once per distinct combination and then reads it from a
dict: the token's final part of speech, morphology, lemma, tag and dependency label are those
of the last matching rule that sets each, exactly as the ruler leaves them
(it applies its matches in rule order, so a later rule wins). Patterns it
cannot read that way (several tokens, operators, other attributes) are left
to a ``Matcher`` of their own and applied in the same order. A ruler that
sets anything else (lexical attributes, extensions) is not replaced at all.

``tests/test_attributes.py`` checks the two give the same attributes on every
token of real and of generated text; ``benchmarks/attribute_ruler.py`` checks
1,000 BBC articles and prints both times.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

import numpy
from spacy.attrs import DEP, IDS, LEMMA, MORPH, POS, TAG
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

if TYPE_CHECKING:
    from spacy.vocab import Vocab

# what a compiled rule may set: token attributes that from_array writes as the ruler does
SETTABLE = (POS, MORPH, LEMMA, TAG, DEP)
# what a compiled pattern may test: attributes whose matcher value is the to_array value
TESTABLE = {name: IDS[name] for name in (
    "ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "TAG", "DEP", "ENT_TYPE",
    "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT",
    "IS_SPACE", "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL",
)}
# distinct token descriptions remembered (then forgotten and worked out again)
CACHE_SIZE = 500_000
_COLUMN = {attr: k for k, attr in enumerate(SETTABLE)}


def compile_attribute_rulers(nlp: Language) -> Language:
    """Replace each ``AttributeRuler`` of ``nlp`` whose rules allow it by a
    :class:`CompiledAttributes` of the same name and place; returns ``nlp``."""
    for name, component in list(nlp.pipeline):
        if type(component) is AttributeRuler and compilable(component):
            nlp.replace_pipe(name, "kg_attributes")
            nlp.get_pipe(name).compile(component)
    return nlp


def compilable(ruler: AttributeRuler) -> bool:
    """True when every rule of ``ruler`` sets only :data:`SETTABLE` attributes."""
    return all(set(attrs) <= set(SETTABLE) for attrs in ruler.attrs)


@Language.factory("kg_attributes")
def make_compiled_attributes(nlp: Language, name: str) -> CompiledAttributes:
    return CompiledAttributes(nlp.vocab, name)


class _Test:
    """One attribute test of a pattern token: a value, a set the value must (not) be
    in, or a regular expression its string must match."""

    __slots__ = ("column", "value", "among", "inside", "regex")

    def __init__(self, column: int, value: int | None = None, among: frozenset | None = None,
                 inside: bool = True, regex: re.Pattern | None = None) -> None:
        self.column, self.value, self.among, self.inside, self.regex = column, value, among, inside, regex

    def holds(self, value: int, strings) -> bool:
        if self.regex is not None:
            return bool(self.regex.search(strings[value]))
        if self.among is None:
            return value == self.value
        return (value in self.among) == self.inside


class CompiledAttributes:
    """An ``AttributeRuler``'s rules, answered by token description (see the module).

    Each pattern is compiled to one list of tests per token. A token's
    description is the tuple of the attributes the tests read; which tests
    hold for it is worked out once per distinct value of each attribute, and
    what the rules then set once per distinct combination of those answers.
    """

    def __init__(self, vocab: Vocab, name: str = "attribute_ruler") -> None:
        self.vocab, self.name = vocab, name
        self._columns: list[int] = []  # the attributes the tests read
        self._tests: list[list[tuple[int, _Test]]] = []  # per column, (test id, test)
        self._specs: list[frozenset[int]] = []  # per pattern token, the test ids it needs
        self._single: list[tuple[int, int]] = []  # (rule, spec) of one-token patterns, in rule order
        self._multi: list[tuple[int, tuple[int, ...]]] = []  # (rule, specs) of longer ones
        self._attrs: list[dict[int, int]] = []
        self._indices: list[int] = []
        self._rest: Matcher | None = None
        self._answers: list[dict[int, frozenset[int]]] = []  # per column: value -> tests that hold
        # token description -> (what the one-token rules set, the longer patterns it can
        # start); and the same by the tests that hold
        self._cache: dict[tuple[int, ...], tuple] = {}
        self._outcomes: dict[frozenset[int], tuple] = {}

    def compile(self, ruler: AttributeRuler) -> None:
        """Take the rules of ``ruler`` (left as it is)."""
        if not compilable(ruler):
            raise ValueError(f"attribute ruler {ruler.name!r} sets attributes kg cannot compile")
        self._attrs = [dict(attrs) for attrs in ruler.attrs]
        self._indices = list(ruler.indices)
        columns: dict[int, int] = {}
        tests: list[list[tuple[int, _Test]]] = []
        specs: dict[frozenset[int], int] = {}
        ids: dict[tuple, int] = {}
        single, multi, rest = [], [], Matcher(self.vocab, validate=False)
        for rule in range(len(self._attrs)):
            key = str(rule)
            for pattern in ruler.matcher.get(key)[1]:
                compiled = [self._compile_token(spec) for spec in pattern]
                index = self._indices[rule]
                if not pattern or any(c is None for c in compiled) or not -len(pattern) <= index < len(pattern):
                    rest.add(self.vocab.strings.add(key), [pattern])
                    continue
                pattern_specs = []
                for token_tests in compiled:
                    needed = set()
                    for attr, test, signature in token_tests:
                        column = columns.setdefault(attr, len(columns))
                        if column == len(tests):
                            tests.append([])
                        test.column = column
                        if (column, signature) not in ids:
                            ids[column, signature] = len(ids)
                            tests[column].append((ids[column, signature], test))
                        needed.add(ids[column, signature])
                    pattern_specs.append(specs.setdefault(frozenset(needed), len(specs)))
                if len(pattern_specs) == 1:
                    single.append((rule, pattern_specs[0]))
                else:
                    multi.append((rule, tuple(pattern_specs)))
        self._columns = list(columns)
        self._tests = tests
        self._specs = [spec for spec, _ in sorted(specs.items(), key=lambda item: item[1])]
        self._single, self._multi = single, multi
        self._rest = rest if len(rest) else None
        self._answers = [{} for _ in columns]
        self._cache, self._outcomes = {}, {}

    def _compile_token(self, spec: dict) -> list[tuple[int, _Test, tuple]] | None:
        """``(attribute, test, signature)`` for each test of a pattern token, or None
        when the token uses what only the Matcher reads (operators, other attributes)."""
        out = []
        for key, wanted in spec.items():
            attr = TESTABLE.get("ORTH" if str(key).upper() == "TEXT" else str(key).upper())
            if attr is None:
                return None
            if isinstance(wanted, bool):
                out.append((attr, _Test(0, value=int(wanted)), ("=", int(wanted))))
            elif isinstance(wanted, str):
                value = self.vocab.strings.add(wanted)
                out.append((attr, _Test(0, value=value), ("=", value)))
            elif isinstance(wanted, int):
                out.append((attr, _Test(0, value=wanted), ("=", wanted)))
            elif isinstance(wanted, dict) and len(wanted) == 1:
                (op, values), = wanted.items()
                if op == "REGEX" and isinstance(values, str):
                    out.append((attr, _Test(0, regex=re.compile(values)), ("~", values)))
                elif (op in ("IN", "NOT_IN") and isinstance(values, (list, tuple))
                      and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values)):
                    among = frozenset(get_string_id(v) for v in values)
                    out.append((attr, _Test(0, among=among, inside=op == "IN"), (op, among)))
                else:
                    return None
            else:
                return None
        return out

    def _describe(self, row: tuple[int, ...]) -> tuple:
        """What the one-token rules set on a token described by ``row``, as
        ``(column of SETTABLE, value, rule)`` (the value of the last matching rule that sets
        it), the specs of pattern tokens it satisfies, and the longer patterns
        whose first token it satisfies."""
        holding: set[int] = set()
        strings = self.vocab.strings
        for value, answers, tests in zip(row, self._answers, self._tests):
            found = answers.get(value)
            if found is None:
                found = answers[value] = frozenset(i for i, test in tests if test.holds(value, strings))
            holding |= found
        key = frozenset(holding)
        outcome = self._outcomes.get(key)
        if outcome is None:
            satisfied = {k for k, spec in enumerate(self._specs) if spec <= key}
            final: dict[int, tuple[int, int]] = {}
            for rule, spec in self._single:
                if spec in satisfied:
                    for attr, value in self._attrs[rule].items():
                        final[attr] = (value, rule)
            sets = tuple((_COLUMN[attr], value, rule) for attr, (value, rule) in final.items())
            starts = tuple(k for k, (_, specs) in enumerate(self._multi) if specs[0] in satisfied)
            outcome = self._outcomes[key] = (sets, frozenset(satisfied) if starts or self._multi else frozenset(),
                                             starts)
        return outcome

    def __call__(self, doc: Doc) -> Doc:
        error_handler = self.get_error_handler()
        try:
            return self._apply(doc)
        except Exception as e:  # noqa: BLE001 (spaCy's own error-handler protocol)
            return error_handler(self.name, self, [doc], e)

    def _apply(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        cache, describe = self._cache, self._describe
        rows = doc.to_array(self._columns).tolist() if self._columns else [[]] * n
        values = doc.to_array(list(SETTABLE)).tolist()
        described = []
        for i, row in enumerate(rows):
            key = tuple(row)
            found = cache.get(key)
            if found is None:
                if len(cache) >= CACHE_SIZE:
                    cache.clear()
                found = cache[key] = describe(key)
            if found[0]:
                token_values = values[i]
                for column, value, _ in found[0]:
                    token_values[column] = value
            described.append(found)
        later = []  # (rule, start, end) of the matches not yet applied, as the ruler sorts them
        for start, found in enumerate(described):
            for k in found[2]:
                rule, specs = self._multi[k]
                end = start + len(specs)
                if end <= n and all(spec in described[start + j][1] for j, spec in enumerate(specs[1:], 1)):
                    later.append((rule, start, end))
        if self._rest is not None:
            later.extend((int(self.vocab.strings[key]), start, end)
                         for key, start, end in self._rest(doc, allow_missing=True))
        if later:
            self._apply_later(doc, values, described, sorted(later))
        doc.from_array(list(SETTABLE), numpy.array(values, dtype=numpy.uint64))
        return doc

    def _apply_later(self, doc: Doc, values, described: list, matches: list) -> None:
        """Apply the matches of patterns longer than a token (and the Matcher's) in
        rule order: each sets what no later rule has set on its token."""
        setters: dict[int, dict[int, int]] = {}  # token -> {attribute: rule that set it}
        for rule, start, end in matches:
            span = Span(doc, start, end)
            try:
                i = span[self._indices[rule]].i
            except IndexError:
                raise ValueError(
                    f"attribute ruler rule {rule} sets token {self._indices[rule]} of a "
                    f"{len(span)}-token match {[t.text for t in span]}"
                ) from None
            if i not in setters:
                setters[i] = {column: r for column, _, r in described[i][0]}
            for attr, value in self._attrs[rule].items():
                column = _COLUMN[attr]
                if setters[i].get(column, -1) <= rule:
                    values[i][column] = value
                    setters[i][column] = rule

    # spaCy's pipe protocol
    def get_error_handler(self) -> Callable[..., Any]:
        return getattr(self, "_error_handler", _raise_error)

    def set_error_handler(self, error_handler: Callable[..., Any]) -> None:
        self._error_handler = error_handler


def _raise_error(name, component, docs, e):
    raise e
