"""Field mapping for signaling CSVs whose columns are not named trace_id,timestamp,cell_id,lon,lat."""
from __future__ import annotations

import csv
from pathlib import Path

from qgis.PyQt.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel

from ..errors import InputError
from ..i18n import tr
from ..layers.signaling import FieldMapping

NONE = ""


def csv_header(path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            return [h.strip() for h in next(csv.reader(f), [])]
    except OSError as e:
        raise InputError(tr("Cannot read {0}: {1}").format(str(path), e.strerror)) from None


def guess_mapping(header: list[str]) -> FieldMapping:
    """Best guess from common column names, so the dialog usually only needs an OK."""
    low = {h.lower(): h for h in header}

    def pick(*names, default=""):
        return next((low[n] for n in names if n in low), default)

    return FieldMapping(trace_id=pick("trace_id", "trace", "id", "imsi", "user_id", "uid", "msisdn"),
                        timestamp=pick("timestamp", "time", "t", "datetime", "date_time", "start_time"),
                        cell_id=pick("cell_id", "cell", "cellid", "cgi", "eci", "lac_ci"),
                        lon=pick("lon", "lng", "longitude", "x"), lat=pick("lat", "latitude", "y"))


def mapping_matches(header: list[str], mapping: FieldMapping, need_positions: bool) -> bool:
    return all(c in header for c in mapping.required(need_positions))


class FieldMappingDialog(QDialog):
    def __init__(self, path, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Signaling columns"))
        self.header = csv_header(path)
        guess = guess_mapping(self.header)
        form = QFormLayout(self)
        form.addRow(QLabel(tr("Which column of {0} holds what?").format(Path(path).name)))
        self.boxes = {}
        for key, label, optional in (("trace_id", tr("Trace id"), False), ("timestamp", tr("Time"), False),
                                     ("cell_id", tr("Cell id"), False), ("lon", tr("Longitude"), True),
                                     ("lat", tr("Latitude"), True)):
            box = QComboBox()
            if optional:
                box.addItem(tr("(none: use the towers table)"), NONE)
            for h in self.header:
                box.addItem(h, h)
            i = box.findData(getattr(guess, key))
            box.setCurrentIndex(max(0, i))
            self.boxes[key] = box
            form.addRow(label, box)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def mapping(self) -> FieldMapping:
        return FieldMapping(**{k: b.currentData() or "" for k, b in self.boxes.items()})
