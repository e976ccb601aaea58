"""The Signaling group of the Reconstruct tab: the signaling layer (or a CSV loaded into one), its trace
id / time / cell fields, a towers table, which traces to send and an optional time window.

It reads the user's choice into traces (layers.signaling) and reports through its host (the dock):
`host.message(text, level, details)` and `host.report(error)`.
"""
from __future__ import annotations

import math
from pathlib import Path

from qgis.core import Qgis, QgsMapLayerProxyModel, QgsProject, QgsVectorLayer
from qgis.gui import QgsDateTimeEdit, QgsFieldComboBox, QgsMapLayerComboBox
from qgis.PyQt.QtCore import QDateTime, Qt
from qgis.PyQt.QtWidgets import (QCheckBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
                                 QListWidgetItem, QPushButton)

from ..errors import InputError
from ..i18n import tr
from ..layers.signaling import (FieldMapping, read_cells_csv, signaling_layer_from_csv, time_range_of, trace_ids_of,
                                traces_from_layer)
from .widgets import hbox

TIME_FORMAT = "yyyy-MM-dd HH:mm:ss"


class SignalingPanel(QGroupBox):
    def __init__(self, host, parent=None):
        super().__init__(tr("Signaling"), parent)
        self.host = host
        self.cells: dict | None = None  # towers table {cell_id: (lon, lat)} joined to the signaling
        form = QFormLayout(self)
        self.layer_box = QgsMapLayerComboBox()
        self.layer_box.setFilters(QgsMapLayerProxyModel.VectorLayer)
        self.layer_box.layerChanged.connect(self._on_layer_changed)
        load_csv = QPushButton(tr("Load CSV…"))
        load_csv.clicked.connect(lambda: self.load_csv())
        form.addRow(tr("Layer"), hbox(self.layer_box, load_csv))
        self.trace_field, self.time_field, self.cell_field = QgsFieldComboBox(), QgsFieldComboBox(), QgsFieldComboBox()
        form.addRow(tr("Trace id field"), self.trace_field)
        form.addRow(tr("Time field"), self.time_field)
        form.addRow(tr("Cell id field"), self.cell_field)
        self.trace_field.fieldChanged.connect(lambda _f: self._fill_traces())
        self.towers_label = QLabel(tr("(positions from the layer)"))
        towers = QPushButton(tr("Towers table…"))
        towers.clicked.connect(lambda: self.load_towers())
        form.addRow(tr("Towers"), hbox(self.towers_label, towers))
        self.trace_list = QListWidget()
        self.trace_list.setMaximumHeight(90)
        form.addRow(tr("Traces"), self.trace_list)
        self.window_on = QCheckBox(tr("Only records between (UTC)"))
        self.t_from, self.t_to = QgsDateTimeEdit(), QgsDateTimeEdit()
        for e in (self.t_from, self.t_to):
            e.setDisplayFormat(TIME_FORMAT)
            e.setTimeSpec(Qt.UTC)
            # the whole date-time stays readable: as wide as its longest text plus the calendar button
            e.setMinimumWidth(e.fontMetrics().horizontalAdvance("2000-00-00 00:00:00") + 48)
        form.addRow(self.window_on)
        row = QHBoxLayout()
        row.addWidget(self.t_from)
        row.addWidget(QLabel(tr("and")))
        row.addWidget(self.t_to)
        row.addStretch(1)
        form.addRow(row)
        self._on_layer_changed(self.layer_box.currentLayer())

    # ------------------------------------------------------------------ loading
    def load_csv(self, path: str | None = None, mapping: FieldMapping | None = None) -> QgsVectorLayer | None:
        """Read a signaling CSV into a layer and select it; asks for the path and column mapping when needed."""
        from .field_mapping_dialog import FieldMappingDialog, csv_header, mapping_matches

        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, tr("Signaling CSV"), "", tr("CSV files (*.csv *.txt)"))
            if not path:
                return None
        try:
            if mapping is None:
                mapping = FieldMapping()
                if not mapping_matches(csv_header(path), mapping, self.cells is None):
                    dlg = FieldMappingDialog(path, self, need_positions=self.cells is None)
                    if not dlg.exec_():
                        return None
                    mapping = dlg.mapping()
            layer, problems = signaling_layer_from_csv(path, mapping, cells=self.cells)
        except InputError as e:
            self.host.report(e)
            return None
        QgsProject.instance().addMapLayer(layer)
        self.layer_box.setLayer(layer)
        n = len(trace_ids_of(layer))
        if problems:
            self.host.message(tr("Loaded {0} trace(s) from {1}; {2} skipped (see the log tab).")
                              .format(n, Path(path).name, len(problems)), Qgis.Warning, "\n".join(problems))
        else:
            self.host.message(tr("Loaded {0} trace(s) from {1}.").format(n, Path(path).name))
        return layer

    def load_towers(self, path: str | None = None) -> None:
        """A towers table (CSV cell_id,lon,lat) to place cells that have no position."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, tr("Towers table"), "", tr("CSV files (*.csv)"))
            if not path:
                return
        try:
            self.cells = read_cells_csv(path)
        except InputError as e:
            self.host.report(e)
            return
        self.towers_label.setText(tr("{0} cells from {1}").format(len(self.cells), Path(path).name))

    # ------------------------------------------------------------------ fields and traces
    def _on_layer_changed(self, layer) -> None:
        for box in (self.trace_field, self.time_field, self.cell_field):
            box.setLayer(layer)
        if layer is None:
            self.trace_list.clear()
            return
        names = layer.fields().names()
        self.trace_field.setField(next((n for n in ("trace_id", "trace", "imsi", "id") if n in names), ""))
        self.time_field.setField(next((n for n in ("timestamp", "time", "t", "datetime") if n in names), ""))
        self.cell_field.setField(next((n for n in ("cell_id", "cell", "cgi") if n in names), ""))
        self._fill_traces()
        rng = time_range_of(layer, self.time_field.currentField()) if self.time_field.currentField() else None
        if rng:
            self.t_from.setDateTime(QDateTime.fromMSecsSinceEpoch(int(rng[0] * 1000), Qt.UTC))
            self.t_to.setDateTime(QDateTime.fromMSecsSinceEpoch(int(math.ceil(rng[1]) * 1000), Qt.UTC))

    def _fill_traces(self) -> None:
        self.trace_list.clear()
        layer = self.layer_box.currentLayer()
        if layer is None or not self.trace_field.currentField():
            return
        for tid in trace_ids_of(layer, self.trace_field.currentField()):
            item = QListWidgetItem(tid)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked)
            self.trace_list.addItem(item)

    def checked_traces(self) -> list[str]:
        return [self.trace_list.item(i).text() for i in range(self.trace_list.count())
                if self.trace_list.item(i).checkState() == Qt.Checked]

    def read_traces(self):
        """(traces, problems) as chosen: ticked traces, within the window; InputError when nothing is usable."""
        layer = self.layer_box.currentLayer()
        if layer is None:
            raise InputError(tr("Choose a signaling layer or load a CSV first."))
        if not self.time_field.currentField():
            raise InputError(tr("Layer {0} has no time field: choose the field that holds each record's time "
                                "(date-time, Unix seconds or ISO 8601).").format(layer.name()))
        mapping = FieldMapping(trace_id=self.trace_field.currentField(), timestamp=self.time_field.currentField(),
                               cell_id=self.cell_field.currentField())
        window = None
        if self.window_on.isChecked():
            window = (self.t_from.dateTime().toMSecsSinceEpoch() / 1000.0,
                      self.t_to.dateTime().toMSecsSinceEpoch() / 1000.0)
        ids = self.checked_traces()
        if self.trace_list.count() and not ids:
            raise InputError(tr("Tick at least one trace."))
        traces, problems = traces_from_layer(layer, mapping, cells=self.cells, trace_ids=ids or None, window=window)
        if not traces:
            raise InputError(tr("No trace has two or more records in the chosen selection."), "\n".join(problems))
        return traces, problems
