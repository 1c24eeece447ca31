"""The vocabulary (kg.ttl), its SHACL shapes and JSON-LD context, installed as ``kg.ontology``.

The files are data: code reads them with ``importlib.resources.files("kg.ontology")``.
"""
