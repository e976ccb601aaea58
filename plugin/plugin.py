"""The plugin object QGIS holds: actions, the dock, the Processing provider, the translator."""
from __future__ import annotations

from pathlib import Path

from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, Qt, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction

from .i18n import tr
from .paths import i18n_dir, icon_path


def ui_locale() -> str:
    """QGIS's own UI language, not the system's: what QGIS chose at start (QgsApplication.translation(),
    from `locale/overrideFlag` + `locale/userLocale`, else the system locale), read again from the
    settings when the user has overridden it since, as QGIS's Options dialog does."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        user = settings.value("locale/userLocale", "", type=str)
        if user:
            return user
    app = QgsApplication.instance()
    return (app.translation() if app is not None else "") or QLocale.system().name()


def install_translator(locale: str | None = None, directory=None):
    """Load sig2gps_<lang>.qm for QGIS's UI language (ui_locale()); None when there is none (English).

    locale: e.g. "de_DE" or "zh"; directory: where the .qm files are (default: the plugin's locale/)."""
    locale = locale or ui_locale()
    folder = Path(directory) if directory is not None else i18n_dir()
    for name in dict.fromkeys((locale, locale.split("_")[0][:2])):
        qm = folder / f"sig2gps_{name}.qm"
        if qm.exists():
            translator = QTranslator()
            if translator.load(str(qm)):
                QCoreApplication.installTranslator(translator)
                return translator
    return None


class Sig2GpsPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.translator = install_translator()  # before any tr() call
        self.dock = None
        self.provider = None
        self.actions: list[QAction] = []

    def initProcessing(self):  # noqa: N802 (QGIS calls this for hasProcessingProvider=yes)
        from .backend_service import shared_backend
        from .processing.provider import Sig2GpsProvider
        from .processing.reconstruct_algorithm import ReconstructAlgorithm

        if self.provider is None:
            ReconstructAlgorithm.backend = shared_backend()
            self.provider = Sig2GpsProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()
        icon = QIcon(str(icon_path()))
        self.dock_action = QAction(icon, tr("Sig2GPS: reconstruct trajectories"), self.iface.mainWindow())
        self.dock_action.setCheckable(True)
        self.dock_action.toggled.connect(self.show_dock)
        settings_action = QAction(tr("Sig2GPS settings…"), self.iface.mainWindow())
        settings_action.triggered.connect(self.show_settings)
        self.actions = [self.dock_action, settings_action]
        for a in self.actions:
            self.iface.addPluginToVectorMenu(tr("&Sig2GPS"), a)
        self.iface.addVectorToolBarIcon(self.dock_action)

    def show_dock(self, visible: bool = True):
        if self.dock is None:
            from .dock import Sig2GpsDock
            from .backend_service import shared_backend

            self.dock = Sig2GpsDock(self.iface, shared_backend())
            self.iface.addDockWidget(Qt.RightDockWidgetArea, self.dock)
            self.dock.visibilityChanged.connect(self.dock_action.setChecked)
        self.dock.setVisible(visible)
        return self.dock

    def show_settings(self):
        from .settings import PluginSettings
        from .ui.settings_dialog import SettingsDialog

        SettingsDialog(PluginSettings.load(), self.iface.mainWindow()).exec_()

    def unload(self):
        from .backend_service import stop_shared_backend

        for a in self.actions:
            self.iface.removePluginVectorMenu(tr("&Sig2GPS"), a)
        if self.actions:
            self.iface.removeVectorToolBarIcon(self.dock_action)
        self.actions = []
        if self.dock is not None:
            self.dock.shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.deleteLater()
            self.dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        stop_shared_backend()
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
