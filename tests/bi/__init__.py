"""Opt-in BI tests (`make test-bi`, `pytest -m bi`): they need a Superset virtualenv."""
