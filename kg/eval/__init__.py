"""Measuring the extractor against public benchmarks.

``kg.eval.carb`` scores Open IE tuples with the CaRB benchmark's default
matcher, so our figures can be set next to published ones.
"""
from __future__ import annotations
