"""Property-based tests (hypothesis) of every reader and of the wire validator: whatever the bytes, the only
exception is the project's documented one (InputError, WireError), and what is kept is plausible.

CI runs SIG2GPS_PROPERTY_EXAMPLES (default 200) cases per property, derandomised (the same cases every run);
`make bench`-style runs set it higher (e.g. 10000)."""
from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is pinned in requirements.lock; run make venv")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sig2gps.io import InputError, ReadOptions, read_cells, read_gps, read_signaling  # noqa: E402
from sig2gps.io.parse import T_MAX, T_MIN  # noqa: E402
from sig2gps.types import Cell  # noqa: E402

EXAMPLES = int(os.environ.get("SIG2GPS_PROPERTY_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

COLUMNS = ["trace_id", "timestamp", "cell_id", "lon", "lat", "rollout", "site_id", "note"]
NASTY = ["", " ", "nan", "NaN", "inf", "-inf", "1e300", "-1", "0", "1777618800", "1777618860.5", "1777618800000",
         "2026-05-01T07:00:00Z", "2026-05-01T07:00:00", "1900-01-01T00:00:00Z", "24.9", "60.1", "24,9", "200", "-91",
         '"', '""', 'a"b', '"a', ",", ";", "\t", "\r", "é", "\x00", "\ufeff", "a", "b", "c1", "c2", "0x10", "1_000"]
field = st.one_of(st.sampled_from(NASTY), st.text(max_size=8), st.integers(-10**13, 10**13).map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.just("x" * 140_000))  # over the csv module's field limit
header = st.one_of(st.permutations(COLUMNS[:5]).map(list), st.lists(st.sampled_from(COLUMNS), max_size=8),
                   st.permutations(["trace_id", "rollout", "timestamp", "lon", "lat"]).map(list),
                   st.permutations(["cell_id", "lon", "lat", "site_id"]).map(list))
# rows mostly of a few trace ids, so that traces form and the "one bad row drops its trace" path is walked
row = st.tuples(st.sampled_from(["a", "b", "c", "", " a"]), st.lists(field, max_size=7)).map(lambda r: [r[0], *r[1]])


@st.composite
def csv_bytes(draw) -> bytes:
    if draw(st.integers(0, 19)) == 0:
        return draw(st.binary(max_size=400))  # sometimes not a CSV at all
    sep = draw(st.sampled_from([",", ",", ",", ";", "\t"]))
    nl = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    lines = [sep.join(draw(header))] + [sep.join(r) for r in draw(st.lists(row, max_size=25))]
    text = nl.join(lines) + draw(st.sampled_from(["", nl]))
    enc = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    data = text.encode(enc, errors="replace")
    for _ in range(draw(st.integers(0, 3))):  # stray bytes anywhere
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + draw(st.binary(min_size=1, max_size=3)) + data[pos:]
    return data


def _file(data: bytes) -> Path:
    d = Path(tempfile.mkdtemp(prefix="s2g-prop-"))
    p = d / "in.csv"
    p.write_bytes(data)
    return p


def _plausible_times(t) -> None:
    assert all(T_MIN <= x <= T_MAX for x in t) and all(b >= a for a, b in zip(t, t[1:]))


@SETTINGS
@given(csv_bytes(), st.sampled_from([None, "cp1252", "latin-1"]), st.sampled_from(["auto", "s", "ms"]),
       st.booleans())
def test_signaling_reader_raises_only_input_error(data, encoding, unit, with_cells):
    p = _file(data)
    cells = {"c1": Cell("c1", 24.9, 60.1), "a": Cell("a", 0.0, 0.0)} if with_cells else None
    try:
        traces, rep = read_signaling(p, cells=cells, options=ReadOptions(encoding=encoding, time_unit=unit))
    except InputError as e:
        assert str(p) in str(e)
        return
    for tr in traces:
        assert len(tr) >= 2
        _plausible_times(list(tr.t))
        assert all(-180 <= x <= 180 for x in tr.lon) and all(-90 <= y <= 90 for y in tr.lat)
        assert len(tr.trace_id) <= 200 + 10
    for e in rep.errors:
        assert str(p) in e.reason and len(e.reason) < len(str(p)) + 600  # named, and short
    assert len({t.trace_id for t in traces} & {e.trace_id for e in rep.errors}) == 0


@SETTINGS
@given(csv_bytes(), st.sampled_from([None, 0, 1]))
def test_gps_and_points_readers_raise_only_input_error(data, rollout):
    p = _file(data)
    try:
        tracks, rep = read_gps(p, rollout=rollout, min_points=1)
    except InputError as e:
        assert str(p) in str(e)
        return
    for tr in tracks:
        assert len(tr) >= 1 and all(math.isfinite(x) for x in tr.lon)
        t = list(tr.t)
        assert all(T_MIN <= x <= T_MAX for x in t) and all(b > a for a, b in zip(t, t[1:]))
    assert all(str(p) in e.reason for e in rep.errors)


@SETTINGS
@given(csv_bytes())
def test_cells_reader_raises_only_input_error(data):
    p = _file(data)
    try:
        cells = read_cells(p)
    except InputError as e:
        assert str(p) in str(e)
        return
    assert all(-180 <= c.lon <= 180 and -90 <= c.lat <= 90 and c.cell_id for c in cells.values())


# ---------------------------------------------------------------- the wire validator
def _wire():
    from sig2gps.server import wire

    return wire.load()


json_value = st.recursive(st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.text(max_size=10)
                          | st.floats(allow_nan=True, allow_infinity=True),
                          lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                          max_leaves=12)
KEYS = ["wire", "method", "traces", "signaling_path", "cells", "cells_path", "network", "options", "frames", "client",
        "conditioning", "trace_id", "t", "cell_id", "lon", "lat", "rollouts", "extra", "path", "geojson", "png_base64",
        "bounds_lonlat"]


def _valid_request() -> dict:
    return {"wire": 1, "method": "towers", "traces": [
        {"trace_id": "a", "t": [1777618800.0, 1777618860.0, 1777618920.0], "cell_id": ["c1", "c2", "c3"],
         "lon": [24.9, 24.91, 24.92], "lat": [60.1, 60.1, 60.11]}],
        "options": {"rollouts": 1, "frames": 21}}


@st.composite
def mutated_request(draw):
    req = _valid_request()
    for _ in range(draw(st.integers(1, 4))):
        # walk to a random dict/list inside and replace, add or drop one entry
        node = req
        for _depth in range(draw(st.integers(0, 3))):
            kids = list(node.values()) if isinstance(node, dict) else list(node) if isinstance(node, list) else []
            kids = [k for k in kids if isinstance(k, (dict, list))]
            if not kids:
                break
            node = draw(st.sampled_from(kids))
        if isinstance(node, dict):
            key = draw(st.sampled_from(sorted(node) + KEYS))
            if draw(st.booleans()) and key in node:
                del node[key]
            else:
                node[key] = draw(json_value)
        elif isinstance(node, list) and node:
            node[draw(st.integers(0, len(node) - 1))] = draw(json_value)
    return req


@SETTINGS
@given(st.one_of(mutated_request(), json_value))
def test_wire_job_request_check_raises_only_wire_error(req):
    wire = _wire()
    try:
        out = wire.check_job_request(req)
    except wire.WireError as e:
        assert isinstance(e.detail, str)
        return
    assert out["options"]["rollouts"] >= 1 and ("traces" in out) != ("signaling_path" in out)
    wire.encode(out)  # what passed is JSON again (no NaN, no odd types)


@SETTINGS
@given(st.one_of(st.binary(max_size=300), json_value.map(lambda v: repr(v).encode()),
                 mutated_request().map(lambda r: __import__("json").dumps(r).encode())))
def test_wire_decode_raises_only_wire_error(data):
    wire = _wire()
    try:
        wire.decode(data, "job_request")
    except wire.WireError:
        pass
