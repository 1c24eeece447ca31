"""``kg serve``: a kg store published read-only as a SPARQL 1.1 Protocol endpoint.

- :mod:`kg.serve.app` the ASGI app (:func:`create_app`, :class:`ServeConfig`);
- :mod:`kg.serve.sparql` the ``/sparql`` endpoint; :mod:`kg.serve.protocol` reading its requests;
- :mod:`kg.serve.negotiate` the Accept header; :mod:`kg.serve.description` the service description;
- :mod:`kg.serve.pool` and :mod:`kg.serve.worker` the query processes that make ``--timeout`` real;
- :mod:`kg.serve.cli` the command.

The app's modules are imported on first use: a query worker imports only what
answering needs (no web framework).
"""
from __future__ import annotations

__all__ = ["ServeConfig", "create_app"]


def __getattr__(name: str):
    if name in __all__:
        from kg.serve import app

        return getattr(app, name)
    raise AttributeError(f"module 'kg.serve' has no attribute {name!r}")
