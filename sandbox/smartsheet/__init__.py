"""A local Smartsheet (API 2.0) serving a synthetic project portfolio, for tests and benchmarks."""
