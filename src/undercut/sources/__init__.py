"""Clients and readers for every external source of data (one module per source)."""
