"""Where an export goes: a path, ``-`` for stdout, or an open binary file.

A path is written through a temporary file in the same directory and moved
into place at the end, so a failed export never leaves a truncated file that
looks like a finished one.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator, Union

from kg.errors import ExportError

Target = Union[str, "os.PathLike[str]", BinaryIO]


@contextmanager
def open_output(target: Target) -> Iterator[BinaryIO]:
    """Yield a binary file for ``target``; close it only if we opened it."""
    if target == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    if not isinstance(target, (str, os.PathLike)):
        if not hasattr(target, "write"):
            raise TypeError(f"cannot write to {target!r}: give a path, '-' or a file opened in binary mode")
        yield target
        return
    path = Path(target)
    if path.is_dir():
        raise ExportError(f"cannot write {path}: it is a folder; give a file name (e.g. {path / 'graph.ttl'})")
    if not path.parent.is_dir():
        raise ExportError(f"cannot write {path}: the directory {path.parent} does not exist; create it first")
    # opened like any new file (not mkstemp's 0600), so the result has the usual permissions
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as handle:
            yield handle
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}; nothing was written "
                          f"(the partial file was removed){_hint(exc)}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _hint(exc: OSError) -> str:
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "; free some space or write elsewhere"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "; choose a folder you can write to"
    return ""
