"""One layer-tree group per reconstruction run, named so that runs are told apart at a glance, and the
map zoomed to what came back."""
from __future__ import annotations

import re

from qgis.core import QgsCoordinateTransform, QgsProject, QgsRectangle

from ..i18n import tr

GROUP_PREFIX = "Sig2GPS"
_RUN_NUMBER = re.compile(r"^" + GROUP_PREFIX + r" #(\d+)\b")


def next_run_number(project: QgsProject | None = None) -> int:
    """One more than the highest run number among the project's Sig2GPS groups (1 for the first run), so a
    reopened project keeps counting."""
    root = (project or QgsProject.instance()).layerTreeRoot()
    numbers = [int(m.group(1)) for g in root.findGroups() if (m := _RUN_NUMBER.match(g.name()))]
    return max(numbers, default=0) + 1


def run_name(number: int, method: str, options: dict) -> str:
    """'Sig2GPS #3 hmm (2 rollouts, seed 0)': the run number, the method and the parameters that change
    the result."""
    parts = [tr("{0} rollouts").format(options.get("rollouts", 1)), tr("seed {0}").format(options.get("seed", 0))]
    if method == "video":
        parts += [tr("{0} steps").format(options.get("steps", "?"))]
        if options.get("consensus"):
            parts.append(tr("consensus"))
    return f"{GROUP_PREFIX} #{number} {method} ({', '.join(parts)})"


def add_run_group(name: str, layers: list, project: QgsProject | None = None):
    """Add the layers to the project inside a new group at the top of the layer tree; returns the group."""
    project = project or QgsProject.instance()
    project.addMapLayers(layers, False)  # not into the root: into the group
    group = project.layerTreeRoot().insertGroup(0, name)
    for layer in layers:
        group.addLayer(layer)
    return group


def zoom_to_layers(canvas, layers: list, margin: float = 0.1) -> QgsRectangle | None:
    """Zoom the map canvas to the layers' joint extent (in the canvas CRS), with a margin; None without a
    canvas or without features."""
    if canvas is None:
        return None
    extent = QgsRectangle()
    extent.setMinimal()
    dest = canvas.mapSettings().destinationCrs()
    found = False
    for layer in layers:
        if layer.featureCount() == 0:
            continue
        found = True
        e = layer.extent()
        if layer.crs() != dest and dest.isValid():
            e = QgsCoordinateTransform(layer.crs(), dest, QgsProject.instance()).transformBoundingBox(e)
        extent.combineExtentWith(e)
    if not found:
        return None
    extent.scale(1.0 + margin)
    canvas.setExtent(extent)
    canvas.refresh()
    return extent

