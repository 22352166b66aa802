"""The documents ``/api/v1`` answers and the dashboard shows, one module per resource.

Each module holds a resource's response schemas and the functions that build them, each a
plain function of its parameters and a ``Reader`` (or an app-database session), so the HTTP
routes (``undercut.api.routes.v1``, which add only parameters, bounds and responses) and the
pages (``undercut.web``) read the same code and never disagree.
"""
