"""Small layout helpers shared by the panels."""
from qgis.PyQt.QtWidgets import QHBoxLayout


def hbox(first, *rest) -> QHBoxLayout:
    """A row of widgets: the first takes the spare width, the others keep their size."""
    row = QHBoxLayout()
    row.addWidget(first, 1)
    for w in rest:
        row.addWidget(w)
    return row
