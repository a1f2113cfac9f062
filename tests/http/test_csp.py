"""Tests for erlen.http.csp: parse_csp_header and dump_csp_header."""

from __future__ import annotations

import random
import typing as t

import pytest

from erlen.http import HeaderTooLargeError
from erlen.http import dump_csp_header
from erlen.http import parse_csp_header
from erlen.http.headers import MAX_HEADER_VALUE_LENGTH


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, {}),
        ("", {}),
        (
            "default-src 'self'; script-src https://x.com",
            {"default-src": "'self'", "script-src": "https://x.com"},
        ),
        ("img-src *", {"img-src": "*"}),
        ("a 'self' b;", {"a": "'self' b"}),
        ("DEFAULT-SRC x", {"DEFAULT-SRC": "x"}),
        ("  a  b  c ;  ", {"a": "b  c"}),
        ("\ta b\t", {"a": "b"}),
        ("c\t d", {"c": "d"}),
        ("c \td", {"c": "d"}),
        ("a b;c", {"a": "b"}),
        ("a b;;;c d", {"a": "b", "c": "d"}),
        ("a b,c d", {"a": "b,c d"}),
        ("é ü", {"é": "ü"}),
    ],
)
def test_parse_csp_header(raw: str | None, expected: dict[str, str]) -> None:
    assert parse_csp_header(raw) == expected


# Hostile and odd input: the documented lenient result.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (";;", {}),
        (" ; ; ", {}),
        ("upgrade-insecure-requests", {}),
        ("upgrade-insecure-requests;", {}),
        ("a\tb", {}),
        ("a \t", {}),
        ("a=b", {}),
        ("default-src 'self'; default-src 'none'", {"default-src": "'none'"}),
        ("a\x00b c", {"a\x00b": "c"}),
        ("a\r\nb c", {"a\r\nb": "c"}),
        ("\n c d", {"\n": "c d"}),
        ("\x0b c d", {"\x0b": "c d"}),
        ("a\udcffb c", {"a\udcffb": "c"}),
    ],
)
def test_parse_csp_header_hostile(raw: str, expected: dict[str, str]) -> None:
    assert parse_csp_header(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "a" * (MAX_HEADER_VALUE_LENGTH + 1),
        "a b;" * 1_000_000,
        ";" * 3_000_000,
        " " * 3_000_000,
    ],
)
def test_parse_csp_header_over_the_limit_raises_431(raw: str) -> None:
    with pytest.raises(HeaderTooLargeError) as info:
        parse_csp_header(raw)
    assert info.value.status_hint == 431
    assert "longer than" in str(info.value)


@pytest.mark.parametrize(
    "raw",
    [
        "a b;" * (MAX_HEADER_VALUE_LENGTH // 4),
        ";" * MAX_HEADER_VALUE_LENGTH,
        " " * MAX_HEADER_VALUE_LENGTH,
        "x " + "y" * (MAX_HEADER_VALUE_LENGTH - 2),
    ],
)
def test_parse_csp_header_at_the_limit_is_parsed(raw: str) -> None:
    assert len(raw) <= MAX_HEADER_VALUE_LENGTH
    assert len(parse_csp_header(raw)) <= 1


def test_parse_csp_header_many_distinct_directives() -> None:
    raw = ";".join(f"d{index} v" for index in range(5000))
    parsed = parse_csp_header(raw)
    assert len(parsed) == 5000
    assert parsed["d4999"] == "v"


def test_parse_csp_header_calls_cls_with_on_update() -> None:
    calls: list[tuple[object, object]] = []

    def factory(values: t.Any, on_update: t.Any) -> str:
        calls.append((values, on_update))
        return "built"

    assert parse_csp_header("a b", print, factory) == "built"
    assert calls == [({"a": "b"}, print)]
    assert parse_csp_header(None, None, factory) == "built"
    assert calls[1] == ({}, None)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({}, ""),
        ({"default-src": "'self'"}, "default-src 'self'"),
        ({"a": "b", "c": "d e"}, "a b; c d e"),
        ({"a": "b", "c": ""}, "a b; c "),
        ({"font-src": 5}, "font-src 5"),
    ],
)
def test_dump_csp_header(header: dict[str, t.Any], expected: str) -> None:
    assert dump_csp_header(header) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "default-src 'self'; img-src * data:",
        "a b; c d e; f g",
        "script-src 'nonce-abc' 'strict-dynamic'",
    ],
)
def test_round_trip(raw: str) -> None:
    assert dump_csp_header(parse_csp_header(raw)) == raw


_ALPHABET = ["a", "b", " ", " ", "\t", ";", "\n", "\x0b", "'", "=", ",", "é"]


def _random_headers() -> list[str]:
    rng = random.Random(3333)
    return [
        "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 24)))
        for _ in range(2000)
    ]


def test_parse_csp_header_matches_werkzeug() -> None:
    from werkzeug.http import parse_csp_header as werkzeug_parse

    for raw in _random_headers():
        assert parse_csp_header(raw) == dict(werkzeug_parse(raw)), repr(raw)


def test_dump_csp_header_matches_werkzeug() -> None:
    from werkzeug.http import dump_csp_header as werkzeug_dump
    from werkzeug.http import parse_csp_header as werkzeug_parse

    for raw in _random_headers():
        expected = werkzeug_dump(werkzeug_parse(raw))
        assert dump_csp_header(parse_csp_header(raw)) == expected
