"""Every user-facing string is in both .ts files, translated, with its placeholders intact; the
.qm that lrelease builds loads and translates through the plugin's own tr()."""
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import missing_system_dep

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "i18n"))
from extract import messages  # noqa: E402

LANGS = ["zh", "de"]


def _ts(lang):
    root = ET.parse(ROOT / "i18n" / f"sig2gps_{lang}.ts").getroot()
    return {m.findtext("source"): m.find("translation") for m in root.iter("message")}


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_is_translated_with_its_placeholders(lang):
    ts = _ts(lang)
    missing = [s for s in messages() if s not in ts or ts[s].get("type") in ("unfinished", "obsolete")
               or not (ts[s].text or "").strip()]
    assert missing == [], f"run `python3 i18n/extract.py` and translate: {missing[:5]}"
    for src in messages():
        assert sorted(re.findall(r"\{\d[^}]*\}", src)) == sorted(re.findall(r"\{\d[^}]*\}", ts[src].text)), src


def test_qm_translates_through_tr(tmp_path, qgis_app):
    if not shutil.which("lrelease"):
        missing_system_dep("lrelease not installed (Debian: qttools5-dev-tools)")
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator

    from sig2gps_qgis.i18n import tr

    qm = tmp_path / "sig2gps_de.qm"
    subprocess.run(["lrelease", str(ROOT / "i18n" / "sig2gps_de.ts"), "-qm", str(qm)], check=True,
                   capture_output=True)
    t = QTranslator()
    assert t.load(str(qm))
    QCoreApplication.installTranslator(t)
    try:
        assert tr("Reconstruct GPS trajectories from signaling") == \
            "GPS-Trajektorien aus Signalisierungsdaten rekonstruieren"
    finally:
        QCoreApplication.removeTranslator(t)
    assert tr("Reconstruct GPS trajectories from signaling") == "Reconstruct GPS trajectories from signaling"
