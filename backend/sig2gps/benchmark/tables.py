"""Typed result rows, and the one renderer that turns rows and a section spec into markdown.

A benchmark emits rows: plain dicts with the fields of `ROW_FIELDS` (what was run: method, model, frames,
decode, rollouts, window, pick, samples; where: city, unseen, scope) and the metrics of `METRICS`. Tables look
rows up by those fields (`val(rows, "mae_m", model="gdpo", frames=13, city=c, scope="overall")`), never by a
label string; a row's `label` is only what a table prints.

A section spec is data (JSON): a title and a list of blocks. Text and table cells are templates whose `{...}`
holds an expression over the section's names, with an optional format after the last `:` (`{mae:.0f}`) and an
optional text for a missing value after `|` (`{mae:.0f|-}`; default `–`). Expressions are a small safe subset
of Python (names, attribute/item access, arithmetic, comparisons, conditionals, calls of the functions of
`FUNCTIONS`, list comprehensions); nothing else is evaluated. Blocks:

    "text"                                  a paragraph (a list of strings is joined)
    {"let": {name: expr, ...}}              define names for the blocks after it
    {"table": {"header": [...], "each": expr, "as": name | [names], "cells": [...]}}
                                            a markdown table, one line per item; a header or cell entry may be
                                            {"each": expr, "as": name, "cell": tpl} to give one column per item
    {"for": expr, "as": name, "blocks": [...]}   the blocks once per item
    {"if": expr, "blocks": [...], "else": [...]}
    {"details": tpl, "blocks": [...]}      a collapsed <details> part
    {"include": name}                       the blocks of another spec (its "blocks"), resolved by the caller
    {"lines": expr}                         the lines an expression gives (a list of strings)
    {"list": expr, "as": name, "item": tpl}  one line per item (e.g. "- {it}")
"""

from __future__ import annotations

import math

from .expr import MISSING, FUNCTIONS, SpecError, _Missing, evaluate, fill  # noqa: F401 (SpecError, evaluate: re-exported)

ROW_FIELDS = ("method", "model", "frames", "decode", "rollouts", "window", "pick", "samples", "city", "unseen", "scope")
METRICS = ("n", "failed", "mae_m", "rmse_m", "l100", "g1000", "s_per_trace", "one_piece", "on_road")
SCOPES = ("small", "medium", "large")


def row_label(
    model: str, frames: int, decode: str, rollouts: int = 1, window: float = 0.0, pick: str = "", samples: str = ""
) -> str:
    """What a table prints for a video row: "NAME fF DECODE[ KK][ wM][ PICK][ (SAMPLES samples)]"."""
    return (
        f"{model} f{frames} {decode}"
        + (f" K{rollouts}" if rollouts > 1 else "")
        + (f" w{window:g}" if window else "")
        + (f" {pick}" if pick else "")
        + (f" ({samples} samples)" if samples else "")
    )


def label(r: dict) -> str:
    """A row's printed name, from its fields."""
    if r.get("method") != "video":
        return r["method"]
    return row_label(
        r["model"],
        r["frames"],
        r["decode"],
        r.get("rollouts") or 1,
        r.get("window") or 0.0,
        r.get("pick") or "",
        r.get("samples") or "",
    )


def select(rows: list, **where) -> list:
    """The rows whose fields equal `where` (a field a row lacks counts as None)."""
    return [r for r in rows if all(r.get(k) == v for k, v in where.items())]


def find(rows: list, **where) -> dict | None:
    got = select(rows, **where)
    return got[0] if got else None


def val(rows: list, metric: str, **where):
    """`metric` of the first row matching `where`, or None."""
    r = find(rows, **where)
    return None if r is None else r.get(metric)


def distinct(rows: list, field: str, **where) -> list:
    """The values of `field` among the matching rows, first-seen order."""
    return list(dict.fromkeys(r.get(field) for r in select(rows, **where)))


def distinct_rows(rows: list, *fields: str) -> list:
    """The first row of each distinct combination of `fields`, first-seen order."""
    seen = {}
    for r in rows:
        seen.setdefault(tuple(r.get(f) for f in fields), r)
    return list(seen.values())


def flat(lists: list) -> list:
    """[[a, b], [c]] -> [a, b, c]."""
    return [x for xs in lists for x in xs]


def run_key(run: dict, pick: str = "", decode: str = "raw") -> dict:
    """The fields of the video rows a recorded video_bench run made for its first model and frames (a run
    recorded without chunk_m drew one window)."""
    c = run["config"]
    return {
        "method": "video",
        "model": c["models"][0][0],
        "frames": c["frames"][0],
        "decode": decode,
        "rollouts": c.get("rollouts") or 1,
        "window": c.get("chunk_m") or 0.0,
        "pick": pick,
        "samples": "",
    }


def pool(rows: list) -> dict:
    """Rows of one thing and scope over cities -> one row: n-weighted MAE, L100, G1000, on-road (weights: the
    traces in each error pool, n - failed); RMSE from the n-weighted mean squares. {} when no row has traces."""
    rows = [r for r in rows if (r.get("n") or 0) - (r.get("failed") or 0) > 0]
    if not rows:
        return {}
    w = [r["n"] - (r.get("failed") or 0) for r in rows]

    def avg(k):
        v = [(r.get(k), wi) for r, wi in zip(rows, w) if r.get(k) is not None]
        return float(sum(a * b for a, b in v) / sum(b for _, b in v)) if v else None

    rm = [(r["rmse_m"], wi) for r, wi in zip(rows, w) if r.get("rmse_m") is not None]
    return {
        "n": sum(r["n"] for r in rows),
        "failed": sum(r.get("failed") or 0 for r in rows),
        "mae_m": avg("mae_m"),
        "rmse_m": math.sqrt(sum(a * a * b for a, b in rm) / sum(b for _, b in rm)) if rm else None,
        "l100": avg("l100"),
        "g1000": avg("g1000"),
        "on_road": avg("on_road"),
        "pooled": True,
    }


def md_table(header: list[str], body: list[list[str]], align: str | list = "---") -> list[str]:
    """A markdown table; `align` is one marker for every column ("---", "---:") or one per column."""
    marks = [align] * len(header) if isinstance(align, str) else list(align)
    return ["| " + " | ".join(header) + " |", "|" + "".join(f"{m}|" for m in marks)] + [
        "| " + " | ".join(cells) + " |" for cells in body
    ]


def like(rows: list, r: dict, **changes) -> dict | None:
    """The row that ran the same thing as `r` (same ROW_FIELDS) except for `changes` (e.g. scope="small")."""
    want = {k: r.get(k) for k in ROW_FIELDS if k in r and k != "unseen"}  # unseen goes with the city
    want.update(changes)
    return find(rows, **want)


def cell(r: dict | None, template: str) -> str:
    """`template` filled with the fields of row `r`; MISSING when there is no row or a value it uses is None."""
    if not r:
        return MISSING
    try:
        return fill(template, {**r, "r": r}, strict=True)
    except _Missing:
        return MISSING


FUNCTIONS.update(
    {  # the row functions a spec may call, beside the generic ones of expr.py
        "select": select,
        "find": find,
        "val": val,
        "distinct": distinct,
        "distinct_rows": distinct_rows,
        "flat": flat,
        "run_key": run_key,
        "pool": pool,
        "label": label,
        "row_label": row_label,
        "like": like,
        "cell": cell,
    }
)


def _expand(entries: list, ns: dict) -> list[str]:
    out = []
    for e in entries:
        if isinstance(e, dict):
            for item in evaluate(e["each"], ns):
                inner = dict(ns)
                _assign(e.get("as", "it"), item, inner)
                out.append(fill(e["cell"], inner))
        else:
            out.append(fill(e, ns))
    return out


def _assign(names, item, ns):
    if isinstance(names, list):
        ns.update(zip(names, item))
    else:
        ns[names] = item


def render_blocks(blocks: list, ns: dict, include=None) -> list[str]:
    """The markdown lines of `blocks` (see the module doc); `include(name)` returns another spec's blocks."""
    ns = dict(ns)
    out: list[str] = []

    def para(lines):
        if out and out[-1] != "":
            out.append("")
        out.extend(lines)

    for b in blocks:
        if isinstance(b, str) or isinstance(b, list):
            para([fill("".join(b) if isinstance(b, list) else b, ns)])
        elif "let" in b:
            for k, expr in b["let"].items():
                ns[k] = evaluate(expr, ns) if isinstance(expr, str) else expr
        elif "table" in b:
            t = b["table"]
            body = []
            for item in evaluate(t["each"], ns):
                inner = dict(ns)
                _assign(t.get("as", "it"), item, inner)
                if "if" in t and not evaluate(t["if"], inner):
                    continue
                body.append(_expand(t["cells"], inner))
            para(md_table(_expand(t["header"], ns), body, t.get("align", "---")))
        elif "for" in b:
            for item in evaluate(b["for"], ns):
                inner = dict(ns)
                _assign(b.get("as", "it"), item, inner)
                got = render_blocks(b["blocks"], inner, include)
                if got:
                    para(got)
        elif "if" in b:
            got = render_blocks(b["blocks"] if evaluate(b["if"], ns) else b.get("else", []), ns, include)
            if got:
                para(got)
        elif "details" in b:
            para(
                [
                    f"<details><summary>{fill(b['details'], ns)}</summary>",
                    "",
                    *render_blocks(b["blocks"], ns, include),
                    "",
                    "</details>",
                ]
            )
        elif "include" in b:
            if include is None:
                raise SpecError(f"no way to include {b['include']!r} here")
            inner = dict(ns)
            for k, expr in b.get("with", {}).items():
                inner[k] = evaluate(expr, ns)
            got = render_blocks(include(b["include"]), inner, include)
            if got:
                para(got)
        elif "list" in b:
            lines = []
            for item in evaluate(b["list"], ns):
                inner = dict(ns)
                _assign(b.get("as", "it"), item, inner)
                lines.append(fill(b["item"], inner))
            if lines:
                para(lines)
        elif "lines" in b:
            para(list(evaluate(b["lines"], ns)))
        else:
            raise SpecError(f"unknown block {sorted(b)}")
    return out


def render_spec(spec: dict, ns: dict, include=None) -> str:
    """A section body: the spec's blocks rendered over `ns`."""
    return "\n".join(render_blocks(spec["blocks"], ns, include))
