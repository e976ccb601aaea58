"""The Sig2GPS Processing provider (QuickOSM's pattern: heavy work as Processing algorithms)."""
from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..i18n import tr
from ..paths import icon_path
from .reconstruct_algorithm import ReconstructAlgorithm


class Sig2GpsProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "sig2gps"

    def name(self) -> str:
        return tr("Sig2GPS")

    def icon(self):
        return QIcon(str(icon_path()))

    def loadAlgorithms(self):  # noqa: N802 (QGIS's name)
        self.addAlgorithm(ReconstructAlgorithm())
