"""The app database (users, tokens, jobs, predictions, accuracy, run ledger).

Embedded SQLite inside the home by default; PostgreSQL when ``UNDERCUT_DATABASE_URL`` is
``postgresql://…``. Tables are declared on ``Base`` in one module per concern.
"""
