"""One layer-tree group per reconstruction run, named so that runs are told apart at a glance, and the
map zoomed to what came back."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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
    the result; `options` as sent (what it leaves out is the declared default, wire/schemas/options.schema.json)."""
    from ..backend_client import load_wire

    options = dict(load_wire().DEFAULT_OPTIONS, **options)
    parts = [tr("{0} rollouts").format(options["rollouts"]), tr("seed {0}").format(options["seed"])]
    if method == "video":
        parts += [tr("{0} steps").format(options["steps"])]
        if options["consensus"]:
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



@dataclass
class Run:
    """One reconstruction run as the project holds it: its group and its two layers."""

    number: int
    name: str  # the group's name
    lines: object  # QgsVectorLayer
    points: object  # QgsVectorLayer
    group: object = None  # QgsLayerTreeGroup


def _table_name(run: Run, kind: str) -> str:
    method = re.sub(r"[^A-Za-z0-9]+", "_", run.name.split(" ")[2] if run.name.count(" ") >= 2 else "run")
    return f"run{run.number}_{method.strip('_')}_{kind}"


def save_runs(runs: list[Run], path, project: QgsProject | None = None) -> list[str]:
    """Write every run's lines and points as layers of one GeoPackage, then put the saved layers in the
    project in place of the memory layers (same group, name, style, temporal settings), so the runs
    survive closing QGIS. Returns the GeoPackage's layer names. Overwrites `path` (the caller asks)."""
    from qgis.core import QgsVectorLayer

    from ..errors import Sig2GpsError
    from .export import export_layer
    from .results import set_temporal

    project = project or QgsProject.instance()
    path = Path(path)
    written = []
    for run in runs:
        for kind, layer in (("lines", run.lines), ("points", run.points)):
            name = _table_name(run, kind)
            export_layer(layer, path, overwrite=not written, layer_name=name, add_to_file=bool(written))
            written.append(name)
    for run in runs:
        saved = []
        for kind, old in (("lines", run.lines), ("points", run.points)):
            new = QgsVectorLayer(f"{path}|layername={_table_name(run, kind)}", old.name(), "ogr")
            if not new.isValid():
                raise Sig2GpsError(tr("The saved layer {0} in {1} cannot be opened.").format(old.name(), str(path)))
            new.setRenderer(old.renderer().clone())
            saved.append(new)
        set_temporal(saved[1], saved[0])
        group = run.group if run.group is not None else project.layerTreeRoot()
        project.addMapLayers(saved, False)
        for i, (old, new) in enumerate(zip((run.lines, run.points), saved)):
            group.insertLayer(i, new)
            project.removeMapLayer(old.id())
        run.lines, run.points = saved
    return written
