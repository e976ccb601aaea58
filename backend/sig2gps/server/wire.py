"""The shared wire format (resources/wire/wire.py), loaded by path: it is not part of any installed package
because the QGIS plugin, in another Python, loads the very same file (see resources/wire/README.md)."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

MODULE_NAME = "sig2gps_wire"  # the name both sides register it under in sys.modules


def wire_dir() -> Path:
    """$SIG2GPS_WIRE_DIR, else the checkout's resources/wire (the backend is installed editable from backend/)."""
    env = os.environ.get("SIG2GPS_WIRE_DIR")
    here = Path(__file__).resolve()
    candidates = ([Path(env)] if env else []) + [here.parents[3] / "resources" / "wire"]
    for c in candidates:
        if (c / "wire.py").exists():
            return c
    raise ImportError("the Sig2GPS wire format (resources/wire/wire.py) was not found in "
                      + ", ".join(map(str, candidates)) + "; set SIG2GPS_WIRE_DIR to its folder")


def load():
    if MODULE_NAME not in sys.modules:
        spec = importlib.util.spec_from_file_location(MODULE_NAME, wire_dir() / "wire.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules[MODULE_NAME] = mod
        try:
            spec.loader.exec_module(mod)
        except BaseException:
            del sys.modules[MODULE_NAME]
            raise
    return sys.modules[MODULE_NAME]


# ---------------------------------------------------------------- the options schema, generated
OPTIONS_SCHEMA = "options.schema.json"
_JSON_TYPES = {int: "integer", float: "number", bool: "boolean", str: "string", dict: "object"}


def options_schema(options_cls=None) -> dict:
    """The wire schema of a job request's `options`, generated from the method options' declarations
    (methods/options.py): the fields offered on the wire, their types, defaults, limits and help."""
    from ..methods.base import option_fields

    if options_cls is None:
        from ..methods import MethodOptions as options_cls
    props = {}
    for opt in option_fields(options_cls):
        if not opt.spec.wire:
            continue
        where = f" ({', '.join(opt.spec.methods)})" if opt.spec.methods else ""
        kind = _JSON_TYPES[opt.type]
        p = {"description": opt.spec.help + where, "type": [kind, "null"] if opt.nullable else kind,
             "default": opt.default}
        for key, value in (("minimum", opt.spec.minimum), ("maximum", opt.spec.maximum),
                           ("exclusiveMinimum", opt.spec.above), ("pattern", opt.spec.pattern),
                           ("enum", opt.spec.allowed())):
            if value is not None:
                p[key] = value
        props[opt.name] = p
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": OPTIONS_SCHEMA,
            "title": "the method options of a job request",
            "description": "Generated from the backend's option declarations (sig2gps/methods/options.py) by "
                           "`python -m sig2gps.server.wire`; do not edit by hand. Left-out options take the "
                           "default.",
            "type": "object", "additionalProperties": False, "properties": props}


def options_schema_text(options_cls=None) -> str:
    """The schema file's exact text (what `write_options_schema` writes and the contract test compares)."""
    import json

    schema = options_schema(options_cls)
    props = schema.pop("properties")
    head = json.dumps(schema, indent=2)[:-2]  # one option a line, like the hand-written schemas
    body = ",\n".join(f"    {json.dumps(k)}: {json.dumps(v)}" for k, v in props.items())
    return f'{head},\n  "properties": {{\n{body}\n  }}\n}}\n'


def write_options_schema(folder: Path | None = None) -> Path:
    path = (folder or wire_dir()) / "schemas" / OPTIONS_SCHEMA
    path.write_text(options_schema_text(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_options_schema()}")
