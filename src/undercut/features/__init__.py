"""Leakage-free pre-race features (grid, qualifying, form, standings, Elo, circuit history)."""
