"""The eligibility and amount rules, in plain Python: no Django here, so they are tested without a database."""
