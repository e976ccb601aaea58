"""Plugin settings (QgsSettings under "sig2gps/"), with defaults that `make install-plugin` writes.

Order for the backend's Python: the user's setting, then $SIG2GPS_BACKEND_PYTHON, then the
`defaults.json` that `make install-plugin` drops beside the plugin (the repository's .venv),
then plain "python3" (works when sig2gps is installed system-wide).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from qgis.core import QgsSettings

PREFIX = "sig2gps/"
DEFAULTS_FILE = Path(__file__).resolve().parent / "defaults.json"


def _install_defaults() -> dict:
    try:
        return json.loads(DEFAULTS_FILE.read_text())
    except (OSError, ValueError):
        return {}


@dataclass
class PluginSettings:
    backend_python: str = ""  # interpreter that has the sig2gps package (and torch for the video model)
    network_path: str = ""  # the backend's road network file, used when no road layer is picked
    method: str = "towers"  # last method used
    rollouts: int = 3  # last rollout count used

    @classmethod
    def load(cls) -> "PluginSettings":
        s = QgsSettings()
        d = _install_defaults()
        py = (s.value(PREFIX + "backend_python", "", type=str) or os.environ.get("SIG2GPS_BACKEND_PYTHON", "")
              or d.get("backend_python", "") or "python3")
        return cls(backend_python=py,
                   network_path=s.value(PREFIX + "network_path", "", type=str) or d.get("network_path", ""),
                   method=s.value(PREFIX + "method", "towers", type=str) or "towers",
                   rollouts=int(s.value(PREFIX + "rollouts", 3, type=int) or 3))

    def save(self) -> None:
        s = QgsSettings()
        s.setValue(PREFIX + "backend_python", self.backend_python)
        s.setValue(PREFIX + "network_path", self.network_path)
        s.setValue(PREFIX + "method", self.method)
        s.setValue(PREFIX + "rollouts", int(self.rollouts))
