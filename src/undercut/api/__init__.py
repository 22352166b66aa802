"""The HTTP service: the project's ``/api/v1``, the Ergast-compatible API and the dashboard."""
