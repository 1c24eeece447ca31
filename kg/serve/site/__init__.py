"""The templates, style sheet and script of the pages ``kg serve`` and
``kg publish`` show (package data, filled by :mod:`kg.serve.pages`)."""
