"""Field mapping for signaling CSVs whose columns are not named trace_id,timestamp,cell_id,lon,lat.

The dialog guesses each role from the column names, then from what the first rows hold (times,
longitudes, latitudes, ids); a role it cannot place is left empty for the user rather than set to the
first column. OK stays disabled while a required role is empty or one column is chosen for two
roles, and a preview shows the first rows as they will be read (times in UTC), with the problem of
any row that would be skipped.
"""
from __future__ import annotations

import csv
from pathlib import Path

from qgis.PyQt.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel,
                                 QTableWidget, QTableWidgetItem)

from ..errors import InputError
from ..i18n import tr
from ..layers.signaling import FieldMapping
from ..layers.timeparse import iso_utc, parse_timestamp

NONE = ""
ROLES = ("trace_id", "timestamp", "cell_id", "lon", "lat")
PREVIEW_ROWS = 5
SAMPLE_ROWS = 50

_NAMES = {"trace_id": ("trace_id", "trace", "traceid", "id", "imsi", "user_id", "uid", "msisdn", "device_id"),
          "timestamp": ("timestamp", "time", "t", "datetime", "date_time", "start_time", "ts", "time_utc"),
          "cell_id": ("cell_id", "cell", "cellid", "cgi", "eci", "lac_ci", "ci", "ecgi"),
          "lon": ("lon", "lng", "long", "longitude", "x"),
          "lat": ("lat", "latitude", "y")}


def csv_header(path) -> list[str]:
    return csv_sample(path, 0)[0]


def csv_sample(path, rows: int = SAMPLE_ROWS) -> tuple[list[str], list[list[str]]]:
    """(header, the first `rows` data rows) of a CSV; InputError naming the file when it cannot be read."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = [h.strip() for h in next(reader, [])]
            body = []
            for row in reader:
                if len(body) >= rows:
                    break
                body.append([c.strip() for c in row])
            return header, body
    except OSError as e:
        raise InputError(tr("Cannot read {0}: {1}").format(str(path), e.strerror)) from None
    except (UnicodeDecodeError, csv.Error) as e:
        raise InputError(tr("{0} is not a readable CSV text file: {1}").format(str(path), str(e))) from None


def _column(rows: list[list[str]], i: int) -> list[str]:
    return [r[i] for r in rows if i < len(r) and r[i] != ""]


def _floats(values: list[str]) -> list[float] | None:
    try:
        return [float(v) for v in values]
    except ValueError:
        return None


def _looks_like(role: str, values: list[str]) -> bool:
    """Whether a column's sample values fit a role (by type and range)."""
    if not values:
        return False
    nums = _floats(values)
    if role == "timestamp":
        if nums is not None:  # Unix seconds between 1973 and 2286
            return all(1e8 <= v <= 1e10 for v in nums)
        try:
            [parse_timestamp(v) for v in values]
            return True
        except ValueError:
            return False
    if role in ("lon", "lat"):
        lim = 180.0 if role == "lon" else 90.0
        return nums is not None and all(-lim <= v <= lim for v in nums) and any(v != int(v) for v in nums)
    return nums is None or all(v == int(v) for v in nums)  # ids: text or integers


def _tokens(name: str) -> list[str]:
    return [t for t in "".join(c if c.isalnum() else " " for c in name.lower()).split() if t]


def guess_mapping(header: list[str], rows: list[list[str]] | None = None) -> FieldMapping:
    """Best guess for each role: a known column name, then a known word in the name (x_deg, cell_name),
    then (with sample rows) a column whose values fit the role. No column is given two roles; a role
    nothing fits stays "" (the user chooses)."""
    low = {h.lower(): h for h in header}
    taken: set[str] = {""}
    out = {r: "" for r in ROLES}

    def take(role, col):
        out[role] = col
        taken.add(col)

    for role in ROLES:
        col = next((low[n] for n in _NAMES[role] if n in low and low[n] not in taken), "")
        if col:
            take(role, col)
    for role in ROLES:
        if not out[role]:
            col = next((h for h in header if h not in taken and set(_tokens(h)) & set(_NAMES[role])), "")
            if col:
                take(role, col)
    if not rows:
        return FieldMapping(**out)
    values = {h: _column(rows, i) for i, h in enumerate(header)}
    if not out["timestamp"]:
        col = next((h for h in header if h not in taken and _looks_like("timestamp", values[h])), "")
        if col:
            take("timestamp", col)
    # longitude: a column beyond +-90 must be one; else the first coordinate column (x before y)
    coords = [h for h in header if h not in taken and _looks_like("lon", values[h])]
    if not out["lon"] and coords:
        wide = [h for h in coords if not _looks_like("lat", values[h])]
        take("lon", (wide or coords)[0])
    if not out["lat"]:
        col = next((h for h in header if h not in taken and _looks_like("lat", values[h])), "")
        if col:
            take("lat", col)
    # ids: a phone has many records, a cell fewer, so the trace id repeats most (fewest distinct values)
    ids = sorted((len(set(values[h])), i, h) for i, h in enumerate(header)
                 if h not in taken and _looks_like("id", values[h]))
    free = [h for _, _, h in ids]
    for role in ("trace_id", "cell_id"):
        if not out[role] and free:
            take(role, free.pop(0))
    return FieldMapping(**out)


def mapping_matches(header: list[str], mapping: FieldMapping, need_positions: bool) -> bool:
    return all(c in header for c in mapping.required(need_positions))


def mapping_problem(mapping: FieldMapping, need_positions: bool = False) -> str:
    """Why a mapping cannot be used ("" when it can): a required role without a column, one column for two
    roles, or only one of longitude/latitude."""
    labels = role_labels()
    for role in ("trace_id", "timestamp", "cell_id"):
        if not getattr(mapping, role):
            return tr("Choose the column that holds the {0}.").format(labels[role])
    if bool(mapping.lon) != bool(mapping.lat):
        return tr("Choose both longitude and latitude, or neither (positions from the towers table).")
    if need_positions and not mapping.lon:
        return tr("Choose the longitude and latitude columns, or load a towers table first.")
    used: dict[str, str] = {}
    for role in ROLES:
        col = getattr(mapping, role)
        if not col:
            continue
        if col in used:
            return tr("Column {0} is chosen for both {1} and {2}; each column can hold one thing only.") \
                .format(col, labels[used[col]], labels[role])
        used[col] = role
    return ""


def role_labels() -> dict[str, str]:
    return {"trace_id": tr("Trace id"), "timestamp": tr("Time"), "cell_id": tr("Cell id"), "lon": tr("Longitude"),
            "lat": tr("Latitude")}


class FieldMappingDialog(QDialog):
    def __init__(self, path, parent=None, need_positions: bool = False):
        super().__init__(parent)
        self.setWindowTitle(tr("Signaling columns"))
        self.need_positions = need_positions
        self.header, self.rows = csv_sample(path)
        guess = guess_mapping(self.header, self.rows)
        form = QFormLayout(self)
        form.addRow(QLabel(tr("Which column of {0} holds what?").format(Path(path).name)))
        self.boxes = {}
        labels = role_labels()
        for key in ROLES:
            box = QComboBox()
            optional = key in ("lon", "lat")
            box.addItem(tr("(none: use the towers table)") if optional else tr("(choose a column)"), NONE)
            for h in self.header:
                box.addItem(h, h)
            box.setCurrentIndex(max(0, box.findData(getattr(guess, key))))
            box.currentIndexChanged.connect(self._update)
            self.boxes[key] = box
            form.addRow(labels[key], box)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        form.addRow(self.problem)
        form.addRow(QLabel(tr("The first rows as they will be read (times in UTC):")))
        self.preview = QTableWidget(0, len(ROLES) + 1)
        self.preview.setHorizontalHeaderLabels([labels[k] for k in ROLES] + [tr("Problem")])
        self.preview.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.preview.verticalHeader().setVisible(False)
        form.addRow(self.preview)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self._update()

    def mapping(self) -> FieldMapping:
        return FieldMapping(**{k: b.currentData() or "" for k, b in self.boxes.items()})

    def accept(self) -> None:  # the OK button is disabled too; this also stops Enter and tests
        if not mapping_problem(self.mapping(), self.need_positions):
            super().accept()

    def _update(self, *_):
        mapping = self.mapping()
        problem = mapping_problem(mapping, self.need_positions)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(not problem)
        self._fill_preview(mapping)

    def preview_rows(self, mapping: FieldMapping | None = None) -> list[list[str]]:
        """The first rows as the reader would take them: [trace, time (UTC), cell, lon, lat, problem]."""
        mapping = mapping or self.mapping()
        index = {h: i for i, h in enumerate(self.header)}
        out = []
        for row in self.rows[:PREVIEW_ROWS]:
            cells, problem = [], ""
            for role in ROLES:
                col = getattr(mapping, role)
                raw = row[index[col]] if col and index[col] < len(row) else ""
                if role == "timestamp" and col:
                    try:
                        raw = iso_utc(parse_timestamp(raw)).replace("T", " ").replace("Z", " UTC")
                    except ValueError as e:
                        problem = problem or str(e)
                elif role in ("lon", "lat") and col:
                    lim = 180.0 if role == "lon" else 90.0
                    try:
                        if not -lim <= float(raw) <= lim:
                            problem = problem or tr("{0} {1} out of range").format(role_labels()[role], raw)
                    except ValueError:
                        problem = problem or tr("{0} is not a number: {1!r}").format(role_labels()[role], raw)
                cells.append(raw)
            out.append(cells + [problem])
        return out

    def _fill_preview(self, mapping: FieldMapping) -> None:
        rows = self.preview_rows(mapping)
        self.preview.setRowCount(len(rows))
        for i, row in enumerate(rows):
            for j, text in enumerate(row):
                self.preview.setItem(i, j, QTableWidgetItem(text))
        self.preview.resizeColumnsToContents()
