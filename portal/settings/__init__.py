"""Settings: base (embedded default, runs with nothing set), production and test."""
