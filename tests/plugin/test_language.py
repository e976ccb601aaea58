"""The plugin speaks QGIS's UI language (QgsSettings locale/overrideFlag + locale/userLocale, else what
QGIS started with), not the system's."""
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import missing_system_dep
from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication

from sig2gps_qgis.i18n import tr
from sig2gps_qgis.plugin import install_translator, ui_locale

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "Reconstruct GPS trajectories from signaling"


@pytest.fixture(scope="module")
def qm_dir(tmp_path_factory):
    if not shutil.which("lrelease"):
        missing_system_dep("lrelease not installed (Debian: qttools5-dev-tools)")
    out = tmp_path_factory.mktemp("locale")
    for lang in ("de", "zh"):
        subprocess.run(["lrelease", str(ROOT / "i18n" / f"sig2gps_{lang}.ts"), "-qm", str(out / f"sig2gps_{lang}.qm")],
                       check=True, capture_output=True)
    return out


@pytest.fixture
def settings(qgis_app):
    s = QgsSettings()
    before = {k: s.value(k) for k in ("locale/overrideFlag", "locale/userLocale")}
    translation = qgis_app.translation()
    yield s
    for k, v in before.items():
        s.remove(k) if v is None else s.setValue(k, v)
    QgsApplication.setTranslation(translation)


def translated_with(translator):
    try:
        return tr(SOURCE)
    finally:
        if translator is not None:
            QCoreApplication.removeTranslator(translator)


def test_a_locale_override_switches_the_translator(settings, qm_dir):
    settings.setValue("locale/overrideFlag", True)
    settings.setValue("locale/userLocale", "de_DE")
    assert ui_locale() == "de_DE"
    assert translated_with(install_translator(directory=qm_dir)) == \
        "GPS-Trajektorien aus Signalisierungsdaten rekonstruieren"
    settings.setValue("locale/userLocale", "zh_CN")
    zh = translated_with(install_translator(directory=qm_dir))
    assert zh != SOURCE and any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    settings.setValue("locale/userLocale", "en_US")  # English: no translator, the source text
    assert install_translator(directory=qm_dir) is None and tr(SOURCE) == SOURCE


def test_without_an_override_qgis_own_language_wins(settings, qm_dir):
    settings.setValue("locale/overrideFlag", False)
    settings.setValue("locale/userLocale", "zh_CN")  # set but not in force: ignored, as QGIS ignores it
    QgsApplication.setTranslation("de")
    assert ui_locale() == "de"
    assert translated_with(install_translator(directory=qm_dir)).startswith("GPS-Trajektorien")


def test_chinese_strings_render_where_a_cjk_font_exists(qgis_app):
    """Every character of the Chinese translations is drawable by an installed Simplified Chinese font
    (Qt falls back to it from the UI font), so no string shows as empty boxes."""
    import xml.etree.ElementTree as ET

    from qgis.PyQt.QtGui import QFont, QFontDatabase, QFontMetrics

    families = QFontDatabase().families(QFontDatabase.SimplifiedChinese)
    if not families:
        missing_system_dep("no Simplified Chinese font installed (Debian: fonts-wqy-microhei)")
    root = ET.parse(ROOT / "i18n" / "sig2gps_zh.ts").getroot()
    text = "".join(m.findtext("translation") or "" for m in root.iter("message"))
    cjk = sorted({ch for ch in text if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"})
    assert cjk, "the Chinese translation has no Chinese characters"
    fonts = [QFontMetrics(QFont(f)) for f in families]
    missing = [ch for ch in cjk if not any(m.inFontUcs4(ord(ch)) for m in fonts)]
    assert missing == [], f"no installed CJK font draws {''.join(missing[:20])}"
