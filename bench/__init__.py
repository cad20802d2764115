"""The benchmark: a synthetic data set at a stated scale, and the figures measured on it."""
