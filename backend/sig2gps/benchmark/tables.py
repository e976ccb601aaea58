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

import ast
import itertools
import math
import operator
import re

ROW_FIELDS = ("method", "model", "frames", "decode", "rollouts", "window", "pick", "samples", "city", "unseen", "scope")
METRICS = ("n", "failed", "mae_m", "rmse_m", "l100", "g1000", "s_per_trace", "one_piece", "on_road")
SCOPES = ("small", "medium", "large")
MISSING = "–"


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


def _pct_change(a, b):
    return None if a is None or not b else 100 * (a / b - 1)


def _ratio(a, b):
    return None if a is None or not b else a / b


def _present(xs):
    return [x for x in xs if x is not None]


FUNCTIONS = {
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
    "pct_change": _pct_change,
    "ratio": _ratio,
    "present": _present,
    "product": lambda *a: list(itertools.product(*a)),
    "min": min,
    "max": max,
    "len": len,
    "sum": sum,
    "abs": abs,
    "round": round,
    "any": any,
    "all": all,
    "sorted": sorted,
    "list": list,
    "dict": dict,
    "zip": lambda *a: list(zip(*a)),
    "enumerate": lambda a: list(enumerate(a)),
    "range": lambda *a: list(range(*a)),
    "str": str,
    "int": int,
    "float": float,
    "sqrt": math.sqrt,
    "join": str.join,
    "fmt": format,
    "like": like,
    "cell": cell,
    "is_list": lambda x: isinstance(x, list),
}
_BIN = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_CMP = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}


_METHODS = {
    "get",
    "keys",
    "values",
    "items",
    "split",
    "join",
    "strip",
    "startswith",
    "endswith",
    "replace",
    "count",
    "index",
    "lower",
    "upper",
}  # read-only methods of str, dict and list a spec may call


class SpecError(ValueError):
    pass


class _Missing(Exception):
    pass


def evaluate(expr: str, ns: dict):
    """The value of `expr` over the names `ns` (and FUNCTIONS); arithmetic on a missing value (None) gives None."""
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as e:
        raise SpecError(f"bad expression {expr!r}: {e.msg}") from None
    return _ev(tree.body, ns, expr)


def _ev(n, ns, src):  # noqa: C901 — one small interpreter, one branch per node kind
    if isinstance(n, ast.Constant):
        return n.value
    if isinstance(n, ast.Name):
        if n.id in ns:
            return ns[n.id]
        if n.id in FUNCTIONS:
            return FUNCTIONS[n.id]
        if n.id in ("None", "True", "False"):
            return {"None": None, "True": True, "False": False}[n.id]
        raise SpecError(f"unknown name {n.id!r} in {src!r}")
    if isinstance(n, ast.Attribute):  # a.b on a dict reads key b
        if n.attr.startswith("_"):
            raise SpecError(f"no private attributes in a spec: {src!r}")
        base = _ev(n.value, ns, src)
        if base is None:
            return None
        if isinstance(base, dict):
            return base[n.attr] if n.attr in base else (getattr(base, n.attr) if n.attr in _METHODS else None)
        if isinstance(base, (str, list)) and n.attr in _METHODS:
            return getattr(base, n.attr)
        raise SpecError(f"no attribute {n.attr!r} on a {type(base).__name__} in {src!r}")
    if isinstance(n, ast.Subscript):
        base = _ev(n.value, ns, src)
        key = _ev(n.slice, ns, src)
        if base is None:
            return None
        if isinstance(key, tuple) and isinstance(n.slice, ast.Tuple):
            return base[key]
        return base.get(key) if isinstance(base, dict) else base[key]
    if isinstance(n, ast.Slice):
        return slice(*(None if x is None else _ev(x, ns, src) for x in (n.lower, n.upper, n.step)))
    if isinstance(n, ast.BinOp):
        a, b = _ev(n.left, ns, src), _ev(n.right, ns, src)
        if a is None or b is None:
            return None
        try:
            return _BIN[type(n.op)](a, b)
        except ZeroDivisionError:
            return None
    if isinstance(n, ast.UnaryOp):
        v = _ev(n.operand, ns, src)
        if isinstance(n.op, ast.Not):
            return not v
        return None if v is None else (-v if isinstance(n.op, ast.USub) else v)
    if isinstance(n, ast.BoolOp):
        vals = iter(n.values)
        v = _ev(next(vals), ns, src)
        for x in vals:
            if (isinstance(n.op, ast.And) and not v) or (isinstance(n.op, ast.Or) and v):
                return v
            v = _ev(x, ns, src)
        return v
    if isinstance(n, ast.Compare):
        left = _ev(n.left, ns, src)
        for op, right in zip(n.ops, n.comparators):
            r = _ev(right, ns, src)
            if not isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq, ast.In, ast.NotIn)) and (
                left is None or r is None
            ):
                return None
            if not _CMP[type(op)](left, r):
                return False
            left = r
        return True
    if isinstance(n, ast.IfExp):
        return _ev(n.body, ns, src) if _ev(n.test, ns, src) else _ev(n.orelse, ns, src)
    if isinstance(n, (ast.List, ast.Tuple)):
        items = [_ev(x, ns, src) for x in n.elts]
        return items if isinstance(n, ast.List) else tuple(items)
    if isinstance(n, ast.Dict):
        return {_ev(k, ns, src): _ev(v, ns, src) for k, v in zip(n.keys, n.values)}
    if isinstance(n, ast.JoinedStr):
        raise SpecError(f"f-strings are not evaluated in specs: {src!r}")
    if isinstance(n, ast.Call):
        fn = _ev(n.func, ns, src)
        bound = getattr(fn, "__self__", None)
        if not (fn in FUNCTIONS.values() or (isinstance(bound, (str, dict, list)) and fn.__name__ in _METHODS)):
            raise SpecError(f"only the spec functions can be called: {src!r}")
        args = [_ev(a, ns, src) for a in n.args]
        kw = {}
        for k in n.keywords:
            v = _ev(k.value, ns, src)
            kw.update(v if k.arg is None else {k.arg: v})
        return fn(*args, **kw)
    if isinstance(n, ast.ListComp) and len(n.generators) == 1:
        g = n.generators[0]
        out = []
        for item in _ev(g.iter, ns, src):
            inner = dict(ns)
            _bind(g.target, item, inner)
            if all(_ev(c, inner, src) for c in g.ifs):
                out.append(_ev(n.elt, inner, src))
        return out
    raise SpecError(f"not allowed in a spec expression: {type(n).__name__} in {src!r}")


def _bind(target, item, ns):
    if isinstance(target, ast.Name):
        ns[target.id] = item
    elif isinstance(target, ast.Tuple):
        for t, v in zip(target.elts, item):
            _bind(t, v, ns)
    else:
        raise SpecError("comprehension targets are names or tuples of names")


_FIELD = re.compile(r"\{\{|\}\}|\{((?:[^{}'\"]|'[^']*'|\"[^\"]*\")+)\}")


def _split(body: str) -> tuple[str, str, str]:
    """'expr:fmt|none' -> (expr, fmt, none), splitting at the last ':' and '|' outside brackets and quotes."""
    depth, quote, colon, bar = 0, "", -1, -1
    for i, ch in enumerate(body):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and ch == ":":
            colon = i
        elif depth == 0 and ch == "|" and colon >= 0:
            bar = i
    if colon < 0:
        return body, "", MISSING
    if bar < 0:
        return body[:colon], body[colon + 1 :], MISSING
    return body[:colon], body[colon + 1 : bar], body[bar + 1 :]


def fill(template: str, ns: dict, strict: bool = False) -> str:
    """The template with every {expr[:fmt[|missing]]} replaced by the formatted value (strict: a missing value
    raises instead)."""

    def one(m):
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        expr, spec, missing = _split(m.group(1))
        v = evaluate(expr, ns)
        if v is None:
            if strict:
                raise _Missing(expr)
            return missing
        try:
            return format(v, spec)
        except (ValueError, TypeError) as e:
            raise SpecError(f"cannot format {v!r} with {spec!r} in {template!r}: {e}") from None

    return _FIELD.sub(one, template)


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
