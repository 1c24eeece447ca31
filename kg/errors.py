"""One small error hierarchy. Messages name the bad value and say how to fix it.

The CLI catches :class:`KGError` and prints its message on one line; anything
else is a bug and keeps its traceback.
"""
from __future__ import annotations


class KGError(Exception):
    """Base class of every error a user can cause."""


class InputError(KGError):
    """An input path, file or record cannot be read."""


class ModelError(KGError):
    """The spaCy pipeline cannot be found or loaded."""


class StoreError(KGError):
    """The store cannot be opened, written or is in an unexpected state."""


class QueryError(KGError):
    """A SPARQL query is malformed, unknown, or given bad parameters."""


class ExportError(KGError):
    """The graph cannot be written in the requested export format."""


class StoreWarning(UserWarning):
    """The store was repaired or upgraded on opening, or needs to be; the command goes on."""
