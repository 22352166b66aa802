"""Routers of the project's own API, one module per resource."""
