"""The small safe expression language of the section specs (benchmark/tables.py): names, attribute and item
access, arithmetic, comparisons, conditionals, list comprehensions and calls of `FUNCTIONS`; nothing else is
evaluated. `fill` puts expressions into a template: `{expr:format|missing}`.

Why its own module: the interpreter is one idea (a whitelist over Python's ast), the rows and tables another.
"""

from __future__ import annotations

import ast
import itertools
import math
import operator
import re

MISSING = "–"  # what a template shows for a missing value unless it says otherwise


def _pct_change(a, b):
    return None if a is None or not b else 100 * (a / b - 1)


def _ratio(a, b):
    return None if a is None or not b else a / b


def _present(xs):
    return [x for x in xs if x is not None]


FUNCTIONS = {  # what a spec may call; tables.py adds the row functions
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
