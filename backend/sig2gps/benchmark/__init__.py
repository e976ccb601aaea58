"""Benchmarks behind `make bench` / `sig2gps bench`.

Each section module here defines ORDER (int), TITLE (str) and run(ctx) -> str (markdown); doc.py writes a
section, tables.py is the one renderer of typed rows and section specs. The records of past GPU runs and probes,
and the sections that show them, live outside the package in experiments/ (`make bench` renders them after
these, with experiments/render.py).
`sig2gps bench` runs them and writes each result into its own marked section of docs/BENCHMARKS.md,
leaving the other sections (and hand-written notes outside the markers) untouched.
"""
