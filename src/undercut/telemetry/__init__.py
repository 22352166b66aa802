"""Car telemetry: OpenF1 car data and positions on the lake, lap by lap.

``pull`` fetches and stores (bronze gzip JSON, silver hive-partitioned Parquet),
``store`` knows the lake layout and reads it in place with DuckDB, ``laps`` slices a lap
and compares two, ``aggregates`` writes the gold per-lap, per-session and per-corner
figures and runs the physical checks; their SQL is in ``sql/``.
"""
