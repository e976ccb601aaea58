"""The Backend log tab: the end of the backend's log (or a failure's details), refresh, restart."""
from __future__ import annotations

from qgis.PyQt.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ..i18n import tr


class LogPanel(QWidget):
    def __init__(self, host, parent=None):
        """host: the dock (its show_log and restart_backend serve the two buttons)."""
        super().__init__(parent)
        lay = QVBoxLayout(self)
        self.log_view = QPlainTextEdit()
        self.log_view.setReadOnly(True)
        lay.addWidget(self.log_view, 1)
        row = QHBoxLayout()
        refresh, restart = QPushButton(tr("Refresh")), QPushButton(tr("Restart backend"))
        refresh.clicked.connect(lambda: host.show_log())
        restart.clicked.connect(lambda: host.restart_backend())
        row.addWidget(refresh)
        row.addWidget(restart)
        lay.addLayout(row)
