"""The data the API serves: a snapshot of the warehouse, or its published PostgreSQL copy.

The API never reads the live DuckDB file while it is being written: ``undercut update``
and ``undercut build`` hold DuckDB's exclusive file lock for the length of their work. In
the embedded profile each API process keeps an in-memory copy of silver, gold and meta,
reloaded in the background whenever the warehouse file changes and can be opened; in the
production profile (``UNDERCUT_DATABASE_URL=postgresql://…``) ``undercut publish`` copies
those tables into PostgreSQL, swapped in atomically, and every process reads from there.
"""
