"""The embedded and the remote store implement one written-down interface, ``kg.store.Store``."""
from __future__ import annotations

import inspect

import pyoxigraph as ox
import pytest

from kg.store import GraphStore, Store
from kg.store.markers import COMMIT_MARKER, split_markers
from kg.store.remote import RemoteStore

PROTOCOL_METHODS = sorted(name for name, member in vars(Store).items()
                          if callable(member) and not name.startswith("_") or name in {"__len__", "__enter__", "__exit__"})


@pytest.mark.parametrize("implementation", [GraphStore, RemoteStore])
def test_each_store_has_every_method_of_the_protocol_with_its_parameters(implementation):
    for name in PROTOCOL_METHODS:
        ours = inspect.signature(getattr(Store, name))
        theirs = inspect.signature(getattr(implementation, name))
        assert list(theirs.parameters) == list(ours.parameters), (implementation.__name__, name)
        for parameter in ours.parameters.values():
            assert theirs.parameters[parameter.name].kind == parameter.kind, (implementation.__name__, name)
            assert theirs.parameters[parameter.name].default == parameter.default, (implementation.__name__, name)


def test_the_protocol_names_what_the_build_and_the_queries_use():
    assert {"document_hashes", "write_documents", "remove_document", "remove_incomplete", "query",
            "quads", "named_graphs", "dump", "load", "flush", "close"} <= set(PROTOCOL_METHODS)


def test_an_embedded_store_is_a_store():
    # (a RemoteStore asks its server on opening; tests/test_remote_store.py opens real ones)
    assert isinstance(GraphStore(None), Store)


def test_commit_markers_are_split_off_wherever_they_stand():
    graph = ox.NamedNode("https://example.org/kg/doc/a")
    content = [ox.Quad(graph, ox.NamedNode("http://schema.org/headline"), ox.Literal(str(i)), graph) for i in range(3)]
    marker = ox.Quad(graph, COMMIT_MARKER, ox.Literal("abc"), graph)
    assert split_markers(content + [marker]) == (content, [marker])
    assert split_markers([marker] + content) == (content, [marker])
    assert split_markers(content) == (content, [])
