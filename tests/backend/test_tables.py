"""The one renderer of typed rows and section specs (sig2gps.benchmark.tables): lookups by field, templates with
formats and missing values, the safe expression subset, blocks, pooling over cities."""

from __future__ import annotations

import math

import pytest

from sig2gps.benchmark.tables import (
    SpecError,
    distinct,
    evaluate,
    fill,
    label,
    like,
    md_table,
    pool,
    render_spec,
    run_key,
    select,
    val,
)

VIDEO = dict(method="video", model="m", frames=13, decode="raw", rollouts=8, window=1000.0, samples="", city="a")
ROWS = [
    {"method": "towers", "model": None, "city": "a", "scope": "overall", "mae_m": 400.0, "n": 10, "failed": 0},
    dict(VIDEO, pick="consensus", scope="overall", mae_m=300.0, n=10, failed=0),
    dict(VIDEO, pick="best", scope="overall", mae_m=320.0, n=10, failed=0),
    dict(VIDEO, pick="consensus", scope="small", mae_m=250.0, n=4, failed=0),
]


def test_rows_are_found_by_field_and_printed_by_label():
    assert val(ROWS, "mae_m", method="video", pick="best", scope="overall") == 320.0
    assert val(ROWS, "mae_m", method="video", pick="none") is None
    assert [r["mae_m"] for r in select(ROWS, city="a", scope="overall")] == [400.0, 300.0, 320.0]
    assert distinct(ROWS, "pick", method="video") == ["consensus", "best"]
    assert like(ROWS, ROWS[1], scope="small")["mae_m"] == 250.0
    assert label(ROWS[1]) == "m f13 raw K8 w1000 consensus" and label(ROWS[0]) == "towers"
    run = {"config": {"models": [["m", "dir"]], "frames": [13], "rollouts": 8, "chunk_m": 1000.0}}
    assert val(ROWS, "mae_m", scope="overall", **run_key(run, "consensus")) == 300.0
    assert run_key({"config": {"models": [["m", "d"]], "frames": [5]}})["window"] == 0.0  # recorded before windows


def test_templates_format_and_say_what_is_missing():
    ns = {"r": ROWS[1], "x": None, "p": 0.9734}
    assert fill("{r.mae_m:.0f} m, {p:.1%}, {100 * p:.0f}", ns) == "300 m, 97.3%, 97"
    assert fill("{x:.0f} / {x:.0f|-} / {x:|}.", ns) == "– / - / ."
    assert fill("{x + 1:.2f} {r.mae_m / 0:.1f}", ns) == "– –"  # arithmetic on a missing value, division by zero
    assert fill("{{literal}} {'a:b'}", ns) == "{literal} a:b"
    assert fill("{', '.join([s + '!' for s in ['a', 'b']])}", {}) == "a!, b!"


@pytest.mark.parametrize(
    "expr", ["__import__('os')", "open('x')", "r.__class__", "(lambda: 1)()", "f'{1}'", "[x for x in [1] for y in [2]]"]
)
def test_only_the_safe_subset_is_evaluated(expr):
    with pytest.raises(SpecError):
        evaluate(expr, {"r": {"a": 1}})


def test_blocks_tables_loops_and_includes():
    spec = {
        "blocks": [
            {"let": {"cities": "distinct(rows, 'city')"}},
            "Cities: {len(cities)}.",
            {
                "for": "cities",
                "as": "c",
                "blocks": [
                    "### {c}",
                    {
                        "table": {
                            "header": ["pick", {"each": "['overall', 'small']", "as": "s", "cell": "{s}"}],
                            "each": "distinct(select(rows, method='video'), 'pick')",
                            "as": "pk",
                            "cells": [
                                "{pk}",
                                {
                                    "each": "['overall', 'small']",
                                    "as": "s",
                                    "cell": "{val(rows, 'mae_m', pick=pk, scope=s, city=c):.0f}",
                                },
                            ],
                            "align": ["---", "---:", "---:"],
                        }
                    },
                ],
            },
            {"if": "len(rows) > 10", "blocks": ["many"], "else": [{"include": "tail"}]},
            {"list": "[1, 2]", "as": "i", "item": "- {i}"},
        ]
    }
    md = render_spec(spec, {"rows": ROWS}, include=lambda name: ["({name})".replace("{name}", name)])
    assert md.splitlines() == [
        "Cities: 1.",
        "",
        "### a",
        "",
        "| pick | overall | small |",
        "|---|---:|---:|",
        "| consensus | 300 | 250 |",
        "| best | 320 | – |",
        "",
        "(tail)",
        "",
        "- 1",
        "- 2",
    ]
    with pytest.raises(SpecError, match="unknown block"):
        render_spec({"blocks": [{"nope": 1}]}, {})


def test_pooling_weights_cities_by_their_traces():
    a = {"n": 3, "failed": 1, "mae_m": 100.0, "rmse_m": 100.0, "l100": 0.5, "g1000": 0.0, "on_road": None}
    b = {"n": 6, "failed": 0, "mae_m": 200.0, "rmse_m": 300.0, "l100": 0.2, "g1000": 0.1, "on_road": 0.9}
    p = pool([a, b, {"n": 2, "failed": 2, "mae_m": None}])
    assert p["n"] == 9 and p["failed"] == 1 and p["pooled"]  # a city without a trace in its pool is left out
    assert p["mae_m"] == pytest.approx((2 * 100 + 6 * 200) / 8) and p["l100"] == pytest.approx((2 * 0.5 + 6 * 0.2) / 8)
    assert p["rmse_m"] == pytest.approx(math.sqrt((2 * 100**2 + 6 * 300**2) / 8)) and p["on_road"] == 0.9
    assert pool([]) == {}


def test_md_table():
    assert md_table(["a", "b"], [["1", "2"]], "---:") == ["| a | b |", "|---:|---:|", "| 1 | 2 |"]
