"""The version of kg: one place, read by the package, the RDF mapping and pyproject.toml."""
from __future__ import annotations

__version__ = "0.1.0"
