"""The Rollouts tab: the table of the last run's rollouts (score, length, plausibility, distances to a
sketch), keep/discard, export of the kept ones, and the frames player.

The panel holds the last run's (lines, points) layers; discarded rollouts are hidden from them with a
subset filter. Messages go through its host (the dock)."""
from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsMapLayerProxyModel, QgsProject, QgsVectorLayer, QgsWkbTypes
from qgis.gui import QgsMapLayerComboBox
from qgis.PyQt.QtWidgets import (QFileDialog, QFormLayout, QHBoxLayout, QMessageBox, QPushButton, QVBoxLayout,
                                 QWidget)

from ..errors import Sig2GpsError
from ..i18n import tr


class ResultsPanel(QWidget):
    def __init__(self, host, parent=None):
        from .frames_player import FramesPlayer
        from .rollouts_table import RolloutsTable

        super().__init__(parent)
        self.host = host
        self.layers: tuple | None = None  # (lines, points) of the run in the table
        self.compare_task = None
        lay = QVBoxLayout(self)
        self.table = RolloutsTable()
        self.table.itemSelectionChanged.connect(self._on_row_selected)
        lay.addWidget(self.table, 1)
        form = QFormLayout()
        self.sketch_box = QgsMapLayerComboBox()
        self.sketch_box.setFilters(QgsMapLayerProxyModel.LineLayer)
        self.sketch_box.setAllowEmptyLayer(True)
        self.sketch_box.setLayer(None)
        self.sketch_box.layerChanged.connect(lambda _l: self.compare_to_sketch())
        form.addRow(tr("Sketch layer"), self.sketch_box)
        lay.addLayout(form)
        row = QHBoxLayout()
        for text, slot in ((tr("Keep"), lambda: self.keep_selected(True)),
                           (tr("Discard"), lambda: self.keep_selected(False)),
                           (tr("Export kept…"), lambda: self.export()),
                           (tr("Save runs…"), lambda: host.save_runs())):
            b = QPushButton(text)
            b.clicked.connect(slot)
            row.addWidget(b)
        lay.addLayout(row)
        self.player = FramesPlayer()
        lay.addWidget(self.player, 1)

    def show_run(self, rollouts, layers: tuple, colours: list) -> None:
        """Fill the table and the player with a run's rollouts; `layers` are its (lines, points)."""
        self.layers = layers
        lengths = {(f["trace_id"], f["rollout"]): f["length_m"] for f in layers[0].getFeatures()}
        self.table.set_rollouts(rollouts, [lengths.get((r.trace_id, r.rollout), 0.0) for r in rollouts], colours)
        self.player.set_rollouts(rollouts)
        self.compare_to_sketch()

    def compare_to_sketch(self, sketch: QgsVectorLayer | None = None):
        """Distances of every rollout to the sketch layer's first line (mean, Hausdorff, discrete Fréchet),
        computed in a QgsTask (Fréchet is quadratic: seconds for long rollouts); returns the task, or None
        when there is nothing to compare. The table fills in when it ends."""
        from qgis.core import QgsCoordinateReferenceSystem, QgsCoordinateTransform

        from ..compare import distances
        from ..tasks import CallTask, start

        sketch = sketch if sketch is not None else self.sketch_box.currentLayer()
        if sketch is None or not self.table.rollouts:
            return None
        if sketch.geometryType() != QgsWkbTypes.LineGeometry:
            self.host.message(tr("The sketch layer must be a line layer."), Qgis.Warning)
            return None
        line = next((f.geometry() for f in sketch.getFeatures() if not f.geometry().isEmpty()), None)
        if line is None:
            self.host.message(tr("The sketch layer {0} has no line yet: draw one, then pick it again.")
                         .format(sketch.name()), Qgis.Warning)
            return None
        line.transform(QgsCoordinateTransform(sketch.crs(), QgsCoordinateReferenceSystem("EPSG:4326"),
                                              QgsProject.instance()))
        parts = line.asMultiPolyline() if line.isMultipart() else [line.asPolyline()]
        sk = [(p.x(), p.y()) for part in parts for p in part]
        rollouts = list(self.table.rollouts)
        paths = [r.xy() if len(r.t) else None for r in rollouts]  # plain lists: the task never touches Qt

        def done(out):
            self.compare_task = None
            if self.table.rollouts == rollouts:  # not a newer run meanwhile
                self.table.set_distances(out)

        def failed(err):
            self.compare_task = None
            self.host.report(err)

        self.compare_task = CallTask(tr("Sig2GPS: comparing rollouts to the sketch"),
                                     lambda: [distances(p, sk) if p else None for p in paths],
                                     on_done=done, on_error=failed)
        return start(self.compare_task)

    def keep_selected(self, keep: bool, rows: list[int] | None = None) -> None:
        rows = self.table.selected_rows() if rows is None else rows
        if not rows:
            self.host.message(tr("Select rollouts in the table first."), Qgis.Info)
            return
        self.table.set_kept(rows, keep)
        self.hide_discarded()

    def hide_discarded(self) -> None:
        """Discarded rollouts leave the map: their legend entries are switched off (the features stay, and
        the user can tick them back on in the Layers panel)."""
        from qgis.core import QgsCategorizedSymbolRenderer

        from ..layers.results import style_key

        if self.layers is None:
            return
        gone = {style_key(r.trace_id, r.rollout) for r, k in zip(self.table.rollouts, self.table.kept) if not k}
        for layer in self.layers:
            renderer = layer.renderer()
            if not isinstance(renderer, QgsCategorizedSymbolRenderer):
                continue
            for i, cat in enumerate(renderer.categories()):
                renderer.updateCategoryRenderState(i, cat.value() not in gone)
            layer.triggerRepaint()

    def _on_row_selected(self) -> None:
        rows = self.table.selected_rows()
        if not rows or self.layers is None:
            return
        r = self.table.rollouts[rows[0]]
        self.player.select(r.trace_id, r.rollout)
        lines = self.layers[0]
        lines.selectByExpression(f"\"trace_id\" = '{r.trace_id}' AND \"rollout\" = {int(r.rollout)}")

    def export(self, path: str | None = None, confirm_overwrite=None) -> Path | None:
        """Write the kept rollouts to a Shapefile or GeoPackage: the lines, and their timestamped points
        (a second shapefile <name>_points.shp, or a second layer <name>_points in the GeoPackage);
        asks before replacing a file."""
        from ..layers.export import export_layer, points_target

        if self.layers is None:
            self.host.message(tr("Nothing to export yet: run a reconstruction first."), Qgis.Info)
            return None
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, tr("Export kept rollouts"), "",
                                                  tr("Shapefile (*.shp);;GeoPackage (*.gpkg)"))
            if not path:
                return None
        lines, points = self.layers
        kept = {(r.trace_id, r.rollout) for r in self.table.kept_rollouts()}
        ids = [f.id() for f in lines.getFeatures() if (f["trace_id"], f["rollout"]) in kept]
        point_ids = [f.id() for f in points.getFeatures() if (f["trace_id"], f["rollout"]) in kept]
        if not ids:
            self.host.message(tr("Every rollout is discarded: keep at least one to export."), Qgis.Warning)
            return None
        try:
            points_path, points_layer_name = points_target(path)
        except Sig2GpsError as e:
            self.host.report(e)
            return None
        existing = [p for p in dict.fromkeys([Path(path), points_path]) if p.exists()]
        overwrite = False
        if existing:
            names = ", ".join(str(p) for p in existing)
            ask = confirm_overwrite or (lambda p: QMessageBox.question(
                self, tr("Overwrite?"), tr("{0} exists. Replace it?").format(p)) == QMessageBox.Yes)
            if not ask(names):
                self.host.message(tr("Export cancelled; {0} was left as it was.").format(names), Qgis.Info)
                return None
            overwrite = True
        try:
            out = export_layer(lines, path, overwrite=overwrite, feature_ids=ids)
            # a GeoPackage takes the points as a second layer of the file just written
            export_layer(points, points_path, overwrite=overwrite, feature_ids=point_ids,
                         layer_name=points_layer_name, add_to_file=points_path == out)
        except Sig2GpsError as e:
            self.host.report(e)
            return None
        self.host.message(tr("Exported {0} rollout(s) to {1} (lines) and {2} (points).")
                     .format(len(ids), str(out), str(points_path)), Qgis.Success)
        return out
