"""Forms of the enterprise's side, by concern."""
