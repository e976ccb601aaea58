"""Settings: which Python runs the backend, and its default road network."""
from __future__ import annotations

from qgis.gui import QgsFileWidget
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel

from ..i18n import tr
from ..settings import PluginSettings


class SettingsDialog(QDialog):
    def __init__(self, settings: PluginSettings, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Sig2GPS settings"))
        self.settings = settings
        self.python = QgsFileWidget()
        self.python.setFilePath(settings.backend_python)
        self.python.setDialogTitle(tr("The backend's Python interpreter"))
        self.network = QgsFileWidget()
        self.network.setFilePath(settings.network_path)
        self.network.setFilter(tr("Road networks (*.osm *.pbf *.gz *.bz2 *.shp *.gpkg *.geojson)"))
        form = QFormLayout(self)
        form.addRow(QLabel(tr("The backend runs in its own Python (with the sig2gps package and, for the video "
                              "model, torch). `make install-plugin` sets the project's .venv.")))
        form.addRow(tr("Backend Python"), self.python)
        form.addRow(tr("Default road network"), self.network)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def accept(self) -> None:
        self.settings.backend_python = self.python.filePath().strip()
        self.settings.network_path = self.network.filePath().strip()
        self.settings.save()
        super().accept()
