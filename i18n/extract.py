"""Write/refresh i18n/sig2gps_<lang>.ts from every tr("...") call in plugin/ (context "Sig2GPS").

Why not pylupdate5: it names the context after the enclosing class, while the plugin translates
through one module-level tr() with the fixed context "Sig2GPS" (plugin/i18n.py). Existing
translations are kept; strings no longer used are marked obsolete, new ones unfinished.
Run: python3 i18n/extract.py zh de
"""
from __future__ import annotations

import ast
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = "Sig2GPS"
LANGS = {"zh": "zh_CN", "de": "de_DE"}


def messages(src: Path = ROOT / "plugin") -> dict[str, str]:
    """source text -> 'file:line' of its first use, in file order."""
    out: dict[str, str] = {}
    for f in sorted(src.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(), str(f))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "tr" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                out.setdefault(node.args[0].value, f"{f.relative_to(ROOT)}:{node.lineno}")
    return out


def read_ts(path: Path) -> dict[str, tuple[str, str]]:
    """source -> (translation, type) from an existing .ts."""
    if not path.exists():
        return {}
    got = {}
    for m in ET.parse(path).getroot().iter("message"):
        t = m.find("translation")
        got[m.findtext("source")] = (t.text or "" if t is not None else "", t.get("type", "") if t is not None else "")
    return got


def write_ts(path: Path, lang: str, msgs: dict[str, str]) -> None:
    old = read_ts(path)
    ts = ET.Element("TS", version="2.1", language=LANGS.get(lang, lang))
    ctx = ET.SubElement(ts, "context")
    ET.SubElement(ctx, "name").text = CONTEXT
    for src, where in msgs.items():
        m = ET.SubElement(ctx, "message")
        f, line = where.rsplit(":", 1)
        ET.SubElement(m, "location", filename="../" + f, line=line)
        ET.SubElement(m, "source").text = src
        text, kind = old.get(src, ("", "unfinished"))
        t = ET.SubElement(m, "translation")
        t.text = text
        if kind == "unfinished" or not text:
            t.set("type", "unfinished")
    for src, (text, _kind) in old.items():
        if src not in msgs and text:
            m = ET.SubElement(ctx, "message")
            ET.SubElement(m, "source").text = src
            ET.SubElement(m, "translation", type="obsolete").text = text
    ET.indent(ts)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + ET.tostring(ts, "unicode") + "\n",
                    encoding="utf-8")


if __name__ == "__main__":
    msgs = messages()
    for lang in sys.argv[1:] or list(LANGS):
        write_ts(ROOT / "i18n" / f"sig2gps_{lang}.ts", lang, msgs)
    print(f"{len(msgs)} messages")
