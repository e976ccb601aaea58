"""The one wire format: schemas well formed, the shared validator right (checked against the reference
jsonschema implementation), the same file loaded by both sides, and working in QGIS's Python too."""
from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WIRE_DIR = ROOT / "resources" / "wire"
sys.path.insert(0, str(ROOT))
from plugin import backend_client  # noqa: E402

wire = backend_client.load_wire()

TRACE = {"trace_id": "a", "t": [0.0, 60.0, 150.5], "cell_id": ["c1", "c2", "c3"],
         "lon": [24.93, 24.94, 24.95], "lat": [60.16, 60.17, 60.172]}
ERROR_BODY = {"status": 400, "code": "bad_request", "message": "m", "field": "traces[0].t[1]"}
# One valid example of every message (what the server and client exchange).
VALID = {
    "job_request": {"wire": 1, "method": "towers", "traces": [TRACE], "options": {"rollouts": 2, "frames": 13},
                    "network": {"path": "/x/roads.osm.pbf"}, "frames": "urls",
                    "conditioning": {"png_base64": "iVBORw0KGgo=", "bounds_lonlat": [24.9, 60.1, 25.0, 60.2]}},
    "job_status": {"wire": 1, "job_id": "0a1b", "state": "running", "progress": 0.5, "message": "working",
                   "method": "towers", "traces_total": 2, "traces_done": 1, "traces_failed": 0,
                   "cancel_requested": False, "created": 1.7e9, "started": 1.7e9, "finished": None, "error": None},
    "result": {"wire": 1, "job_id": "0a1b", "state": "done", "complete": True, "method": "hmm", "device": "cpu",
               "seconds_total": 1.5, "warnings": [], "errors": [{"trace_id": "b", "reason": "too short"}],
               "traces": [{"trace_id": "a", "seconds": 0.7, "rollouts": [
                   {"rollout": 0, "score": -1.0, "t": [0.0, 1.0], "lon": [24.9, 24.91], "lat": [60.1, 60.11],
                    "info": {"k": 1},
                    "frames": {"count": 2, "width": 4, "height": 3, "urls": ["/u/0.png", "/u/1.png"]}},
                   {"rollout": 1, "score": None, "t": [0.0], "lon": [24.9], "lat": [60.1], "info": {},
                    "frames": None}]}]},
    "error": {"wire": 1, "error": ERROR_BODY},
    "health": {"wire": 1, "status": "ok", "version": "0.1.0", "pid": 12, "uptime_s": 3.0, "max_request_bytes": 1024,
               "jobs": {"queued": 0, "running": 1, "finished": 4}},
    "methods": {"wire": 1, "methods": [{"name": "towers", "description": "d", "needs_network": False, "ready": True}]},
    "connection": {"wire": 1, "url": "http://127.0.0.1:8765", "host": "127.0.0.1", "port": 8765, "token": "x" * 43,
                   "pid": 12, "version": "0.1.0"},
}


def _set(path):
    """A mutation setting a nested field: ("a", 0, "b") -> value."""
    def apply(msg, value):
        node = msg
        for k in path[:-1]:
            node = node[k]
        if value is _DEL:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return apply


_DEL = object()
# (message, where, new value, the field the error must name)
INVALID = [
    ("job_request", ("traces", 0, "t", 1), "later", "traces[0].t[1]"),
    ("job_request", ("traces", 0, "t", 1), True, "traces[0].t[1]"),  # bool is not a number in JSON
    ("job_request", ("traces", 0, "lon", 0), -181.0, "traces[0].lon[0]"),
    ("job_request", ("traces", 0, "trace_id"), "", "traces[0].trace_id"),
    ("job_request", ("traces", 0, "cell_id"), _DEL, "traces[0].cell_id"),
    ("job_request", ("options", "rollouts"), 0, "options.rollouts"),
    ("job_request", ("options", "rollouts"), 2.5, "options.rollouts"),
    ("job_request", ("options", "device"), "tpu", "options.device"),
    ("job_request", ("frames",), "gif", "frames"),
    ("job_request", ("method",), _DEL, "method"),
    ("job_request", ("wire",), 2, "wire"),
    ("job_request", ("network", "url"), "http://x", "network.url"),
    ("job_request", ("conditioning", "bounds_lonlat"), [1, 2, 3], "conditioning.bounds_lonlat"),
    ("job_status", ("state",), "paused", "state"),
    ("job_status", ("progress",), 1.5, "progress"),
    ("job_status", ("error",), {"status": 1}, "error.code"),  # the closest alternative of the oneOf
    ("result", ("traces", 0, "rollouts", 0, "frames", "count"), 0, "traces[0].rollouts[0].frames.count"),
    ("result", ("traces", 0, "rollouts"), [], "traces[0].rollouts"),
    ("result", ("errors", 0, "reason"), None, "errors[0].reason"),
    ("error", ("error", "code"), "oops", "error.code"),
    ("health", ("jobs", "queued"), -1, "jobs.queued"),
    ("methods", ("methods", 0, "ready"), "yes", "methods[0].ready"),
    ("connection", ("url",), "http://0.0.0.0:80", "url"),  # loopback only
    ("connection", ("token",), "short", "token"),
]


def schema_files():
    return sorted((WIRE_DIR / "schemas").glob("*.schema.json"))


def _walk_schema(node, where, out):
    """Every keyword used in schema positions (property names and const/enum data are not keywords)."""
    if isinstance(node, bool):
        return
    assert isinstance(node, dict), f"{where}: a schema must be an object"
    for key, val in node.items():
        out.append((where, key))
        if key in ("properties", "$defs"):
            for name, sub in val.items():
                _walk_schema(sub, f"{where}/{key}/{name}", out)
        elif key in ("items", "additionalProperties") and isinstance(val, (dict, bool)):
            _walk_schema(val, f"{where}/{key}", out)
        elif key in ("oneOf", "anyOf", "allOf"):
            for i, sub in enumerate(val):
                _walk_schema(sub, f"{where}/{key}/{i}", out)


def test_every_message_has_a_schema_using_only_the_supported_subset():
    names = {p.name.removesuffix(".schema.json") for p in schema_files()}
    assert set(wire.MESSAGES) <= names
    for p in schema_files():
        schema = json.loads(p.read_text())
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == p.name  # relative $refs resolve by these ids
        used = []
        _walk_schema(schema, p.name, used)
        unsupported = [f"{w}: {k}" for w, k in used if k not in wire.SUPPORTED_KEYWORDS]
        assert unsupported == []


def test_every_ref_resolves():
    refs = []
    for p in schema_files():
        used = []
        _walk_schema(json.loads(p.read_text()), p.name, used)
    for p in schema_files():
        text = p.read_text()
        for part in text.split('"$ref": "')[1:]:
            refs.append((p.name, part.split('"', 1)[0]))
    assert refs
    for base, ref in refs:
        target, _ = wire._resolve(ref, base)
        assert isinstance(target, dict), f"{base}: {ref}"


@pytest.mark.parametrize("name", list(VALID))
def test_valid_examples_pass(name):
    assert wire.errors(VALID[name], name) == []


@pytest.mark.parametrize("name, where, value, field", INVALID)
def test_invalid_examples_fail_naming_the_field(name, where, value, field):
    msg = copy.deepcopy(VALID[name])
    _set(where)(msg, value)
    errs = wire.errors(msg, name)
    assert errs, f"{name}: {where} = {value!r} was accepted"
    assert errs[0].field == field, errs


def _reference_validator(name):
    jsonschema = pytest.importorskip("jsonschema", reason="the reference validator comes with ray (requirements.lock)")
    referencing = pytest.importorskip("referencing")
    resources = [(p.name, referencing.Resource.from_contents(json.loads(p.read_text()))) for p in schema_files()]
    registry = referencing.Registry().with_resources(resources)
    return jsonschema.Draft202012Validator(wire.load_schema(name), registry=registry)


@pytest.mark.parametrize("case", range(len(INVALID) + len(VALID)))
def test_verdicts_match_the_reference_implementation(case):
    """Our small validator must accept and refuse exactly what the full draft 2020-12 validator does."""
    if case < len(VALID):
        name = list(VALID)[case]
        msg = VALID[name]
    else:
        name, where, value, _ = INVALID[case - len(VALID)]
        msg = copy.deepcopy(VALID[name])
        _set(where)(msg, value)
    ref = _reference_validator(name)
    assert (not wire.errors(msg, name)) == ref.is_valid(msg)


def test_cross_field_rules_of_a_job_request():
    def fails(mutate, field, words):
        req = copy.deepcopy(VALID["job_request"])
        mutate(req)
        with pytest.raises(wire.WireError) as e:
            wire.check_job_request(req)
        assert e.value.field == field and words in str(e.value), str(e.value)

    fails(lambda r: r.update(signaling_path="/s.csv"), "traces", "exactly one")
    fails(lambda r: r.pop("traces"), "traces", "exactly one")
    fails(lambda r: r["traces"][0]["lat"].pop(), "traces[0].lat", "parallel")
    fails(lambda r: r["traces"][0].pop("lat"), "traces[0].lat", "together")
    fails(lambda r: (r["traces"][0].pop("lat"), r["traces"][0].pop("lon")), "traces[0].lon", "no cells")
    fails(lambda r: r["traces"].append(dict(r["traces"][0])), "traces[1].trace_id", "twice")
    fails(lambda r: r["traces"][0]["t"].__setitem__(2, 10.0), "traces[0].t[2]", "sort records")
    fails(lambda r: r["options"].update(frames=14), "options.frames", "4k+1")
    fails(lambda r: r["conditioning"].update(bounds_lonlat=[25, 60, 24, 61]), "conditioning.bounds_lonlat", "west")
    fails(lambda r: r.update(cells=[], cells_path="/c.csv"), "cells", "at most one")
    ok = wire.check_job_request({"wire": 1, "method": "towers", "traces": [TRACE]})
    assert ok["options"] == wire.DEFAULT_OPTIONS and ok["frames"] == "urls"


def test_decode_refuses_what_is_not_json():
    with pytest.raises(wire.WireError, match="line 2, column"):
        wire.decode(b'{"a": 1,\n oops}')
    with pytest.raises(wire.WireError, match="NaN"):
        wire.decode(b'{"a": NaN}')
    with pytest.raises(wire.WireError, match="UTF-8"):
        wire.decode(b'{"a": "\xff"}')
    with pytest.raises(ValueError):
        wire.encode({"score": float("nan")})  # the sender must turn it into null first
    assert wire.decode(wire.encode(VALID["result"]), "result") == VALID["result"]


def test_both_sides_load_the_same_file():
    from sig2gps.server import wire as server_wire

    assert server_wire.load() is wire
    assert Path(wire.__file__).resolve() == (WIRE_DIR / "wire.py").resolve()
    assert (server_wire.wire_dir() / "wire.py").resolve() == backend_client.wire_path().resolve()


def test_build_request_is_checked_before_sending():
    req = backend_client.build_request("hmm", traces=[TRACE], rollouts=3, network_path="/r.pbf",
                                       conditioning_png=b"\x89PNG", conditioning_bounds=(24.9, 60.1, 25.0, 60.2))
    assert wire.errors(req, "job_request") == []
    with pytest.raises(wire.WireError) as e:
        backend_client.build_request("hmm", traces=[dict(TRACE, t=[0.0, 1.0])])
    assert e.value.field == "traces[0].cell_id"


@pytest.mark.skipif(not Path("/usr/bin/python3").exists(), reason="no system Python (QGIS's) here")
def test_validator_runs_in_qgis_python():
    """The plugin runs in Debian's /usr/bin/python3: the same file must load and judge alike there."""
    cases = [("job_request", VALID["job_request"]), ("job_status", dict(VALID["job_status"], state="paused"))]
    code = ("import importlib.util, json, sys\n"
            f"s = importlib.util.spec_from_file_location('w', {str(WIRE_DIR / 'wire.py')!r})\n"
            "w = importlib.util.module_from_spec(s); s.loader.exec_module(w)\n"
            "cases = json.load(sys.stdin)\n"
            "print(json.dumps([[e.field for e in w.errors(m, n)] for n, m in cases]))\n")
    out = subprocess.run(["/usr/bin/python3", "-I", "-c", code], input=json.dumps(cases), capture_output=True,
                         text=True, timeout=60, check=True)
    assert json.loads(out.stdout) == [[], ["state"]]


@pytest.mark.parametrize("path", ["resources/wire/wire.py", "plugin/backend_client.py", "plugin/backend_process.py"])
def test_shared_modules_use_the_standard_library_only(path):
    """wire.py and the plugin's backend modules run in QGIS's Python and the backend venv alike: no Qt, no numpy."""
    import ast

    tree = ast.parse((ROOT / path).read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            roots.add(node.module.split(".")[0])
    assert roots - set(sys.stdlib_module_names) - {"__future__"} == set()
