"""Small widget helpers shared by the panels."""
from qgis.PyQt.QtWidgets import QHBoxLayout, QSpinBox


def hbox(first, *rest) -> QHBoxLayout:
    """A row of widgets: the first takes the spare width, the others keep their size."""
    row = QHBoxLayout()
    row.addWidget(first, 1)
    for w in rest:
        row.addWidget(w)
    return row


def option_spinbox(name: str) -> QSpinBox:
    """A spin box for an integer method option, with the range and default the backend declares (the wire's
    options schema, generated from the declarations)."""
    from ..backend_client import option_schema

    spec = option_schema(name)
    box = QSpinBox()
    box.setRange(int(spec.get("minimum", 0)), int(spec.get("maximum", 2**31 - 1)))
    box.setValue(int(spec["default"]))
    return box
