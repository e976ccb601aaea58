"""The benchmark subset the session-7 probes measure on: `per_scope` test traces a scope a city, with the true
site positions or the positions estimated from survey drives. One place for the scripts of hmm-drivable/ and
seq-baselines/ (each puts experiments/ on sys.path)."""
from dataclasses import replace


def test_benchmark(per_scope: int, osm_dir: str | None = None, positions: str = "true"):
    """The built (or cached) benchmark with `per_scope` test traces a scope; positions "true" or "estimated"."""
    from sig2gps.benchdata import BenchConfig, build_benchmark

    if positions not in ("true", "estimated"):
        raise ValueError(f"positions {positions!r}: true or estimated")
    cfg = BenchConfig(train_per_city=30, test_per_scope=per_scope)
    if osm_dir:
        cfg = replace(cfg, osm_dir=osm_dir)
    bench = build_benchmark(cfg)
    if positions == "estimated":  # the same test traces with cell positions estimated from survey drives
        from sig2gps.benchmark.estimated import estimated_test_dirs

        bench = replace(bench, test_dirs=estimated_test_dirs(bench))
    return bench
