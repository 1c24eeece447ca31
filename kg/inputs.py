"""Reading articles from files, directories, JSON Lines corpora and stdin.

Bad input never stops a build: an empty, binary, oversized or malformed record
is skipped with a warning that names the file (and line) and what to do. Only
a path that does not exist is an error, because it is almost always a typo.

Text is read as UTF-8 when it is UTF-8, and as UTF-16/32 when a byte-order
mark says so; no detection is run for either (it costs milliseconds a file).
Anything else goes to charset-normalizer: text in another encoding (UTF-16
without a mark, a legacy code page) is decoded with a warning that names the
encoding, and bytes that no text encoding fits are binary and skipped.
"""
from __future__ import annotations

import codecs
import json
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from charset_normalizer import from_bytes

from kg.errors import InputError
from kg.model import Article, iso_date

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
METADATA_FIELDS = ("title", "date", "url", "source", "author")
DEFAULT_MAX_CHARS = 1_000_000  # spaCy's own default nlp.max_length
# utf-32 first: its little-endian mark starts with utf-16's
_BYTE_ORDER_MARKS = {"utf-32": (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE),
                     "utf-16": (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)}


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
            files = _files_under(path)
            if not files:
                _warn(f"{raw}: no {'/'.join(sorted(TEXT_SUFFIXES | JSONL_SUFFIXES))} files in this folder; "
                      "nothing read from it")
            sources.extend(Source(p, path) for p in files)
        else:
            sources.append(Source(path, None))
    return sources


def _files_under(root: Path) -> list[Path]:
    """The readable input files under ``root`` (hidden ones left out), walking
    each real folder once: a symbolic link back up the tree is not followed
    twice, and a folder that cannot be listed is warned about."""
    found: list[Path] = []
    seen: set[tuple[int, int]] = set()
    suffixes = TEXT_SUFFIXES | JSONL_SUFFIXES

    def walk(folder: Path) -> None:
        try:
            st = folder.stat()
            entries = sorted(folder.iterdir())
        except OSError as exc:
            _warn(f"{folder}: folder cannot be read ({exc.strerror}); skipped")
            return
        if (st.st_dev, st.st_ino) in seen:
            _warn(f"{folder}: a link to a folder already read (a loop of symbolic links?); skipped")
            return
        seen.add((st.st_dev, st.st_ino))
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError as exc:  # a link loop, a broken mount
                _warn(f"{entry}: cannot be read ({exc.strerror}); skipped")
                continue
            if is_dir:
                walk(entry)
            elif is_file and entry.suffix.lower() in suffixes:
                found.append(entry)
            elif not is_file and entry.is_symlink():
                _warn(f"{entry}: a symbolic link to nothing; skipped")

    walk(root)
    return sorted(found)


def count_documents(sources: list[Source]) -> int | None:
    """A cheap upper bound of the number of documents, for the progress bar."""
    total = 0
    for src in sources:
        if src.path is None:
            return None
        if src.path.suffix.lower() in JSONL_SUFFIXES:
            try:
                with open(src.path, "rb") as fh:
                    total += sum(1 for line in fh if line.strip())
            except OSError:  # read_articles says so when it comes to the file
                continue
        else:
            total += 1
    return total


def read_articles(sources: list[Source], *, max_chars: int = DEFAULT_MAX_CHARS) -> Iterator[Article]:
    """Articles from every source, in order, skipping bad ones with a warning."""
    for src in sources:
        if src.path is None:
            data = sys.stdin.buffer.read()
            text = _decode(data, "<stdin>")
            if text is not None and _looks_like_json_lines(text):
                yield from _articles_from_lines(enumerate(text.split("\n"), 1), "<stdin>", "stdin", max_chars)
            elif text is not None and _usable(text, "<stdin>", max_chars):
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
        yield Article(doc_id=clean_text(doc_id, f"{src.path}: its name"), text=text, origin=str(src.path))


def _looks_like_json_lines(text: str) -> bool:
    """stdin holding JSON Lines: its first line is a JSON object with a "text" string."""
    first = text.lstrip().split("\n", 1)[0]
    if not first.startswith("{"):
        return False
    try:
        record = json.loads(first)
    except (ValueError, RecursionError):
        return False
    return isinstance(record, dict) and isinstance(record.get("text"), str)


def _read_jsonl(path: Path, max_chars: int) -> Iterator[Article]:
    yield from _articles_from_lines(_json_lines(path), str(path), path.stem, max_chars)


def _articles_from_lines(lines: Iterable[tuple[int, str]], name: str, stem: str,
                         max_chars: int) -> Iterator[Article]:
    for lineno, line in lines:
        if not line.strip():
            continue
        where = f"{name}:{lineno}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            _warn(f"{where}: not valid JSON ({exc.msg} at column {exc.colno}); line skipped")
            continue
        except RecursionError:  # json's parser recurses once per nesting level
            _warn(f"{where}: JSON nested too deeply to read (over {sys.getrecursionlimit():,} levels); "
                  "line skipped")
            continue
        if not isinstance(record, dict):
            _warn(f"{where}: expected a JSON object with 'id' and 'text'; line skipped")
            continue
        text = record.get("text")
        if not isinstance(text, str):
            _warn(f"{where}: no 'text' string field; line skipped")
            continue
        text = clean_text(text, where)
        if not _usable(text, where, max_chars):
            continue
        doc_id = record.get("id")
        if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
            doc_id = f"{stem}/{lineno}"
        elif isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        elif not isinstance(doc_id, str):
            _warn(f"{where}: 'id' must be a string or an integer, not {json.dumps(doc_id)[:60]}; line skipped "
                  "(quote it to keep it as it is)")
            continue
        meta = {}
        for k in METADATA_FIELDS:
            value = record.get(k)
            if value in (None, ""):
                continue
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                _warn(f"{where}: {k!r} must be a string, not {json.dumps(value)[:60]}; kept as its JSON text")
                value = json.dumps(value, ensure_ascii=False)
            meta[k] = clean_text(str(value), where)
        if "date" in meta and iso_date(meta["date"]) is None:
            _warn(f"{where}: date {meta['date'][:40]!r} is not an ISO 8601 date (2005-03-01, 2005-03, "
                  "2005-03-01T10:30:00Z); kept as text (dcterms:date), not as the publication date")
        yield Article(doc_id=clean_text(doc_id, where), text=text, origin=where, **meta)


def _json_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) for the non-blank, decodable lines of a JSON Lines file.

    Lines are decoded one by one, so a bad line costs only itself; a file that
    opens with a UTF-16/32 byte-order mark (PowerShell's Out-File writes UTF-16)
    is decoded whole, because splitting UTF-16 on b"\n" breaks its lines apart.
    """
    try:
        fh = open(path, "rb")
    except OSError as exc:
        _warn(f"{path}: cannot be read ({exc.strerror}); skipped")
        return
    with fh:
        if _bom_codec(fh.read(4)) is not None:
            fh.seek(0)
            text = _decode(fh.read(), str(path))
            for lineno, line in enumerate((text or "").split("\n"), 1):
                if line.strip():
                    yield lineno, line
            return
        fh.seek(0)
        for lineno, raw in enumerate(fh, 1):
            if raw.strip() and (line := _decode(raw, f"{path}:{lineno}")) is not None:
                yield lineno, line


def _decode(data: bytes, where: str) -> str | None:
    """The text of ``data``, or None (with a warning) when it is binary.

    UTF-8 (with or without BOM) is decoded directly, and so is UTF-16/32 with a
    byte-order mark. Other bytes go to charset-normalizer: text in another
    encoding is decoded with a warning naming it, and bytes that no text
    encoding fits are skipped as binary.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        why = f"byte {exc.start}"
    else:
        if "\x00" not in text:
            return clean_text(text, where)
        why = "NUL bytes"  # UTF-16/32 without a byte-order mark, or binary
    encoding, text = _decode_by_bom(data) or _decode_detected(data)
    if text is None or "\x00" in text:  # NUL is in no text: a binary that some code page fits
        _warn(f"{where}: looks like a binary file (no text encoding fits); skipped "
              "(if it is text, re-save it as UTF-8)")
        return None
    if encoding in _BYTE_ORDER_MARKS:
        _warn(f"{where}: not UTF-8; decoded as {encoding} (it starts with a byte-order mark)")
    else:
        _warn(f"{where}: not valid UTF-8 ({why}); decoded as {encoding} — "
              "re-save the file as UTF-8 if characters look wrong")
    return clean_text(text, where)


def _bom_codec(data: bytes) -> str | None:
    return next((codec for codec, marks in _BYTE_ORDER_MARKS.items() if data.startswith(marks)), None)


def _decode_by_bom(data: bytes) -> tuple[str, str] | None:
    """A UTF-16/32 byte-order mark declares the encoding: trust it, whatever the text.

    charset-normalizer does read such files, but rejects some as binary for their
    content (one unassigned code point is enough), which a declared encoding is not.
    """
    codec = _bom_codec(data)
    try:
        return (codec, data.decode(codec)) if codec else None
    except UnicodeDecodeError:
        return None


def _decode_detected(data: bytes) -> tuple[str, str | None]:
    """(encoding, text) as charset-normalizer reads ``data``; text None for binary.

    Its pick is taken, except that cp1252 wins whenever it is among the plausible
    code pages: on English news the library alone guesses wrongly. Of the 2,213
    BBC articles that hold a non-ASCII character once "typographic" (curly quotes,
    dashes, "£") and saved as cp1252, its best guess decoded 391 wrongly (cp1250
    "Ł5", cp775, cp852, Asian code pages), while cp1252 was plausible for all.
    Unicode encodings it finds (UTF-16 without a byte-order mark) still win.
    """
    matches = from_bytes(data)
    match = matches.best()
    if match is None:
        return "", None
    if not match.encoding.startswith("utf"):
        match = next((m for m in matches if "cp1252" in m.could_be_from_charset), match)
    try:  # a large payload is checked on samples and decoded lazily: this can still fail
        text = str(match)
    except UnicodeDecodeError:
        return "", None
    encoding = "cp1252" if "cp1252" in match.could_be_from_charset else match.encoding
    return codecs.lookup(encoding).name, text  # "utf_16_le" -> "utf-16-le", as Python spells it


def clean_text(text: str, where: str) -> str:
    """Replace, with a warning, what no RDF store or XML export accepts: lone
    surrogates (possible from JSON escapes) and the control characters XML 1.0
    forbids (NUL, U+0001-U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE, U+FFFF).
    Each becomes one U+FFFD, so every offset into the text stays as it was."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        _warn(f"{where}: text holds invalid Unicode (lone surrogates); replaced with U+FFFD")
        text = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in text)
    if _NOT_IN_XML.search(text):
        found = sorted({f"U+{ord(ch):04X}" for ch in _NOT_IN_XML.findall(text)})
        _warn(f"{where}: text holds control characters no XML or RDF/XML output can hold "
              f"({', '.join(found[:5])}{' ...' if len(found) > 5 else ''}); replaced with U+FFFD")
        text = _NOT_IN_XML.sub("\ufffd", text)
    return text


_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


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
