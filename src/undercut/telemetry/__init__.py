"""Car telemetry: OpenF1 car data and positions on the lake, lap by lap.

``pull`` fetches and stores (bronze gzip JSON, silver hive-partitioned Parquet),
``laps`` reads one lap in place and compares two, ``aggregates`` writes the gold
per-lap, per-session and per-corner figures and runs the physical checks.
"""
