"""The Sig2GPS wire format between the QGIS plugin and the backend server, checked the same way on both sides.

The messages are defined once, as JSON Schema files in `schemas/` (a draft 2020-12 subset, listed in
`SUPPORTED_KEYWORDS`). This module is standard library only and is *loaded by path* — never installed —
because the plugin runs in QGIS's Python and the backend in its own venv (see README.md beside it):

    spec = importlib.util.spec_from_file_location("sig2gps_wire", path_to_this_file)

Beyond the schemas, `check_job_request` adds the cross-field rules a schema subset cannot say
(one of traces/signaling_path, parallel arrays of equal length, times in order). The method options
(`schemas/options.schema.json`: types, defaults, limits) are generated from the backend's declarations.
Every problem is a `WireError` whose `field` is a path such as `traces[0].t[3]`.
"""
from __future__ import annotations

import difflib
import json
import math
import re
from pathlib import Path

WIRE_VERSION = 1
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
MESSAGES = ("job_request", "job_status", "result", "error", "health", "methods", "connection")
SUPPORTED_KEYWORDS = frozenset({
    "$schema", "$id", "$defs", "$ref", "title", "description", "type", "enum", "const", "properties", "required",
    "additionalProperties", "items", "minItems", "maxItems", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minLength", "maxLength", "pattern", "oneOf", "anyOf", "allOf", "default"})
DEFAULT_FRAMES_MODE = "urls"
STATES = ("queued", "running", "done", "failed", "cancelled")
FINAL_STATES = ("done", "failed", "cancelled")


class WireError(ValueError):
    """A message that does not follow the wire format; `field` is the path of the offending value."""

    def __init__(self, message: str, field: str | None = None):
        self.field = field or None
        self.detail = message
        super().__init__(f"{field}: {message}" if field else message)


# ---------------------------------------------------------------- schema loading
_SCHEMAS: dict[str, dict] = {}


def load_schema(name: str) -> dict:
    """The schema of message `name` (or a schema file name such as 'common.schema.json')."""
    fname = name if name.endswith(".json") else f"{name}.schema.json"
    if fname not in _SCHEMAS:
        path = SCHEMA_DIR / fname
        if not path.exists():
            raise KeyError(f"no wire schema {fname!r} in {SCHEMA_DIR}")
        _SCHEMAS[fname] = json.loads(path.read_text(encoding="utf-8"))
    return _SCHEMAS[fname]


def _resolve(ref: str, base: str) -> tuple[dict, str]:
    """Follow a $ref ('#/$defs/x' or 'file.schema.json#/$defs/x'); returns (schema, its file)."""
    file_part, _, pointer = ref.partition("#")
    fname = file_part or base
    node = load_schema(fname)
    for part in [p for p in pointer.split("/") if p]:
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, fname


def _default_options() -> dict:
    """What the receiver fills in for options a request leaves out: the schema's defaults, which are the
    backend's declared defaults (options.schema.json is generated from them)."""
    return {k: v["default"] for k, v in load_schema("options")["properties"].items()}


DEFAULT_OPTIONS = _default_options()


# ---------------------------------------------------------------- validation
_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    # bool is an int in Python but not a number in JSON
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool)
    or (isinstance(v, float) and math.isfinite(v) and v.is_integer()),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
}


def _jtype(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, (int, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


def _show(v) -> str:
    try:
        s = json.dumps(v)
    except (TypeError, ValueError):
        s = repr(v)
    return s if len(s) <= 40 else s[:37] + "..."


def _join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _check(value, schema: dict, path: str, base: str, out: list, limit: int) -> None:
    if len(out) >= limit:
        return
    if "$ref" in schema:
        target, fname = _resolve(schema["$ref"], base)
        _check(value, target, path, fname, out, limit)
        # sibling keywords of $ref apply too (2020-12)
        schema = {k: v for k, v in schema.items() if k != "$ref"}

    def bad(msg):
        out.append(WireError(msg, path or None))

    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            if isinstance(value, float) and not math.isfinite(value):
                return bad(f"{value} is not a finite number")
            return bad(f"expected {' or '.join(types)}, got {_jtype(value)} {_show(value)}")
    if "const" in schema and not _equal(value, schema["const"]):
        return bad(f"must be {_show(schema['const'])}, got {_show(value)}")
    if "enum" in schema and not any(_equal(value, e) for e in schema["enum"]):
        shown = [_show(e) for e in schema["enum"]]
        shown = shown if len(shown) <= 8 else shown[:3] + ["...", shown[-1]]
        why = f" ({schema['description']})" if "description" in schema else ""  # e.g. the rule behind a long list
        return bad(f"{_show(value)} is not one of {', '.join(shown)}{why}")
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            bad(f"{value} is below the minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            bad(f"{value} is above the maximum {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            bad(f"{value} must be greater than {schema['exclusiveMinimum']}")
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            bad(f"{value} must be less than {schema['exclusiveMaximum']}")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            bad("must not be empty" if schema["minLength"] == 1 else f"shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            bad(f"longer than {schema['maxLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            bad(f"{_show(value)} does not match {schema['pattern']}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            bad(f"has {len(value)} item(s); at least {schema['minItems']} needed")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            bad(f"has {len(value)} items; at most {schema['maxItems']} allowed")
        if "items" in schema:
            item_schema, item_base = _flatten_ref(schema["items"], base)
            fast = _fast_item_test(item_schema)
            for i, item in enumerate(value):
                if fast is None or not fast(item):  # the slow path also words the message
                    _check(item, item_schema, _join(path, i), item_base, out, limit)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:  # named by its own path, so a form can point at the missing input
                out.append(WireError("required field is missing", _join(path, key)))
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                _check(v, props[key], _join(path, key), base, out, limit)
            elif extra is False:
                near = difflib.get_close_matches(key, list(props), n=1)
                hint = f" (did you mean {near[0]!r}?)" if near else f" (known: {', '.join(props)})"
                out.append(WireError(f"unknown field{hint}", _join(path, key)))
            elif isinstance(extra, dict):
                _check(v, extra, _join(path, key), base, out, limit)
    for sub in schema.get("allOf", []):
        _check(value, sub, path, base, out, limit)
    for kw in ("anyOf", "oneOf"):
        if kw in schema:
            fits = [s for s in schema[kw] if not _collect(value, s, path, base)]
            if not fits or (kw == "oneOf" and len(fits) > 1):
                # report the errors of the closest alternative: the one with the fewest problems
                # prefer an alternative of the right type: "expected null" says little about a wrong object
                best = min((_collect(value, s, path, base) for s in schema[kw]),
                           key=lambda errs: (any(e.field == (path or None) and e.detail.startswith("expected ")
                                                 for e in errs), len(errs)))
                out.extend(best[:1] if best else [WireError("matches more than one alternative", path or None)])


def _flatten_ref(schema, base: str) -> tuple[dict, str]:
    """Follow a pure {"$ref": ...} chain (so arrays of refs do not resolve it once per item)."""
    while isinstance(schema, dict) and set(schema) == {"$ref"}:
        schema, base = _resolve(schema["$ref"], base)
    return schema, base


_PLAIN = {"type", "minimum", "maximum", "minLength", "description", "title"}


def _fast_item_test(schema):
    """For the long arrays of a trace (times, cell ids, coordinates): a quick test that an item is valid,
    or None when the schema is not that simple. Keeps a 100,000-record request well under a second."""
    if not isinstance(schema, dict) or not set(schema) <= _PLAIN or schema.get("type") not in ("number", "string"):
        return None
    lo, hi = schema.get("minimum", -math.inf), schema.get("maximum", math.inf)
    if schema["type"] == "number":
        return lambda v: type(v) in (float, int) and lo <= v <= hi and v - v == 0  # v - v == 0: finite
    n = schema.get("minLength", 0)
    return lambda v: type(v) is str and len(v) >= n


def _collect(value, schema, path, base) -> list:
    out: list = []
    _check(value, schema, path, base, out, 10)
    return out


def _equal(a, b) -> bool:
    return _jtype(a) == _jtype(b) and a == b


def errors(message, name: str, limit: int = 20) -> list[WireError]:
    """All problems (up to `limit`) of `message` against the schema of message `name`; [] when valid."""
    out: list = []
    _check(message, load_schema(name), "", f"{name}.schema.json", out, limit)
    return out[:limit]


def validate(message, name: str):
    """Raise WireError (the first problem, with the count of others) unless `message` is a valid `name`."""
    errs = errors(message, name)
    if errs:
        first = errs[0]
        more = f" (and {len(errs) - 1} more problem(s))" if len(errs) > 1 else ""
        raise WireError(first.detail + more, first.field)
    return message


# ---------------------------------------------------------------- job requests
def check_job_request(req) -> dict:
    """Validate a job request (schema + cross-field rules) and return a copy with defaults filled in."""
    validate(req, "job_request")
    if ("traces" in req) == ("signaling_path" in req):
        raise WireError("give exactly one of 'traces' (records inline) or 'signaling_path' (a CSV file)",
                        "traces")
    if "cells" in req and "cells_path" in req:
        raise WireError("give at most one of 'cells' and 'cells_path'", "cells")
    if len(req.get("network", {})) > 1:
        raise WireError("give at most one of 'path' and 'geojson'", "network")
    has_cells = "cells" in req or "cells_path" in req
    seen = set()
    for i, tr in enumerate(req.get("traces", [])):
        p = f"traces[{i}]"
        if tr["trace_id"] in seen:
            raise WireError(f"trace id {tr['trace_id']!r} appears twice", f"{p}.trace_id")
        seen.add(tr["trace_id"])
        n = len(tr["t"])
        for key in ("cell_id", "lon", "lat"):
            if key in tr and len(tr[key]) != n:
                raise WireError(f"has {len(tr[key])} values but t has {n}; the arrays are parallel", f"{p}.{key}")
        if ("lon" in tr) != ("lat" in tr):
            raise WireError("lon and lat come together", f"{p}.{'lat' if 'lon' in tr else 'lon'}")
        if "lon" not in tr and not has_cells:
            raise WireError("lon/lat are missing and the request has no cells to look the cell ids up in",
                            f"{p}.lon")
        t = tr["t"]
        for k in range(1, n):
            if t[k] < t[k - 1]:
                raise WireError(f"{t[k]} is earlier than the previous record ({t[k - 1]}); sort records by time",
                                f"{p}.t[{k}]")
    opts = dict(json.loads(json.dumps(DEFAULT_OPTIONS)), **req.get("options", {}))  # a fresh copy of the defaults
    b = req.get("conditioning", {}).get("bounds_lonlat")
    if b and not (b[0] < b[2] and b[1] < b[3]):
        raise WireError("expected west < east and south < north", "conditioning.bounds_lonlat")
    out = dict(req)
    out["options"] = opts
    out.setdefault("frames", DEFAULT_FRAMES_MODE)
    return out


# ---------------------------------------------------------------- JSON encoding
def encode(message) -> bytes:
    """UTF-8 JSON; NaN/inf are not JSON, so the sender must have turned them into null already."""
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode("utf-8")


def decode(data: bytes, name: str | None = None):
    """Parse JSON bytes (and validate against message `name` when given); errors name line and column."""
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
        obj = json.loads(text, parse_constant=_reject_constant)
    except UnicodeDecodeError as e:
        raise WireError(f"body is not UTF-8 ({e.reason} at byte {e.start})")
    except json.JSONDecodeError as e:
        raise WireError(f"body is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}")
    except ValueError as e:  # NaN / Infinity, which Python's json would otherwise accept
        raise WireError(f"body is not valid JSON: {e}")
    if name:
        validate(obj, name)
    return obj


def _reject_constant(name):
    raise ValueError(f"{name} is not a JSON value")


def error_message(status: int, code: str, message: str, field: str | None = None) -> dict:
    """The body of every non-2xx answer (schema: error)."""
    return {"wire": WIRE_VERSION, "error": {"status": status, "code": code, "message": message, "field": field}}
