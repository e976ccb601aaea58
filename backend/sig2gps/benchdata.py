"""The fixed multi-city benchmark: simulated training pairs from some cities, a scope-balanced test set.

Layout (cached under out/benchmark/<key>/, never committed):
    manifest.json             what was built, from what, with which sizes
    train/<city>/             gps.csv, signaling.csv, cells.csv, routes.csv, meta.json (write_simulation)
    test/<city>/              the same files; Small/Medium/Large thirds by origin-destination distance

A seen test city shares its cell sites and radio environment with its training pairs (one simulate()
call, split), so methods with history (fingerprints) can use it. The unseen city is never used for
training or tuning. The key hashes the config and the simulator's source, so a recalibrated
simulator rebuilds instead of reusing stale data; the build is deterministic from the seed.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

# Relative to where `sig2gps` runs (the checkout's root under `make`): the package does not know where it is checked
# out. SIG2GPS_DATA, SIG2GPS_OSM_DIR and SIG2GPS_BENCH_ROOT point elsewhere.
DEFAULT_DATA_DIR = os.environ.get("SIG2GPS_DATA", str(Path("..") / "shared" / "data"))
DEFAULT_OSM_DIR = os.environ.get("SIG2GPS_OSM_DIR", str(Path(DEFAULT_DATA_DIR) / "osm"))
DEFAULT_ROOT = os.environ.get("SIG2GPS_BENCH_ROOT", str(Path("out") / "benchmark"))

CITY_FILES = {
    "baltimore": "baltimore.osm.pbf", "liechtenstein": "liechtenstein.osm.pbf", "harrisburg": "harrisburg.osm.pbf",
    "krems": "krems.osm.gz", "campo-grande": "campo-grande.osm.gz", "andorra": "andorra.osm.pbf",
    "monaco": "monaco.osm.pbf", "bellevue-wa": "bellevue-wa.osm.gz", "north-bayreuth": "north-bayreuth.osm.gz",
    "paris": "paris.osm.pbf", "helsinki": "helsinki.osm.pbf", "hoyerswerda": "hoyerswerda.osm.pbf",
}


@dataclass(frozen=True)
class BenchConfig:
    train_cities: tuple = ("baltimore", "liechtenstein", "harrisburg", "krems")  # training pairs come from here
    test_cities: tuple = ("baltimore", "liechtenstein", "campo-grande")  # test traces (held out from training)
    train_per_city: int = 300  # training pairs per training city
    test_per_scope: int = 117  # test traces per scope per city: 3 x 3 x 117 = 1,053 test traces
    pool_factor: float = 6.0  # simulate this many x test_per_scope trips per city to fill every scope
    seed: int = 2026
    osm_dir: str = str(DEFAULT_OSM_DIR)
    root: str = DEFAULT_ROOT

    @property
    def unseen_cities(self) -> tuple:
        return tuple(c for c in self.test_cities if c not in self.train_cities)

    def __post_init__(self):
        unknown = [c for c in self.train_cities + self.test_cities if c not in CITY_FILES]
        if unknown:
            raise ValueError(f"unknown benchmark cities {unknown}; known: {', '.join(CITY_FILES)}")
        if self.test_per_scope < 1 or self.train_per_city < 0:
            raise ValueError(f"invalid sizes in {self}")


QUICK = BenchConfig(train_per_city=30, test_per_scope=10, pool_factor=8.0)


@dataclass
class Benchmark:
    root: Path
    config: BenchConfig
    train_dirs: list[Path]
    test_dirs: dict[str, Path]
    network_paths: dict[str, str]
    counts: dict = field(default_factory=dict)  # {city: {scope: n}}

    @property
    def unseen(self) -> tuple:
        return self.config.unseen_cities


def _simulator_fingerprint() -> str:
    from . import simulate

    h = hashlib.sha256()
    for p in sorted(Path(simulate.__file__).parent.glob("*.py")):
        h.update(p.name.encode() + p.read_bytes())
    return h.hexdigest()[:12]


def bench_key(cfg: BenchConfig) -> str:
    d = asdict(cfg)
    d.pop("root")
    d.pop("osm_dir")
    blob = json.dumps(d, sort_keys=True) + _simulator_fingerprint()
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def network_path(cfg: BenchConfig, city: str) -> str:
    p = Path(cfg.osm_dir) / CITY_FILES[city]
    if not p.exists():
        raise FileNotFoundError(f"road extract for benchmark city {city!r} not found: {p} "
                                f"(the benchmark reads ../shared/data/osm; pass another --osm-dir)")
    return str(p)


def _city_seed(cfg: BenchConfig, city: str) -> int:
    return int(hashlib.sha256(f"{cfg.seed}:{city}".encode()).hexdigest()[:8], 16)


def _select_scopes(traces, per_scope: int) -> tuple[list, dict]:
    """First `per_scope` traces of each scope, in simulation order (deterministic)."""
    from .metrics import od_distance_m, scope_of

    taken = {"small": [], "medium": [], "large": []}
    for s in traces:
        sc = scope_of(od_distance_m(s.gps.lon, s.gps.lat))
        if len(taken[sc]) < per_scope:
            taken[sc].append(s)
    chosen = sorted((s for v in taken.values() for s in v), key=lambda s: s.gps.trace_id)
    return chosen, {k: len(v) for k, v in taken.items()}


def _build_city(cfg: BenchConfig, city: str, root: Path, log) -> dict:
    from .network import load_network
    from .simulate import SimConfig, SimResult, simulate, write_simulation

    net = load_network(network_path(cfg, city))
    n_train = cfg.train_per_city if city in cfg.train_cities else 0
    n_pool = int(np.ceil(cfg.pool_factor * cfg.test_per_scope)) if city in cfg.test_cities else 0
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the simulator may print progress; keep the log clean
        res = simulate(net, n_train + n_pool, seed=_city_seed(cfg, city), cfg=SimConfig(), id_prefix=f"{city}-")
    meta = {"city": city, "network": network_path(cfg, city), "seed": _city_seed(cfg, city),
            "simulator": _simulator_fingerprint(), "seconds": round(time.perf_counter() - t0, 1)}
    out = {}
    if n_train:
        train = res.traces[:n_train]
        write_simulation(root / "train" / city, SimResult(train, res.cells, res.sites), net,
                         dict(meta, split="train", traces=len(train)))
        out["train"] = len(train)
    if n_pool:
        chosen, counts = _select_scopes(res.traces[n_train:], cfg.test_per_scope)
        short = {k: v for k, v in counts.items() if v < cfg.test_per_scope}
        if short:
            log(f"warning: {city}: only {short} test traces in some scopes (wanted {cfg.test_per_scope})")
        write_simulation(root / "test" / city, SimResult(chosen, res.cells, res.sites), net,
                         dict(meta, split="test", traces=len(chosen), scopes=counts))
        out["test"] = counts
    log(f"[benchdata] {city}: {out} in {time.perf_counter() - t0:.0f} s")
    return out


def build_benchmark(cfg: BenchConfig = BenchConfig(), rebuild: bool = False, log=print) -> Benchmark:
    """Build (or reuse from the cache) the benchmark described by `cfg`."""
    root = Path(cfg.root) / bench_key(cfg)
    manifest = root / "manifest.json"
    cities = list(dict.fromkeys(cfg.train_cities + cfg.test_cities))
    paths = {c: network_path(cfg, c) for c in cities}
    if rebuild or not manifest.exists():
        counts = {c: _build_city(cfg, c, root, log) for c in cities}
        manifest.write_text(json.dumps({"config": asdict(cfg), "key": root.name, "counts": counts,
                                        "simulator": _simulator_fingerprint(), "unseen": cfg.unseen_cities},
                                       indent=2))
    counts = json.loads(manifest.read_text())["counts"]
    return Benchmark(root, cfg, [root / "train" / c for c in cfg.train_cities],
                     {c: root / "test" / c for c in cfg.test_cities}, paths, counts)


# ---- The test set as a small folder for another machine (the video model's rows are measured on a GPU) ----

EXPORT_FORMAT = 1


def export_test(bench: Benchmark, out_dir, per_scope: int | None = None, log=print) -> Path:
    """Write the benchmark's TEST set, and only that, as a small self-contained folder.

    out_dir/manifest.json     key, cities, unseen flags, network file per city, counts per scope
    out_dir/<city>/signaling.csv.gz, gps.csv.gz   the test traces (the same CSVs, gzipped)
    out_dir/osm/<file>        the test cities' road extracts, copied (never commit this folder)

    per_scope keeps only the first N traces of each scope per city (smoke runs). Cell tables,
    routes and the training pairs are not needed to reconstruct and score, so they stay behind.
    """
    import gzip
    import shutil

    from .io import read_gps, read_signaling
    from .io.gps import write_gps
    from .io.signaling import write_signaling
    from .metrics import od_distance_m, scope_of

    out = Path(out_dir)
    (out / "osm").mkdir(parents=True, exist_ok=True)
    cities = {}
    for city, d in bench.test_dirs.items():
        gps, _ = read_gps(d / "gps.csv")
        sig = {s.trace_id: s for s in read_signaling(d / "signaling.csv")[0]}
        taken = {"small": 0, "medium": 0, "large": 0}
        keep = []
        for g in gps:
            sc = scope_of(od_distance_m(g.lon, g.lat))
            if g.trace_id in sig and (per_scope is None or taken[sc] < per_scope):
                taken[sc] += 1
                keep.append(g)
        (out / city).mkdir(exist_ok=True)
        tmp = out / city / "_tmp.csv"
        for name, write, items in (("gps.csv.gz", write_gps, keep),
                                   ("signaling.csv.gz", write_signaling, [sig[g.trace_id] for g in keep])):
            write(tmp, items)
            with open(tmp, "rb") as src, gzip.open(out / city / name, "wb", compresslevel=9) as dst:
                shutil.copyfileobj(src, dst)
        tmp.unlink()
        net_src = Path(bench.network_paths[city])
        shutil.copyfile(net_src, out / "osm" / net_src.name)
        cities[city] = {"network": f"osm/{net_src.name}", "unseen": city in bench.unseen, "counts": taken}
        log(f"[export-test] {city}: {taken}")
    (out / "manifest.json").write_text(json.dumps({
        "format": EXPORT_FORMAT, "benchmark_key": bench.root.name, "cities": cities,
        "unseen": list(bench.unseen), "per_scope": per_scope}, indent=2))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    log(f"[export-test] wrote {out} ({size / 2**20:.1f} MiB)")
    return out


@dataclass
class TestCity:
    city: str
    unseen: bool
    network_path: str
    signaling: list  # [SignalingTrace]
    truth: dict  # {trace_id: (t, lon, lat)}
    scope: dict  # {trace_id: "small" | "medium" | "large"}


def load_test_export(export_dir) -> tuple[dict, dict]:
    """Read a folder written by export_test -> (manifest, {city: TestCity}). Errors name the file."""
    import gzip
    import shutil
    import tempfile

    from .io import read_gps, read_signaling
    from .metrics import od_distance_m, scope_of

    root = Path(export_dir)
    mpath = root / "manifest.json"
    if not mpath.is_file():
        raise FileNotFoundError(f"{mpath}: not found (write the folder with `sig2gps benchmark --export-test DIR`)")
    man = json.loads(mpath.read_text())
    if man.get("format") != EXPORT_FORMAT:
        raise ValueError(f"{mpath}: field 'format' is {man.get('format')!r}, this code reads {EXPORT_FORMAT}")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for city, c in man["cities"].items():
            files = {}
            for name in ("signaling.csv", "gps.csv"):
                src = root / city / (name + ".gz")
                if not src.is_file():
                    raise FileNotFoundError(f"{src}: not found (listed in {mpath})")
                files[name] = Path(tmp) / f"{city}-{name}"
                with gzip.open(src, "rb") as f, open(files[name], "wb") as g:
                    shutil.copyfileobj(f, g)
            # a trace the reader drops stays in the truth, so the runner counts it as failed (not lost)
            sig, _ = read_signaling(files["signaling.csv"])
            gps, _ = read_gps(files["gps.csv"])
            net = root / c["network"]
            if not net.is_file():
                raise FileNotFoundError(f"{net}: road extract of {city} not found (field 'network' of {mpath})")
            out[city] = TestCity(city, bool(c["unseen"]), str(net), sig,
                                 {g.trace_id: (g.t, g.lon, g.lat) for g in gps},
                                 {g.trace_id: scope_of(od_distance_m(g.lon, g.lat)) for g in gps})
    return man, out
