"""The rollouts table: score, length, and distances to the user's sketch; keep or discard rows."""
from __future__ import annotations

import math

from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QBrush
from qgis.PyQt.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from ..i18n import tr
from ..layers.results import rollout_colour


class RolloutsTable(QTableWidget):
    COLUMNS = ["trace", "rollout", "score", "length_m", "mean_m", "hausdorff_m", "frechet_m", "keep"]

    def __init__(self, parent=None):
        super().__init__(0, len(self.COLUMNS), parent)
        self.setHorizontalHeaderLabels([tr("Trace"), tr("Rollout"), tr("Score"), tr("Length (m)"),
                                        tr("Mean to sketch (m)"), tr("Hausdorff (m)"), tr("Fréchet (m)"),
                                        tr("Keep")])
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.setSortingEnabled(False)
        self.rollouts = []  # RolloutResult, row order
        self.kept: list[bool] = []
        self.distances: list[dict | None] = []

    def set_rollouts(self, rollouts, lengths: list[float]) -> None:
        self.rollouts = list(rollouts)
        self.kept = [True] * len(self.rollouts)
        self.distances = [None] * len(self.rollouts)
        self.setRowCount(len(self.rollouts))
        for i, (r, length) in enumerate(zip(self.rollouts, lengths)):
            self._set(i, 0, r.trace_id)
            self._set(i, 1, str(r.rollout), colour=rollout_colour(r.rollout))
            self._set(i, 2, "" if math.isnan(r.score) else f"{r.score:.3f}")
            self._set(i, 3, f"{length:.0f}")
            for c in (4, 5, 6):
                self._set(i, c, "")
        self._refresh_keep()

    def set_distances(self, distances: list[dict | None]) -> None:
        """One {'mean', 'hausdorff', 'frechet'} per row (None where it could not be computed)."""
        self.distances = list(distances)
        for i, d in enumerate(self.distances):
            for c, key in ((4, "mean"), (5, "hausdorff"), (6, "frechet")):
                self._set(i, c, "" if d is None else f"{d[key]:.0f}")

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
            self._set(i, 7, tr("kept") if k else tr("discarded"))
            for c in range(self.columnCount()):
                item = self.item(i, c)
                if item is not None:
                    item.setForeground(QBrush(Qt.black if k else Qt.gray))

    def _set(self, row: int, col: int, text: str, colour=None) -> None:
        item = QTableWidgetItem(text)
        if colour is not None:
            item.setBackground(QBrush(colour.lighter(160)))
        self.setItem(row, col, item)
