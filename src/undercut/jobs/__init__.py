"""Operating the platform: the pipeline, its run ledger, the scheduler and the workers.

``pipeline`` runs the steps (update → build → train → predict → evaluate) as a small DAG,
in-process or on Celery workers (``worker``); ``ledger`` records every run and step in the
app database; ``schedule`` decides when to run from the race calendar; ``locks`` keeps two
schedulers or workers from running the same step at once.
"""
