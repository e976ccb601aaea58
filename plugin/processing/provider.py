"""The Sig2GPS Processing provider (QuickOSM's pattern: heavy work as Processing algorithms)."""
from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from .reconstruct_algorithm import ReconstructAlgorithm

ICON = Path(__file__).resolve().parents[1] / "icon.png"


class Sig2GpsProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "sig2gps"

    def name(self) -> str:
        return tr("Sig2GPS")

    def icon(self):
        return QIcon(str(ICON)) if ICON.exists() else super().icon()

    def loadAlgorithms(self):  # noqa: N802 (QGIS's name)
        self.addAlgorithm(ReconstructAlgorithm())
