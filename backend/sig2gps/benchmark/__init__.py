"""Benchmarks behind `make bench` / `sig2gps bench`.

Each module here (not starting with '_') defines ORDER (int), TITLE (str) and run(ctx) -> str (markdown).
`sig2gps bench` runs them and writes each result into its own marked section of docs/BENCHMARKS.md,
leaving the other sections (and hand-written notes outside the markers) untouched.
"""
