"""Benchmarks that print their figures and the baselines they compare against.

Run each from the project root as a module, `.venv/bin/python -m bench.ingest ...`, so that
`bench.corpus` and the installed `summaries` and `bot` packages import without path edits.
"""
