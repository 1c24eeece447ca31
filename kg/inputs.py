"""Reading articles from files, directories, JSON Lines corpora and stdin.

Bad input never stops a build: an empty, binary, oversized or malformed record
is skipped with a warning that names the file (and line) and what to do. Only
a path that does not exist is an error, because it is almost always a typo.
"""
from __future__ import annotations

import json
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from kg.errors import InputError
from kg.model import Article

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
METADATA_FIELDS = ("title", "date", "url", "source", "author")
DEFAULT_MAX_CHARS = 1_000_000  # spaCy's own default nlp.max_length


class InputWarning(UserWarning):
    """A document was skipped or repaired; the build goes on."""


@dataclass(frozen=True)
class Source:
    """One input as given on the command line, resolved."""

    path: Path | None  # None for stdin
    root: Path | None  # the directory given, for relative document ids


def resolve_inputs(inputs: Iterable[str | Path]) -> list[Source]:
    """Check every input exists before any work starts."""
    sources: list[Source] = []
    for raw in inputs:
        if str(raw) == "-":
            sources.append(Source(None, None))
            continue
        path = Path(raw)
        if not path.exists():
            raise InputError(f"input not found: {raw} (check the path; use '-' for stdin)")
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file()
                           and p.suffix.lower() in TEXT_SUFFIXES | JSONL_SUFFIXES
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            sources.extend(Source(p, path) for p in files)
        else:
            sources.append(Source(path, None))
    return sources


def count_documents(sources: list[Source]) -> int | None:
    """A cheap upper bound of the number of documents, for the progress bar."""
    total = 0
    for src in sources:
        if src.path is None:
            return None
        if src.path.suffix.lower() in JSONL_SUFFIXES:
            with open(src.path, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
        else:
            total += 1
    return total


def read_articles(sources: list[Source], *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Article]:
    """Articles from every source, in order, skipping bad ones with a warning."""
    for src in sources:
        if src.path is None:
            data = sys.stdin.buffer.read()
            text = _decode(data, "<stdin>")
            if text is not None and _usable(text, "<stdin>", max_chars):
                yield Article(doc_id="stdin", text=text, origin="<stdin>")
            continue
        if src.path.suffix.lower() in JSONL_SUFFIXES:
            yield from _read_jsonl(src.path, max_chars)
            continue
        try:
            data = src.path.read_bytes()
        except OSError as exc:
            _warn(f"{src.path}: cannot be read ({exc.strerror}); skipped")
            continue
        text = _decode(data, str(src.path))
        if text is None or not _usable(text, str(src.path), max_chars):
            continue
        doc_id = (src.path.relative_to(src.root) if src.root else Path(src.path.name)).with_suffix("").as_posix()
        yield Article(doc_id=doc_id, text=text, origin=str(src.path))


def _read_jsonl(path: Path, max_chars: int) -> Iterator[Article]:
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            where = f"{path}:{lineno}"
            if not raw.strip():
                continue
            line = _decode(raw, where)
            if line is None:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                _warn(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); line skipped")
                continue
            if not isinstance(record, dict):
                _warn(f"{where}: expected a JSON object with 'id' and 'text'; line skipped")
                continue
            text = record.get("text")
            if not isinstance(text, str):
                _warn(f"{where}: no 'text' string field; line skipped")
                continue
            text = _clean(text, where)
            if not _usable(text, where, max_chars):
                continue
            doc_id = record.get("id")
            doc_id = str(doc_id) if doc_id not in (None, "") else f"{path.stem}/{lineno}"
            meta = {k: _clean(str(record[k]), where) for k in METADATA_FIELDS
                    if record.get(k) not in (None, "")}
            yield Article(doc_id=doc_id, text=text, origin=where, **meta)


def _decode(data: bytes, where: str) -> str | None:
    """UTF-8 (with or without BOM); otherwise cp1252 with a warning; binary is skipped."""
    if b"\x00" in data[:8192]:
        _warn(f"{where}: looks like a binary file (NUL bytes); skipped")
        return None
    try:
        return _clean(data.decode("utf-8-sig"), where)
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("cp1252")
            codec = "cp1252"
        except UnicodeDecodeError:
            text = data.decode("latin-1")
            codec = "latin-1"
        _warn(f"{where}: not valid UTF-8 (byte {exc.start}); decoded as {codec} — "
              "re-save the file as UTF-8 if characters look wrong")
        return _clean(text, where)


def _clean(text: str, where: str) -> str:
    """Replace lone surrogates (possible from JSON escapes) that no RDF store accepts."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        _warn(f"{where}: text holds invalid Unicode (lone surrogates); replaced with U+FFFD")
        return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _usable(text: str, where: str, max_chars: int) -> bool:
    if not text.strip():
        _warn(f"{where}: empty document; skipped")
        return False
    if len(text) > max_chars:
        _warn(f"{where}: {len(text):,} characters is over the limit of {max_chars:,}; skipped "
              "(split the file, or raise the limit with --max-chars)")
        return False
    return True


def _warn(message: str) -> None:
    warnings.warn(message, InputWarning, stacklevel=3)
