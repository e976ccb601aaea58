"""Writing one section of docs/BENCHMARKS.md between markers, leaving the rest as it is."""

from __future__ import annotations

import re
from pathlib import Path


def write_section(doc: Path, key: str, title: str, body: str, order: int = 50) -> None:
    """Replace (or add, ordered by `order`) the section `key` of the markdown file `doc`."""
    doc = Path(doc)
    text = (
        doc.read_text() if doc.exists() else "# Benchmarks\n\nMeasured figures, each with machine, date and command.\n"
    )
    begin, end = f"<!-- BEGIN {key} order={order} -->", f"<!-- END {key} -->"
    block = f"{begin}\n## {title}\n\n{body.strip()}\n{end}"
    pat = re.compile(rf"<!-- BEGIN {re.escape(key)} order=\d+ -->.*?<!-- END {re.escape(key)} -->", re.S)
    if pat.search(text):
        text = pat.sub(lambda _: block, text)
    else:
        # Insert before the first section with a larger order, else append.
        pos = None
        for m in re.finditer(r"<!-- BEGIN (\S+) order=(\d+) -->", text):
            if int(m.group(2)) > order:
                pos = m.start()
                break
        text = text.rstrip() + "\n\n" + block + "\n" if pos is None else text[:pos] + block + "\n\n" + text[pos:]
    doc.write_text(text)
