"""Each method option is declared once (methods/base.py `option()`, beside the method that reads it) and every
surface follows the declaration: the CLI flags, the wire schema (which the plugin reads for its widgets and its
request check), the server's conversion and check. A surface that drifts fails here; so does a new option that
some surface would not pick up."""
from __future__ import annotations

import argparse
import ast
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sig2gps.commands.reconstruct import add_method_options, option_flag, options_from_args
from sig2gps.methods import MethodOptions, OptionError, available_methods
from sig2gps.methods.base import option, option_fields
from sig2gps.server import wire as server_wire
from sig2gps.server.convert import method_options

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from plugin import backend_client  # noqa: E402

WIRE = backend_client.load_wire()
TRACE = {"trace_id": "a", "t": [0.0, 60.0], "cell_id": ["c1", "c2"], "lon": [24.9, 24.95], "lat": [60.17, 60.18]}
DECLARED = option_fields(MethodOptions)


@dataclass(frozen=True)
class WithBeam(MethodOptions):
    """MethodOptions plus one new option, as a method that declares its own would add it."""

    beam_width: int = option(4, "candidates kept per step", methods=("nftrack",), minimum=1, maximum=32)


def _parser(options_cls=None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser()
    add_method_options(p, options_cls)
    return p


def _cli_values(opt, value) -> list[str]:
    if opt.type is bool:
        return [option_flag(opt)] if value else [f"--no-{option_flag(opt)[2:]}"]
    return [option_flag(opt), str(value)]


def _other_value(opt):
    """A valid value that is not the default."""
    if opt.type is bool:
        return not opt.default
    if opt.type is dict:
        return {"k": 1}
    if opt.spec.choices is not None:
        return next(c for c in opt.spec.choices if c != opt.default)
    if opt.spec.step is not None:
        return opt.spec.allowed()[1]
    if opt.spec.pattern is not None:
        return "cpu"
    if opt.type is str:
        return "/some/where"
    low = opt.spec.minimum if opt.spec.minimum is not None else 0
    return opt.type(low + 1 if opt.default != low + 1 else low + 2)


def _bad_values(opt) -> list:
    """Values the declaration refuses (one per limit it declares)."""
    s, out = opt.spec, []
    if s.minimum is not None:
        out.append(opt.type(s.minimum - 1))
    if s.maximum is not None:
        out.append(opt.type(s.maximum + 1))
    if s.above is not None:
        out.append(opt.type(s.above))
    if s.step is not None:
        out.append(s.allowed()[0] + 1)
    if s.choices is not None:
        out.append("no-such-mode")
    if s.pattern is not None:
        out.append("tpu")
    return out


def test_the_wire_schema_is_the_one_generated_from_the_declarations():
    path = server_wire.wire_dir() / "schemas" / server_wire.OPTIONS_SCHEMA
    assert path.read_text(encoding="utf-8") == server_wire.options_schema_text(), (
        f"{path} drifted from the declarations: regenerate it with `python -m sig2gps.server.wire`")
    assert set(WIRE.load_schema("options")["properties"]) == {o.name for o in DECLARED if o.spec.wire}


def test_every_declared_method_exists():
    named = {m for o in DECLARED for m in o.spec.methods}
    assert named and named <= set(available_methods())


def test_the_cli_flags_are_the_declared_options():
    from sig2gps.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for command in ("reconstruct", "batch"):
        actions = {a.dest: a for a in sub.choices[command]._actions}
        for opt in DECLARED:
            if not opt.spec.cli:
                assert opt.name not in actions, f"{command}: {opt.name} is declared off the CLI"
                continue
            a = actions[opt.name]
            assert option_flag(opt) in a.option_strings and a.default == opt.default, (command, opt.name)
            assert a.help.startswith(opt.spec.help), (command, opt.name)
    # every option's non-default value on the command line reaches MethodOptions
    argv = [x for o in DECLARED if o.spec.cli for x in _cli_values(o, _other_value(o))]
    got = options_from_args(_parser().parse_args(argv))
    assert all(getattr(got, o.name) == _other_value(o) for o in DECLARED if o.spec.cli)
    assert options_from_args(_parser().parse_args([])) == MethodOptions()


def test_the_wire_defaults_and_the_servers_conversion_are_the_declarations():
    assert WIRE.DEFAULT_OPTIONS == {o.name: o.default for o in DECLARED if o.spec.wire}
    # a request that leaves every option out runs with MethodOptions' defaults
    req = WIRE.check_job_request({"wire": 1, "method": "towers", "traces": [TRACE]})
    assert method_options(req) == MethodOptions()
    # every wire option's non-default value reaches MethodOptions (the client builds it, the server reads it)
    given = {o.name: _other_value(o) for o in DECLARED if o.spec.wire}
    req = WIRE.check_job_request(backend_client.build_request("towers", traces=[TRACE], **given))
    assert method_options(req) == MethodOptions(**given)


@pytest.mark.parametrize("opt, bad", [(o, v) for o in DECLARED for v in _bad_values(o)],
                         ids=lambda x: getattr(x, "name", repr(x)))
def test_one_check_refuses_alike_everywhere(opt, bad):
    """What the declaration refuses is refused by MethodOptions, the CLI (naming the flag) and, for wire options,
    by the plugin's request check and the server's (naming options.<name>)."""
    with pytest.raises(OptionError) as e:
        MethodOptions(**{opt.name: bad})
    assert e.value.field == opt.name
    if opt.spec.cli:
        with pytest.raises(ValueError, match=re.escape(option_flag(opt))):
            options_from_args(_parser().parse_args(_cli_values(opt, bad)))
    if opt.spec.wire:
        with pytest.raises(WIRE.WireError) as e:
            backend_client.build_request("towers", traces=[TRACE], **{opt.name: bad})
        assert e.value.field == f"options.{opt.name}"
        req = WIRE.check_job_request({"wire": 1, "method": "towers", "traces": [TRACE]})
        req["options"][opt.name] = bad  # past the schema, the server's own check (http._check_references)
        with pytest.raises(OptionError):
            method_options(req)


def test_a_new_option_reaches_every_surface():
    """Declare one more option: the CLI has its flag, the wire schema its field, the server converts it."""
    new = next(o for o in option_fields(WithBeam) if o.name == "beam_width")
    assert options_from_args(_parser(WithBeam).parse_args(["--beam-width", "8"]), WithBeam).beam_width == 8
    with pytest.raises(ValueError, match="--beam-width must be at least 1"):
        options_from_args(_parser(WithBeam).parse_args(["--beam-width", "0"]), WithBeam)
    prop = server_wire.options_schema(WithBeam)["properties"]["beam_width"]
    assert prop == {"description": "candidates kept per step (nftrack)", "type": "integer", "default": 4,
                    "minimum": 1, "maximum": 32}
    assert server_wire.options_schema_text(WithBeam) != server_wire.options_schema_text()  # the file would drift
    req = copy.deepcopy(WIRE.check_job_request({"wire": 1, "method": "towers", "traces": [TRACE]}))
    assert method_options(req, WithBeam).beam_width == new.default
    req["options"]["beam_width"] = 9
    assert method_options(req, WithBeam).beam_width == 9


# The plugin never restates an option: its widgets and requests take names, defaults and limits from the wire
# schema. Allowed: the dock remembers the user's last rollout count, first 3 (a preference); a result's `device`
# is where the backend ran, not the option.
PLUGIN_ALLOWED = {("plugin/settings.py", "rollouts"), ("plugin/request.py", "device")}


def _literal_option_values(path: Path, names: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    hits = []
    for n in ast.walk(tree):
        if isinstance(n, ast.keyword) and n.arg in names and isinstance(n.value, ast.Constant):
            hits.append((n.arg, n.value.lineno))
        elif (isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and n.target.id in names
              and isinstance(n.value, ast.Constant) and n.value.value is not None):
            hits.append((n.target.id, n.lineno))
    rel = path.relative_to(ROOT).as_posix()
    return [f"{rel}:{line} {name}" for name, line in hits if (rel, name) not in PLUGIN_ALLOWED]


def test_the_plugin_restates_no_option_default():
    names = {o.name for o in DECLARED if o.spec.wire} - {"frames"}  # `frames` is also the result's frame mode
    files = sorted((ROOT / "plugin").rglob("*.py"))
    assert files
    assert [h for f in files for h in _literal_option_values(f, names)] == []
    # the check sees a restatement when there is one
    probe = ROOT / "plugin" / "request.py"
    assert _literal_option_values(probe, names | {"with_frames"}), "the scan found nothing it should have"


# The video's frame count T = 4k+1 is checked for method options in one place, the declaration (VideoOptions);
# below the methods, the model pipeline and the renderer guard their own inputs.
FRAMES_RULE = re.compile(r"-\s*1\)\s*%\s*4")
FRAMES_RULE_ALLOWED = {"backend/sig2gps/model/pipeline.py", "backend/sig2gps/render/compose.py"}


def test_the_frames_rule_is_written_once():
    files = [p for d in ("backend/sig2gps", "plugin", "resources/wire") for p in (ROOT / d).rglob("*.py")]
    hits = {p.relative_to(ROOT).as_posix() for p in files if FRAMES_RULE.search(p.read_text())}
    assert hits <= FRAMES_RULE_ALLOWED, hits - FRAMES_RULE_ALLOWED
    with pytest.raises(OptionError, match=r"4k\+1"):
        MethodOptions(frames=20)
