"""Tests for erlen.http.headers, differential against werkzeug.http."""

from __future__ import annotations

import typing as t

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erlen.http.errors import HeaderTooLargeError
from erlen.http.headers import COEP
from erlen.http.headers import COOP
from erlen.http.headers import MAX_HEADER_ITEMS
from erlen.http.headers import check_header_value
from erlen.http.headers import dump_header
from erlen.http.headers import dump_options_header
from erlen.http.headers import is_entity_header
from erlen.http.headers import is_hop_by_hop_header
from erlen.http.headers import is_valid_header_name
from erlen.http.headers import parse_accept_header
from erlen.http.headers import parse_cache_control_header
from erlen.http.headers import parse_dict_header
from erlen.http.headers import parse_list_header
from erlen.http.headers import parse_options_header
from erlen.http.headers import parse_set_header
from erlen.http.headers import quote_header_value
from erlen.http.headers import remove_entity_headers
from erlen.http.headers import remove_hop_by_hop_headers
from erlen.http.headers import unquote_header_value

# Pieces that exercise quoting, parameters, RFC 2231/8187 markers and escapes.
_HEADER_TEXT = st.lists(
    st.sampled_from(
        [*"ab=;,\"\\ \t*'%0123456789qx\u00e9\nUTF-8"]
        + ["utf-8", "q=", "*0", "*1*", "''", "%E2%82%AC", "iso-8859-1"]
    ),
    max_size=25,
).map("".join)


@pytest.mark.parametrize(
    ("value", "allow_token", "expected"),
    [
        ("", True, '""'),
        ("a", True, "a"),
        ("a", False, '"a"'),
        ("a b", True, '"a b"'),
        ('a"b', True, '"a\\"b"'),
        ("a\\b", True, '"a\\\\b"'),
        (123, True, "123"),
        (123, False, '"123"'),
    ],
)
def test_quote_header_value(value: object, allow_token: bool, expected: str) -> None:
    assert quote_header_value(value, allow_token) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"a\\"b"', 'a"b'),
        ('"a', '"a'),
        ('a"', 'a"'),
        ('""', ""),
        ('"', '"'),
        ('"\\\\\\""', '\\"'),
        ('"a\\b"', "ab"),
        ('"a\\\nb"', "a\\\nb"),
        ('"x"y"', 'x"y'),
    ],
)
def test_unquote_header_value(value: str, expected: str) -> None:
    assert unquote_header_value(value) == expected


@given(st.text(max_size=20))
def test_quote_round_trips(value: str) -> None:
    if "\n" not in value:
        assert unquote_header_value(quote_header_value(value)) == value


def test_dump_options_header() -> None:
    options = {"a": "b c", "c": None, "d*": "x y", "e": "tok"}
    assert dump_options_header("t", options) == 't; a="b c"; d*=x y; e=tok'
    assert dump_options_header(None, {"a": "1"}) == "a=1"


def test_dump_header() -> None:
    assert dump_header(["a", "b c", 1]) == 'a, "b c", 1'
    assert dump_header({"a": None, "b": "c d", "e*": "UTF-8''x"}) == (
        "a, b=\"c d\", e*=UTF-8''x"
    )


@given(st.lists(st.text(max_size=6), max_size=5))
def test_dump_header_matches_werkzeug(items: list[str]) -> None:
    from werkzeug.http import dump_header as werkzeug_dump_header

    assert dump_header(items) == werkzeug_dump_header(items)
    mapping = {f"k{index}": item or None for index, item in enumerate(items)}
    assert dump_header(mapping) == werkzeug_dump_header(mapping)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("a, b", ["a", "b"]),
        ('a, "b, c", d', ["a", "b, c", "d"]),
        ('"a\\"b"', ['a"b']),
        ("a,,b", ["a", "b"]),
        (" , ", []),
        ("", []),
        ('"a" b, c', ['"a" b', "c"]),
        ('"a" "b"', ['a" "b']),
        ("a\\, b", ["a\\", "b"]),
        ("a\r\n, b", ["a\r\n", "b"]),
        ('"", a', ["", "a"]),
        ('"a\\\\"', ["a\\"]),
        ('x="a\\"b"', ['x="a\\"b"']),
        # An unclosed quoted string voids the whole value.
        ('a, "b', []),
        ('a, b"c', []),
        ('"a\\"', []),
        ('"\\', []),
        ('"', []),
    ],
)
def test_parse_list_header(value: str, expected: list[str]) -> None:
    assert parse_list_header(value) == expected


@given(_HEADER_TEXT)
def test_parse_list_header_matches_werkzeug(value: str) -> None:
    from werkzeug.http import parse_list_header as werkzeug_parse_list_header

    assert parse_list_header(value) == werkzeug_parse_list_header(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('a=b, c="d,e", f', {"a": "b", "c": "d,e", "f": None}),
        ('a="b\\"c"', {"a": 'b"c'}),
        ("a*=utf-8''%E2%82%AC", {"a": "\u20ac"}),
        ("a*=UTF-8'en-us'%41", {"a": "A"}),
        ("a*=iso-8859-1''%A3", {"a": "\u00a3"}),
        ("a*=us-ascii''%41%A3", {"a": "A\ufffd"}),
        ("a*=bad''%41", {"a": "%41"}),
        ("a*=''x", {"a": "x"}),
        ('a*="x"', {"a": "x"}),
        ("=b", {}),
        ("a = b", {"a": "b"}),
        ("A=B", {"A": "B"}),
        ("a=b, a=c", {"a": "c"}),
        ("a=", {"a": ""}),
        (' , a, "a=b"', {"a": "b"}),
        ('a="b" c', {"a": '"b" c'}),
        ("a=b; c=d", {"a": "b; c=d"}),
    ],
)
def test_parse_dict_header(value: str, expected: dict[str, str | None]) -> None:
    assert parse_dict_header(value) == expected


@given(_HEADER_TEXT)
def test_parse_dict_header_matches_werkzeug(value: str) -> None:
    from werkzeug.http import parse_dict_header as werkzeug_parse_dict_header

    assert parse_dict_header(value) == werkzeug_parse_dict_header(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text/HTML; Charset=UTF-8", ("text/HTML", {"charset": "UTF-8"})),
        (
            'form-data; name="a\\"b"; filename*=UTF-8\'\'%E2%82%AC.txt',
            ("form-data", {"name": 'a"b', "filename": "\u20ac.txt"}),
        ),
        ('form-data; filename="a%22b"', ("form-data", {"filename": 'a"b'})),
        ('a; b*0="x"; b*1="y"', ("a", {"b": "xy"})),
        ('a; b*1="y"; b*0="x"', ("a", {"b": "yx"})),
        ('a; b*0="x"; c=1; b*1="y"', ("a", {"c": "1", "b": "xy"})),
        ("a; b*0*=UTF-8''%41; b*1*=%42", ("a", {"b": "AB"})),
        ("a; b*0*=UTF-8''%41; b*1=%42", ("a", {"b": "A%42"})),
        ("a; b*0=x; b*1*=%41", ("a", {"b": "x%41"})),
        ("a; b*0*=latin-1''%A3", ("a", {"b": "%A3"})),
        ("a; b*=UTF-8''%41; b*0=z", ("a", {"b": "z"})),
        ("a; b*0=z; b*=UTF-8''%41", ("a", {"b": "A"})),
        ("a; b=1; b*=utf-8''%41", ("a", {"b": "A"})),
        ('a; b*="x"', ("a", {"b": '"x"'})),
        ("a; b*=UTF-8'x", ("a", {"b": "UTF-8'x"})),
        ("a; b*=utf-8''%41%", ("a", {"b": "A%"})),
        ("a; b*=utf-8''%ff", ("a", {"b": "\ufffd"})),
        ("a; *=1", ("a", {"": "1"})),
        ("", ("", {})),
        (None, ("", {})),
        (";;", ("", {})),
        (" ; b=c", ("", {})),
        ("a;b", ("a", {})),
        ("a; b=", ("a", {})),
        ("a; b; c=d", ("a", {"c": "d"})),
        ("a;b=c;d", ("a", {"b": "c"})),
        ('a; b="unterminated', ("a", {})),
        ('a; x=1; b="unterminated; c=d', ("a", {"x": "1"})),
        ("a; B=1; b=2", ("a", {"b": "2"})),
        ('"quoted"; a=1', ('"quoted"', {"a": "1"})),
        ("a; q=1 ; x = 2", ("a", {"q": "1"})),
        ("a, b; c=d", ("a, b", {"c": "d"})),
        (' a ; b = "c" ', ("a", {})),
        ('a; b="c" d', ("a", {"b": "c"})),
        ("a;;b=c", ("a", {"b": "c"})),
        ("a;b=c;", ("a", {"b": "c"})),
        ("a;=c;d=e", ("a", {"d": "e"})),
        ('a;b="\\\\\\""', ("a", {"b": '\\"'})),
        ("a;b=\u00e9", ("a", {})),
        ('a; b="\u00e9"', ("a", {"b": "\u00e9"})),
        ("a\t;\tb=c", ("a", {"b": "c"})),
    ],
)
def test_parse_options_header(
    value: str | None, expected: tuple[str, dict[str, str]]
) -> None:
    assert parse_options_header(value) == expected


@given(_HEADER_TEXT)
def test_parse_options_header_matches_werkzeug(value: str) -> None:
    from werkzeug.http import parse_options_header as werkzeug_parse_options_header

    assert parse_options_header(value) == werkzeug_parse_options_header(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "text/html;q=0.5, application/json, */*;q=0.1",
            [("application/json", 1), ("text/html", 0.5), ("*/*", 0.1)],
        ),
        (
            "a;q=2, b;q=-1, c;q=abc, d;q=0.5555, e;q=1.000, f;q=0, g;q=0.",
            [("e", 1.0), ("d", 0.5555), ("f", 0.0)],
        ),
        ("text/html;level=1;q=0.3", [("text/html; level=1", 0.3)]),
        ('text/html; charset="utf-8"; q=0.8', [("text/html; charset=utf-8", 0.8)]),
        ('a;b="x y"', [('a; b="x y"', 1)]),
        ("a;Q=0.5", [("a", 0.5)]),
        ('a;q="0.5"', [("a", 0.5)]),
        ("a; q = 0.5", [("a", 1)]),
        ("a;q=.5, b;q=1.0001", []),
        ("a, a", [("a", 1), ("a", 1)]),
        ("b;q=0.5, a, c;q=0.5, d", [("a", 1), ("d", 1), ("b", 0.5), ("c", 0.5)]),
        ("", []),
        (None, []),
    ],
)
def test_parse_accept_header(
    value: str | None, expected: list[tuple[str, float]]
) -> None:
    assert parse_accept_header(value) == expected


def test_parse_accept_header_cls() -> None:
    from erlen.datastructures import Accept

    accept = parse_accept_header("a;q=0.5, b", Accept)
    assert isinstance(accept, Accept)
    assert accept.best == "b"
    assert parse_accept_header("x", list) == [("x", 1)]


@given(_HEADER_TEXT)
def test_parse_accept_header_matches_werkzeug(value: str) -> None:
    from werkzeug.http import parse_accept_header as werkzeug_parse_accept_header

    mine = parse_accept_header(value)
    theirs = list(werkzeug_parse_accept_header(value))
    qualities = [quality for _, quality in mine]
    assert qualities == sorted(qualities, reverse=True)
    # Werkzeug's Accept also orders "*" last, so compare as multisets.
    assert sorted(mine) == sorted(theirs)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("no-cache, max-age=0", {"no-cache": None, "max-age": "0"}),
        ('private="a, b", no-store', {"private": "a, b", "no-store": None}),
        ('max-age="10"', {"max-age": "10"}),
        ("MAX-AGE=5", {"MAX-AGE": "5"}),
        ("", {}),
        (None, {}),
        (", ,", {}),
    ],
)
def test_parse_cache_control_header(
    value: str | None, expected: dict[str, str | None]
) -> None:
    assert parse_cache_control_header(value) == expected


def test_parse_cache_control_header_cls() -> None:
    calls: list[tuple[object, object]] = []

    def cls(directives: dict[str, str | None], on_update: object) -> str:
        calls.append((directives, on_update))
        return "built"

    assert parse_cache_control_header("no-store", "hook", cls) == "built"
    assert calls == [({"no-store": None}, "hook")]


def test_parse_set_header() -> None:
    assert parse_set_header('a, B, "c d"') == ["a", "B", "c d"]
    assert parse_set_header("") == []
    assert parse_set_header(None) == []
    assert parse_set_header("a", "hook", lambda items, hook: (items, hook)) == (
        ["a"],
        "hook",
    )


@pytest.mark.parametrize(
    ("function", "value"),
    [
        (parse_list_header, "a" * 70_000),
        (parse_options_header, "a" * 70_000),
        (parse_list_header, "a," * (MAX_HEADER_ITEMS + 1)),
        (parse_options_header, "a" + "; b=c" * (MAX_HEADER_ITEMS + 1)),
    ],
)
def test_header_limits(function: t.Callable[[str], object], value: str) -> None:
    with pytest.raises(HeaderTooLargeError) as info:
        function(value)
    assert info.value.status_hint == 431


@pytest.mark.parametrize(
    "value",
    [
        '"' * 60_000,
        '"' + "\\" * 60_000,
        '"\\' * 30_000,
        "," * 60_000,
        ";" * 60_000,
        "a;" + "=" * 60_000,
        "a; b=" + '"\\' * 30_000,
        "a; " + "b*0*=''%" * 6_000,
        "\x00\r\n" * 20_000,
    ],
)
def test_header_parsers_on_pathological_input(value: str) -> None:
    assert len(parse_list_header(value)) <= MAX_HEADER_ITEMS
    assert len(parse_options_header(value)[1]) <= MAX_HEADER_ITEMS
    assert len(parse_accept_header(value)) <= MAX_HEADER_ITEMS


def test_enums() -> None:
    assert COEP("require-corp") is COEP.REQUIRE_CORP
    assert COOP("same-origin") is COOP.SAME_ORIGIN
    assert [item.value for item in COOP] == [
        "unsafe-none",
        "same-origin-allow-popups",
        "same-origin",
    ]


@pytest.mark.parametrize(
    ("name", "hop", "entity"),
    [
        ("Connection", True, False),
        ("keep-alive", True, False),
        ("TE", True, False),
        ("Content-Type", False, True),
        ("expires", False, True),
        ("X-Custom", False, False),
    ],
)
def test_header_kinds(name: str, hop: bool, entity: bool) -> None:
    from werkzeug import http as werkzeug_http

    assert is_hop_by_hop_header(name) is hop is werkzeug_http.is_hop_by_hop_header(name)
    assert is_entity_header(name) is entity is werkzeug_http.is_entity_header(name)


_PAIRS = [
    ("Content-Type", "x"),
    ("Connection", "y"),
    ("Expires", "1"),
    ("Content-Location", "z"),
    ("X", "1"),
    ("Keep-Alive", "1"),
    ("Content-Encoding", "gz"),
]


def test_remove_entity_headers() -> None:
    headers = list(_PAIRS)
    remove_entity_headers(headers)
    assert headers == [
        ("Connection", "y"),
        ("Expires", "1"),
        ("Content-Location", "z"),
        ("X", "1"),
        ("Keep-Alive", "1"),
    ]
    headers = list(_PAIRS)
    remove_entity_headers(headers, allowed=("EXPIRES",))
    assert headers == [
        ("Connection", "y"),
        ("Expires", "1"),
        ("X", "1"),
        ("Keep-Alive", "1"),
    ]


def test_remove_hop_by_hop_headers() -> None:
    headers = list(_PAIRS)
    remove_hop_by_hop_headers(headers)
    assert headers == [
        ("Content-Type", "x"),
        ("Expires", "1"),
        ("Content-Location", "z"),
        ("X", "1"),
        ("Content-Encoding", "gz"),
    ]


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("Content-Type", True),
        ("X-Custom_1!", True),
        ("", False),
        ("Bad Name", False),
        ("Bad:Name", False),
        ("Bad\r\nName", False),
        ("N\u00e4me", False),
    ],
)
def test_is_valid_header_name(name: str, valid: bool) -> None:
    assert is_valid_header_name(name) is valid


@pytest.mark.parametrize("value", ["", "text/html", "a\tb", "\u00e9"])
def test_check_header_value_accepts(value: str) -> None:
    assert check_header_value(value) == value


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\x00b", "x\r\nSet-Cookie: a=b"])
def test_check_header_value_refuses_newlines(value: str) -> None:
    with pytest.raises(ValueError, match="newline or NUL"):
        check_header_value(value)


def test_empty_parameter_names_do_not_crash_the_dumpers() -> None:
    # found by hypothesis: "*0" is a continuation of an empty name
    assert parse_accept_header("a;*0=a") == [("a; =a", 1)]
    assert dump_options_header("x", {"": "v"}) == "x; =v"
    assert dump_header({"": "v"}) == "=v"
