"""Race predictions: a LightGBM ranker, baselines, calibration, registry, backtests."""
