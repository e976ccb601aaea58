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
