"""Views of the enterprise's side: accounts, rounds, applications."""
