"""The server's defaults, in a module of their own: ``kg``'s argument parser reads
them on every command, without importing the web framework."""
from __future__ import annotations

import os

DEFAULT_TIMEOUT = 60.0  # seconds: longer than any query a researcher waits for in a browser
# a SPARQL query, even one with a long VALUES list, is kilobytes; a megabyte leaves
# room for generated queries and keeps a client from making the server hold uploads
MAX_BODY = 1024 * 1024


def default_workers() -> int:
    """Query workers when not told: one a core up to 4 (each holds the store open
    and runs one query at a time)."""
    return max(1, min(4, os.cpu_count() or 1))
