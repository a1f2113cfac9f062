"""Rule syntax: parse_rule, parse_converter_args and make_parts."""

from __future__ import annotations

import typing as t

import pytest

from erlen.routing.rules import RulePart
from erlen.routing.rules import RuleVariable
from erlen.routing.rules import make_parts
from erlen.routing.rules import parse_converter_args
from erlen.routing.rules import parse_rule

STRING = ("[^/]+", 100, True)
PATH = ("[^/].*?", 200, False)
INT = (r"\d+", 50, True)


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("/", ["/"]),
        ("/about", ["/about"]),
        ("/<name>", ["/", RuleVariable("default", None, "name")]),
        (
            "/items/<int(min=1):id>/",
            ["/items/", RuleVariable("int", "min=1", "id"), "/"],
        ),
        (
            "/<a>.<string(length=2):b>",
            [
                "/",
                RuleVariable("default", None, "a"),
                ".",
                RuleVariable("string", "length=2", "b"),
            ],
        ),
        ("/x>", ["/x>"]),
        ("", []),
        ("<sub>", [RuleVariable("default", None, "sub")]),
    ],
)
def test_parse_rule(rule: str, expected: list[t.Any]) -> None:
    assert parse_rule(rule) == expected


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("/a/<x", "malformed url rule"),
        ("/a/<>", "malformed url rule"),
        ("/<1x>", "malformed url rule"),
        ("/<int(:x>", "malformed url rule"),
        ("/<x>/<x>", "variable name 'x' used twice"),
        ("/<int:x>/<string:x>", "variable name 'x' used twice"),
    ],
)
def test_parse_rule_rejects_malformed(rule: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_rule(rule)


@pytest.mark.parametrize(
    ("argstr", "args", "kwargs"),
    [
        ("", (), {}),
        ("1", (1,), {}),
        ("-2, +3", (-2, 3), {}),
        ("1.5", (1.5,), {}),
        ("a, b", ("a", "b"), {}),
        ("'c d', \"e, f\"", ("c d", "e, f"), {}),
        (r"'it\'s'", ("it's",), {}),
        ("True, False, None", (True, False, None), {}),
        ("min=1, max = 10", (), {"min": 1, "max": 10}),
        ("x, length=2", ("x",), {"length": 2}),
        ("1, ", (1,), {}),
        ("a.b", ("a.b",), {}),
        ("''", ("",), {}),
    ],
)
def test_parse_converter_args(
    argstr: str, args: tuple[t.Any, ...], kwargs: dict[str, t.Any]
) -> None:
    assert parse_converter_args(argstr) == (args, kwargs)


@pytest.mark.parametrize(
    "argstr",
    [
        "1 2",
        "'unterminated",
        "__import__('os')",
        "a=",
        ",",
        "x=1=2",
        "a; b",
        "\x00",
    ],
)
def test_parse_converter_args_rejects_garbage(argstr: str) -> None:
    with pytest.raises(ValueError, match="cannot parse converter arguments"):
        parse_converter_args(argstr)


def test_parse_converter_args_never_evaluates() -> None:
    # SECURITY: code-looking text is at most a bare word, never run.
    assert parse_converter_args("os.system") == (("os.system",), {})


def _part(content: str, static: bool, final: bool, suffixed: bool) -> RulePart:
    return RulePart(content, static, final, suffixed, ())


@pytest.mark.parametrize(
    ("rule", "converters", "expected"),
    [
        ("/", {}, [("", True, False, False), ("", True, False, False)]),
        (
            "/a/<x>",
            {"x": STRING},
            [
                ("", True, False, False),
                ("a", True, False, False),
                ("(?P<_v0>[^/]+)\\Z", False, False, False),
            ],
        ),
        (
            "/a.b<x>",
            {"x": STRING},
            [("", True, False, False), ("a\\.b(?P<_v0>[^/]+)\\Z", False, False, False)],
        ),
        (
            "/p/<path:p>/edit",
            {"p": PATH},
            [
                ("", True, False, False),
                ("p", True, False, False),
                ("(?P<_v0>[^/].*?)/edit\\Z", False, True, False),
            ],
        ),
        (
            "/q/<path:p>/",
            {"p": PATH},
            [
                ("", True, False, False),
                ("q", True, False, False),
                ("(?P<_v0>[^/].*?)(?<!/)(?P<_s>/?)\\Z", False, True, True),
                ("", True, False, False),
            ],
        ),
        (
            "/<p>x<i>/z",
            {"p": PATH, "i": INT},
            [
                ("", True, False, False),
                ("(?P<_v0>[^/].*?)x(?P<_v1>\\d+)/z\\Z", False, True, False),
            ],
        ),
    ],
)
def test_make_parts(
    rule: str,
    converters: dict[str, tuple[str, int, bool]],
    expected: list[tuple[str, bool, bool, bool]],
) -> None:
    parts = make_parts(parse_rule(rule), converters)
    assert [part[:4] for part in parts] == expected


@pytest.mark.parametrize(
    ("rule", "converters", "weight"),
    [
        ("/<x>", {"x": STRING}, (0, [], -1, [100])),
        ("/<a>.<b>", {"a": STRING, "b": STRING}, (-1, [(0, -1)], -2, [100, 100])),
        ("/ab<i>c", {"i": INT}, (-2, [(0, -2), (1, -1)], -1, [50])),
        ("/<p>/edit", {"p": PATH}, (-1, [(0, -4)], -1, [200])),
    ],
)
def test_make_parts_weights(
    rule: str, converters: dict[str, tuple[str, int, bool]], weight: tuple[t.Any, ...]
) -> None:
    assert make_parts(parse_rule(rule), converters)[-1].weight == weight


def test_hostile_rule_strings_parse_in_linear_time() -> None:
    long_static = "/" + "a" * 2_000_000
    assert parse_rule(long_static) == [long_static]
    many = "".join(f"/<v{i}>" for i in range(5000))
    assert len(parse_rule(many)) == 10000
    with pytest.raises(ValueError, match="malformed"):
        parse_rule("/" + "<" * 100_000)
    with pytest.raises(ValueError, match="cannot parse"):
        parse_converter_args("a," * 100_000 + "'")
