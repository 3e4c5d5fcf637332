"""Forms of applications: one module per concern."""
