"""Translation helper: every user-facing string goes through tr() with one context.

One context ("Sig2GPS") keeps the .ts files simple for translators; pylupdate5 finds the calls
because they are spelled tr("...") in every module.
"""
from qgis.PyQt.QtCore import QCoreApplication

CONTEXT = "Sig2GPS"


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)
