"""Sig2GPS QGIS plugin: reconstruct GPS trajectories from cellular signaling.

QGIS calls classFactory() at start-up; the plugin class is imported lazily here so that QGIS starts
fast and a problem inside the plugin cannot break QGIS's own start-up.
"""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import Sig2GpsPlugin

    return Sig2GpsPlugin(iface)
