"""The packaged plugin (build/sig2gps_qgis, what `make package` zips and `make install-plugin` copies):
complete metadata, every resource found inside the package, translations loaded from it."""
import configparser
import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("SIG2GPS_PLUGIN_BUILD", ROOT / "build" / "sig2gps_qgis"))


@pytest.fixture(scope="module")
def pkg():
    if not (BUILD / "metadata.txt").exists():
        pytest.skip(f"plugin not built at {BUILD} (make plugin-build; `make test-plugin` does)")
    spec = importlib.util.spec_from_file_location("sig2gps_packaged", BUILD / "__init__.py",
                                                  submodule_search_locations=[str(BUILD)])
    mod = importlib.util.module_from_spec(spec)
    sys.modules["sig2gps_packaged"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_metadata_is_complete():
    cp = configparser.ConfigParser()
    cp.read(ROOT / "metadata.txt")
    g = cp["general"]
    for key in ("name", "qgisMinimumVersion", "description", "about", "version", "author", "email", "repository",
                "tracker", "icon", "hasProcessingProvider", "category"):
        assert g.get(key, "").strip(), key
    assert g["qgisMinimumVersion"] == "3.22" and g["hasProcessingProvider"] == "yes"


def test_resources_resolve_inside_the_package(pkg):
    from importlib import import_module

    paths = import_module("sig2gps_packaged.paths")
    client = import_module("sig2gps_packaged.backend_client")
    for p in (paths.icon_path(), paths.styles_dir() / "conditioning.json", client.wire_path(), paths.help_path()):
        assert p.exists() and BUILD in p.parents, p
    assert {q.name for q in paths.i18n_dir().glob("*.qm")} == {"sig2gps_zh.qm", "sig2gps_de.qm"}
    assert BUILD in paths.i18n_dir().parents
    assert not (BUILD / "i18n").exists()  # would shadow the i18n.py module


def test_plugin_speaks_chinese_when_qgis_does(pkg, qgis_iface, qgis_new_project):
    from importlib import import_module

    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QCoreApplication

    s = QgsSettings()
    s.setValue("locale/overrideFlag", True)
    s.setValue("locale/userLocale", "zh_CN")
    plugin = pkg.classFactory(qgis_iface)
    try:
        assert plugin.translator is not None
        tr = import_module("sig2gps_packaged.i18n").tr
        assert tr("Reconstruct GPS trajectories from signaling") == "从信令重建 GPS 轨迹"
    finally:
        plugin.unload()
        s.setValue("locale/overrideFlag", False)
    assert QCoreApplication.translate("Sig2GPS", "Rollouts") == "Rollouts"
