"""The rollouts table: score, length, the backend's plausibility check, distances to the user's sketch;
keep or discard rows.

The plausibility columns read `info["plausibility"]` (max_speed_mps, length_ratio, on_road_share, ok,
reasons) and `info["failed"]` of each rollout; a backend that does not send them gets "–" there. A
failed rollout's row is tinted red and its Check cell says why; nothing about it is ever green.
"""
from __future__ import annotations

import math

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ..i18n import tr

MISSING = "–"  # a value the backend did not send
FAILED_TINT = QColor("#f6d5d1")


def _number(value, fmt: str, scale: float = 1.0) -> str:
    """A number formatted, or MISSING for absent / non-numeric / non-finite values."""
    try:
        v = float(value) * scale
    except (TypeError, ValueError):
        return MISSING
    return format(v, fmt) if math.isfinite(v) else MISSING


class RolloutsTable(QTableWidget):
    COLUMNS = ["trace", "rollout", "score", "length_m", "max_speed_kmh", "length_ratio", "on_road", "check",
               "mean_m", "hausdorff_m", "frechet_m", "keep"]

    def __init__(self, parent=None):
        super().__init__(0, len(self.COLUMNS), parent)
        self.setHorizontalHeaderLabels([tr("Trace"), tr("Rollout"), tr("Score"), tr("Length (m)"),
                                        tr("Max speed (km/h)"), tr("Length ratio"), tr("On road"), tr("Check"),
                                        tr("Mean to sketch (m)"), tr("Hausdorff (m)"), tr("Fréchet (m)"),
                                        tr("Keep")])
        header = self.horizontalHeaderItem(self.col("length_ratio"))
        header.setToolTip(tr("Length of the rollout divided by the length of the signaling's own path"))
        self.horizontalHeaderItem(self.col("on_road")).setToolTip(tr("Share of the rollout that lies on roads"))
        # the table holds one run, so scores of different methods (not on one scale) never sit side by side
        self.horizontalHeaderItem(self.col("score")).setToolTip(
            tr("The method's own score: it ranks the rollouts of this run; scores of different methods are "
               "not on one scale. Compare methods by the plausibility columns and the sketch distances."))
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.setSortingEnabled(False)
        self.rollouts = []  # RolloutResult, row order
        self.kept: list[bool] = []
        self.distances: list[dict | None] = []

    @classmethod
    def col(cls, name: str) -> int:
        return cls.COLUMNS.index(name)

    def text(self, row: int, name: str) -> str:
        item = self.item(row, self.col(name))
        return item.text() if item is not None else ""

    def set_rollouts(self, rollouts, lengths: list[float], colours: list | None = None) -> None:
        """colours: one QColor per rollout (the map's colour of that line), or None."""
        self.rollouts = list(rollouts)
        self.kept = [True] * len(self.rollouts)
        self.distances = [None] * len(self.rollouts)
        self.setRowCount(len(self.rollouts))
        for i, (r, length) in enumerate(zip(self.rollouts, lengths)):
            p = r.plausibility
            self._set(i, "trace", r.trace_id)
            self._set(i, "rollout", str(r.rollout), colour=colours[i] if colours else None)
            self._set(i, "score", "" if math.isnan(r.score) else f"{r.score:.3f}")
            self._set(i, "length_m", f"{length:.0f}")
            self._set(i, "max_speed_kmh", _number(p.get("max_speed_mps"), ".0f", 3.6))
            self._set(i, "length_ratio", _number(p.get("length_ratio"), ".2f"))
            self._set(i, "on_road", _number(p.get("on_road_share"), ".0%"))
            failure = r.failure
            check = tr("failed: {0}").format(failure) if failure else (tr("ok") if p.get("ok") is True else MISSING)
            self._set(i, "check", check)
            if failure:
                self.item(i, self.col("check")).setToolTip(failure)
            for c in ("mean_m", "hausdorff_m", "frechet_m"):
                self._set(i, c, "")
        self._refresh_keep()

    def failed_rows(self) -> list[int]:
        return [i for i, r in enumerate(self.rollouts) if r.failure]

    def set_distances(self, distances: list[dict | None]) -> None:
        """One {'mean', 'hausdorff', 'frechet'} per row (None where it could not be computed)."""
        self.distances = list(distances)
        for i, d in enumerate(self.distances):
            for c, key in (("mean_m", "mean"), ("hausdorff_m", "hausdorff"), ("frechet_m", "frechet")):
                self._set(i, c, "" if d is None else f"{d[key]:.0f}")
        self._refresh_keep()

    def selected_rows(self) -> list[int]:
        return sorted({ix.row() for ix in self.selectionModel().selectedRows()})

    def set_kept(self, rows: list[int], keep: bool) -> None:
        for i in rows:
            self.kept[i] = keep
        self._refresh_keep()

    def kept_rollouts(self):
        return [r for r, k in zip(self.rollouts, self.kept) if k]

    def _refresh_keep(self) -> None:
        for i, k in enumerate(self.kept):
            self._set(i, "keep", tr("kept") if k else tr("discarded"))
            failed = bool(self.rollouts[i].failure)
            for c in range(self.columnCount()):
                item = self.item(i, c)
                if item is None:
                    continue
                item.setForeground(QBrush(Qt.black if k else Qt.gray))
                if failed and c != self.col("rollout"):
                    item.setBackground(QBrush(FAILED_TINT))

    def _set(self, row: int, name: str, text: str, colour=None) -> None:
        item = QTableWidgetItem(text)
        if colour is not None:
            item.setBackground(QBrush(QColor(colour).lighter(130)))
        self.setItem(row, self.col(name), item)
