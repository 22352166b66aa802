"""The DuckDB warehouse: silver tables loaded from sources, gold models built from silver."""
