"""The Rule object: options, comparison, building and its helper predicates."""

from __future__ import annotations

import typing as t

import pytest

from erlen.routing import Map
from erlen.routing import Rule
from erlen.routing import ValidationError
from erlen.routing.converters import BaseConverter


def _bound(*rules: Rule, **map_kwargs: t.Any) -> Map:
    return Map(list(rules), **map_kwargs)


@pytest.mark.parametrize(
    ("methods", "expected"),
    [
        (None, None),
        (["get"], {"GET", "HEAD"}),
        (("POST", "put"), {"POST", "PUT"}),
        ({"HEAD"}, {"HEAD"}),
        ([], set()),
    ],
)
def test_methods_are_upper_cased_and_head_follows_get(
    methods: list[str] | None, expected: set[str] | None
) -> None:
    assert Rule("/", methods=methods).methods == expected


def test_methods_must_not_be_a_string() -> None:
    with pytest.raises(TypeError, match="list of strings"):
        Rule("/", methods="GET")


def test_websocket_rules_only_allow_get_head_options() -> None:
    assert Rule("/ws", websocket=True, methods=["GET", "OPTIONS"]).methods == {
        "GET",
        "HEAD",
        "OPTIONS",
    }
    with pytest.raises(ValueError, match="WebSocket rules can only use"):
        Rule("/ws", websocket=True, methods=["POST"])


@pytest.mark.parametrize("string", ["", "a", "about", "<x>"])
def test_rule_must_start_with_a_slash(string: str) -> None:
    with pytest.raises(ValueError, match="must start with a slash"):
        Rule(string)


def test_attributes_before_and_after_bind() -> None:
    rule = Rule("/a/<int:x>/", defaults={"y": 1}, endpoint="e")
    assert rule.is_branch and not rule.is_leaf
    assert rule.arguments == {"y"}
    before = (rule.strict_slashes, rule.subdomain, rule.provide_automatic_options)
    assert before == (None, None, False)
    assert repr(rule) == "<Rule (unbound)>"
    _bound(rule, strict_slashes=False, merge_slashes=False, default_subdomain="www")
    assert rule.arguments == {"x", "y"}
    after = (rule.strict_slashes, rule.merge_slashes, rule.subdomain)
    assert after == (False, False, "www")
    assert str(rule) == "/a/<int:x>/"
    assert repr(rule) == "<Rule 'www|/a/<x>/' -> e>"


def test_repr_sorts_methods() -> None:
    rule = Rule("/x", methods=["POST", "GET", "OPTIONS"], endpoint="x")
    _bound(rule)
    assert repr(rule) == "<Rule '/x' (GET, HEAD, OPTIONS, POST) -> x>"


def test_bind_twice_raises_unless_rebind() -> None:
    rule = Rule("/x", endpoint="x")
    url_map = _bound(rule)
    with pytest.raises(RuntimeError, match="already bound"):
        rule.bind(Map())
    rule.bind(url_map, rebind=True)
    assert rule.map is url_map


def test_refresh_recompiles_after_converter_change() -> None:
    class Upper(BaseConverter):
        def to_python(self, value: str) -> str:
            return value.upper()

    rule = Rule("/<thing:x>", endpoint="x")
    url_map = Map(converters={"thing": BaseConverter})
    url_map.add(rule)
    assert url_map.bind("h").match("/ab") == ("x", {"x": "ab"})
    url_map.converters["thing"] = Upper
    rule.refresh()
    url_map.add(Rule("/unrelated", endpoint="u"))  # invalidates the matcher
    assert url_map.bind("h").match("/ab") == ("x", {"x": "AB"})


def test_equality_compares_the_rule_shape() -> None:
    first, second, third = Rule("/a/<x>"), Rule("/a/<y>"), Rule("/a/<x>")
    _bound(first, second, third)
    assert first == third
    assert first != second
    assert first != "/a/<x>"
    with pytest.raises(TypeError):
        hash(first)


def test_empty_makes_an_unbound_copy() -> None:
    rule = Rule(
        "/x/<int:y>",
        defaults={"z": 1},
        subdomain="s",
        methods=["POST"],
        build_only=True,
        endpoint="e",
        strict_slashes=False,
        redirect_to="/other",
        alias=True,
        host="h",
    )
    _bound(rule)
    copy = rule.empty()
    assert t.cast(t.Any, copy.map) is None
    assert copy is not rule
    assert copy.defaults == {"z": 1} and copy.defaults is not rule.defaults
    for name in (
        "rule",
        "subdomain",
        "methods",
        "build_only",
        "endpoint",
        "strict_slashes",
        "redirect_to",
        "alias",
        "host",
    ):
        assert getattr(copy, name) == getattr(rule, name), name
    assert Rule("/").get_empty_kwargs()["defaults"] is None


def test_get_rules_yields_itself() -> None:
    rule = Rule("/")
    assert list(rule.get_rules(Map())) == [rule]


def test_unknown_converter_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="the converter 'nope' does not exist"):
        Map([Rule("/<nope:x>")])


def test_variable_in_domain_and_path_with_the_same_name() -> None:
    with pytest.raises(ValueError, match="used twice"):
        Map([Rule("/<x>", subdomain="<x>")])


def test_converter_arguments_reach_the_converter() -> None:
    url_map = Map([Rule("/<int(fixed_digits=2, min=1, max=50):n>", endpoint="n")])
    converter = next(url_map.iter_rules())._converters["n"]
    assert (converter.fixed_digits, converter.min, converter.max) == (2, 1, 50)  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        Map([Rule("/<int(bogus=1):n>")])


@pytest.mark.parametrize(
    ("values", "method", "expected"),
    [
        ({"x": 1}, None, True),
        ({"x": 1}, "GET", True),
        ({"x": 1}, "POST", False),
        ({}, None, False),
        ({"x": 1, "kind": "a"}, None, True),
        ({"x": 1, "kind": "b"}, None, False),
    ],
)
def test_suitable_for(
    values: dict[str, t.Any], method: str | None, expected: bool
) -> None:
    rule = Rule("/<int:x>", defaults={"kind": "a"}, methods=["GET"], endpoint="e")
    _bound(rule)
    assert rule.suitable_for(values, method) is expected


def test_provides_defaults_for() -> None:
    with_defaults = Rule("/page/", defaults={"n": 1}, endpoint="page")
    plain = Rule("/page/<int:n>", endpoint="page")
    other = Rule("/other/<int:n>", endpoint="other")
    build_only = Rule("/b/", defaults={"n": 1}, endpoint="page", build_only=True)
    _bound(with_defaults, plain, other, build_only)
    assert with_defaults.provides_defaults_for(plain)
    assert not plain.provides_defaults_for(with_defaults)
    assert not with_defaults.provides_defaults_for(other)
    assert not with_defaults.provides_defaults_for(with_defaults)
    assert not build_only.provides_defaults_for(plain)


def test_build_compare_key_orders_aliases_last_and_more_arguments_first() -> None:
    alias = Rule("/a/<x>", endpoint="e", alias=True)
    many = Rule("/b/<x>/<y>", endpoint="e")
    few = Rule("/c/<x>", endpoint="e", defaults={"z": 1})
    _bound(alias, many, few)
    assert alias.build_compare_key() == (1, -1, 0)
    assert many.build_compare_key() == (0, -2, 0)
    assert few.build_compare_key() == (0, -2, -1)
    assert sorted([alias, many, few], key=Rule.build_compare_key) == [few, many, alias]


def test_build_uses_defaults_quotes_text_and_appends_unknown_values() -> None:
    rule = Rule("/a b/<int:n>/<kind>", defaults={"kind": "x y"}, endpoint="e")
    _bound(rule)
    assert rule.build({"n": 3}) == ("", "/a%20b/3/x%20y")
    assert rule.build({"n": 3, "q": [1, None, 2], "r": None, "s": "t"}) == (
        "",
        "/a%20b/3/x%20y?q=1&q=2&s=t",
    )
    assert rule.build({"n": 3, "q": 1}, append_unknown=False) == ("", "/a%20b/3/x%20y")


def test_build_returns_none_when_a_converter_rejects_the_value() -> None:
    class Strict(BaseConverter):
        def to_url(self, value: t.Any) -> str:
            raise ValidationError()

    url_map = Map([Rule("/<strict:x>", endpoint="x")], converters={"strict": Strict})
    rule = next(url_map.iter_rules())
    assert rule.build({"x": "anything"}) is None


def test_build_sorts_query_when_the_map_says_so() -> None:
    rule = Rule("/", endpoint="i")
    _bound(rule, sort_parameters=True)
    assert rule.build({"b": "1", "a": "2"}) == ("", "/?a=2&b=1")
