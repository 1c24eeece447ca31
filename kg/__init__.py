"""kg: English news in, a linked-data knowledge graph out.

>>> from kg import KnowledgeGraph   # doctest: +SKIP
"""
from __future__ import annotations

from kg.version import __version__

__all__ = ["KnowledgeGraph", "__version__"]


def __getattr__(name: str):
    # Imported lazily: `import kg` should not pay for spaCy and pyoxigraph.
    if name == "KnowledgeGraph":
        from kg.graph import KnowledgeGraph

        return KnowledgeGraph
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
