"""Play a rollout's generated frames: play, pause, scrub, pick the rollout.

Frames are PNG bytes (the backend's inline frames). Methods that draw no frames (towers, hmm)
leave the player showing a short note instead.
"""
from __future__ import annotations

from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtGui import QPixmap
from qgis.PyQt.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from ..i18n import tr


class FramesPlayer(QWidget):
    def __init__(self, parent=None, fps: float = 4.0):
        super().__init__(parent)
        self._frames: dict[str, list[bytes]] = {}  # key "trace/rollout" -> PNG bytes per frame
        self._pixmaps: list[QPixmap] = []
        self.rollout_box = QComboBox()
        self.image = QLabel(tr("No frames yet: run a reconstruction."))
        self.image.setAlignment(Qt.AlignCenter)
        self.image.setMinimumHeight(160)
        self.play_button = QPushButton(tr("Play"))
        self.play_button.setCheckable(True)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setEnabled(False)
        self.position = QLabel("")
        self.timer = QTimer(self)
        self.timer.setInterval(int(1000 / fps))
        row = QHBoxLayout()
        row.addWidget(self.play_button)
        row.addWidget(self.slider, 1)
        row.addWidget(self.position)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.rollout_box)
        lay.addWidget(self.image, 1)
        lay.addLayout(row)
        self.rollout_box.currentIndexChanged.connect(self._load_current)
        self.play_button.toggled.connect(self._toggle)
        self.slider.valueChanged.connect(self.show_frame)
        self.timer.timeout.connect(self._advance)

    def set_rollouts(self, rollouts) -> None:
        """rollouts: iterable of layers.results.RolloutResult; those with frames become choices."""
        self.pause()
        self._frames = {f"{r.trace_id} / {r.rollout}": r.frames for r in rollouts if r.frames}
        self.rollout_box.blockSignals(True)
        self.rollout_box.clear()
        self.rollout_box.addItems(list(self._frames))
        self.rollout_box.blockSignals(False)
        if not self._frames:
            self._pixmaps = []
            self.slider.setEnabled(False)
            self.play_button.setEnabled(False)
            self.image.setPixmap(QPixmap())
            self.image.setText(tr("This method draws no frames; the trajectories are on the map."))
            self.position.setText("")
            return
        self.play_button.setEnabled(True)
        self._load_current()

    def select(self, trace_id: str, rollout: int) -> None:
        i = self.rollout_box.findText(f"{trace_id} / {rollout}")
        if i >= 0:
            self.rollout_box.setCurrentIndex(i)

    def frame_count(self) -> int:
        return len(self._pixmaps)

    def current_frame(self) -> int:
        return self.slider.value()

    def _load_current(self) -> None:
        frames = self._frames.get(self.rollout_box.currentText(), [])
        self._pixmaps = []
        for png in frames:
            pm = QPixmap()
            pm.loadFromData(png, "PNG")
            self._pixmaps.append(pm)
        self.slider.setEnabled(bool(self._pixmaps))
        self.slider.setRange(0, max(0, len(self._pixmaps) - 1))
        self.slider.setValue(0)
        self.show_frame(0)

    def show_frame(self, k: int) -> None:
        if not self._pixmaps:
            return
        k = max(0, min(int(k), len(self._pixmaps) - 1))
        pm = self._pixmaps[k]
        w = max(64, self.image.width())
        self.image.setPixmap(pm.scaledToWidth(min(w, pm.width() * 2), Qt.SmoothTransformation))
        self.position.setText(tr("frame {0}/{1}").format(k + 1, len(self._pixmaps)))
        if self.slider.value() != k:
            self.slider.setValue(k)

    def _advance(self) -> None:
        if self._pixmaps:
            self.slider.setValue((self.slider.value() + 1) % len(self._pixmaps))

    def _toggle(self, on: bool) -> None:
        if on and self._pixmaps:
            self.timer.start()
            self.play_button.setText(tr("Pause"))
        else:
            self.pause()

    def pause(self) -> None:
        self.timer.stop()
        self.play_button.blockSignals(True)
        self.play_button.setChecked(False)
        self.play_button.blockSignals(False)
        self.play_button.setText(tr("Play"))
