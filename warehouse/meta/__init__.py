"""The `meta` schema of every build and published file, and the run log beside it: the one
module that creates, writes and reads them.

- `run_log`: `DIR/runs.jsonl`, one line per run (failed runs too), and the run record.
- `tables`: the DDL of every `meta` table.
- `record`: writes into a build before it is published.
- `read`: what a published file says about the run that built it.
"""
