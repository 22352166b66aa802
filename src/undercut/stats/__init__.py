"""Statistics documents (drivers, constructors, circuits, standings) for the command line.

They mirror ``/api/v1`` field for field and read the same named queries
(``serving/queries``), so ``undercut stats driver hamilton --format json`` and
``GET /api/v1/drivers/hamilton`` cannot drift apart; ``stats/queries`` holds only what the
API does not serve.
"""
