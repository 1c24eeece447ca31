from kg.store.oxigraph import GraphStore

__all__ = ["GraphStore"]
