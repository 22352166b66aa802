"""Ingestion: sources into the lake's bronze (verbatim) and silver (typed, checked) layers.

Kept apart from ``warehouse``, which builds gold from silver: every loader here ends by
handing typed silver tables to the warehouse, and nothing in the gold build imports it.
"""
