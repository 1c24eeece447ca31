"""The named SPARQL queries, installed as ``kg.queries`` (read with ``importlib.resources``).

Each ``.rq`` file is plain SPARQL that any tool can run; see ``kg.query.named``.
"""
