"""Tests for erlen.http.etags: quoting, parsing and conditional checks."""

from __future__ import annotations

import hashlib
import itertools
from datetime import datetime
from datetime import timezone

import pytest

from erlen.http.etags import MAX_ETAGS
from erlen.http.etags import generate_etag
from erlen.http.etags import is_resource_modified
from erlen.http.etags import parse_etags
from erlen.http.etags import parse_if_range_header
from erlen.http.etags import quote_etag
from erlen.http.etags import unquote_etag


@pytest.mark.parametrize(
    ("etag", "weak", "expected"),
    [("abc", False, '"abc"'), ("abc", True, 'W/"abc"'), ("", False, '""')],
)
def test_quote_etag(etag: str, weak: bool, expected: str) -> None:
    assert quote_etag(etag, weak) == expected


def test_quote_etag_refuses_quotes() -> None:
    with pytest.raises(ValueError, match="invalid etag"):
        quote_etag('a"b')


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, (None, None)),
        ("", (None, None)),
        ('"abc"', ("abc", False)),
        ('W/"abc"', ("abc", True)),
        ('w/"abc"', ("abc", True)),
        ('  W/"abc"  ', ("abc", True)),
        ("abc", ("abc", False)),
        ('"', ("", False)),
        ('"abc', ('"abc', False)),
    ],
)
def test_unquote_etag(raw: str | None, expected: object) -> None:
    assert unquote_etag(raw) == expected


PARSE_CASES = [
    (None, ([], [], False)),
    ("", ([], [], False)),
    ("*", ([], [], True)),
    ('"a", *', (["a", "*"], [], False)),
    (" *", (["*"], [], False)),
    ("W/*", ([], ["*"], False)),
    ('"*"', (["*"], [], False)),
    ('"a"', (["a"], [], False)),
    ('W/"a"', ([], ["a"], False)),
    ('w/"a"', ([], ["a"], False)),
    ('"a", W/"b", c', (["a", "c"], ["b"], False)),
    ('"a","b" ,  "c"  ', (["a", "b", "c"], [], False)),
    ('\t"a"\t,\t"b"', (["a", "b"], [], False)),
    ('"c"d, "e"  ,f ', (["e", "f"], [], False)),
    ('"a, b", c', (["a, b", "c"], [], False)),
    ("a b ,c", (["c"], [], False)),
    ('"unterminated, x', (["x"], [], False)),
    ('"unterminated', ([], [], False)),
    ("a,,b", (["a", "b"], [], False)),
    ("a,", (["a"], [], False)),
    (",", ([], [], False)),
    ("W/", (["W/"], [], False)),
    ('W/"a" x, "b"', (["b"], [], False)),
    ('W/x"', ([], [], False)),
    ("\x00, \u00e9", (["\x00", "\u00e9"], [], False)),
]


@pytest.mark.parametrize(("raw", "expected"), PARSE_CASES)
def test_parse_etags(raw: str | None, expected: object) -> None:
    assert parse_etags(raw) == expected


@pytest.mark.parametrize("raw", [case[0] for case in PARSE_CASES if case[0]])
def test_parse_etags_matches_werkzeug(raw: str) -> None:
    from werkzeug.http import parse_etags as wz_parse

    expected = wz_parse(raw)
    strong, weak, star = parse_etags(raw)
    assert star == expected.star_tag
    assert set(strong) == expected.as_set()
    assert set(weak) == expected.as_set(include_weak=True) - expected.as_set()


def test_parse_etags_empty_quoted_tag() -> None:
    # Werkzeug stores None for '""'; erlen keeps the empty tag.
    assert parse_etags('""') == ([""], [], False)
    assert parse_etags('W/""') == ([], [""], False)


def test_parse_etags_limit() -> None:
    value = ", ".join(f'"{n}"' for n in range(MAX_ETAGS + 50))
    strong, weak, star = parse_etags(value)
    assert len(strong) == MAX_ETAGS
    assert strong[-1] == str(MAX_ETAGS - 1)
    # Malformed items count too, so they cannot be used to spin the loop.
    assert parse_etags("x y, " * MAX_ETAGS + '"late"') == ([], [], False)
    assert parse_etags("x y, " * (MAX_ETAGS - 1) + '"late"') == (["late"], [], False)


def test_parse_etags_pathological_input_finishes() -> None:
    # Quotes followed by long whitespace runs and no comma: linear scan.
    hostile = '"' + ('"' + " " * 1000 + "x") * 3000
    assert parse_etags(hostile) == ([], [], False)
    assert parse_etags(" " * 3_000_000) == ([], [], False)
    assert parse_etags("," * 3_000_000) == ([], [], False)
    assert parse_etags('"' + "," * 3_000_000) == ([], [], False)
    assert parse_etags("a " * 1_000_000) == ([], [], False)
    assert parse_etags('W/"' * 1_000_000) == ([], [], False)
    assert parse_etags("x y," * 750_000) == ([], [], False)
    assert len(parse_etags(',"' * 1_000_000)[0]) == MAX_ETAGS


def test_generate_etag_is_sha1() -> None:
    assert generate_etag(b"hello") == hashlib.sha1(b"hello").hexdigest()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, (None, None)),
        ("", (None, None)),
        ('"abc"', ("abc", None)),
        ('W/"abc"', ("abc", None)),
        (
            "Sun, 06 Nov 1994 08:49:37 GMT",
            (None, datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)),
        ),
    ],
)
def test_parse_if_range_header(raw: str | None, expected: object) -> None:
    assert parse_if_range_header(raw) == expected


def test_is_resource_modified_refuses_etag_and_data() -> None:
    with pytest.raises(TypeError):
        is_resource_modified(etag="a", data=b"x")


def test_is_resource_modified_computes_etag_from_data() -> None:
    tag = generate_etag(b"body")
    assert is_resource_modified(if_none_match=f'"{tag}"', data=b"body") is False
    assert is_resource_modified(if_none_match='"other"', data=b"body") is True


def test_is_resource_modified_ignores_method_and_if_unmodified_since() -> None:
    # COMPAT: Werkzeug 3.1 evaluates neither.
    assert is_resource_modified(
        method="POST",
        if_unmodified_since="Sun, 06 Nov 1994 08:49:37 GMT",
        etag="a",
        last_modified=datetime(2020, 1, 1, tzinfo=timezone.utc),
    )


DATE_OLD = "Sun, 06 Nov 1994 08:49:37 GMT"
DATE_NEW = "Wed, 01 Jan 2020 00:00:00 GMT"
LAST_MODIFIED_VALUES: list[object] = [
    None,
    datetime(2000, 1, 1, 0, 0, 0, 500, tzinfo=timezone.utc),
    datetime(2000, 1, 1),  # naive: taken as UTC
    "Sat, 01 Jan 2000 00:00:00 GMT",
    "not a date",
]
HEADER_VALUES = {
    "HTTP_IF_NONE_MATCH": [None, '"a"', 'W/"a"', '"b"', "*"],
    "HTTP_IF_MATCH": [None, '"a"', 'W/"a"', '"b"', "*"],
    "HTTP_IF_MODIFIED_SINCE": [None, DATE_OLD, DATE_NEW, "garbage"],
    "HTTP_IF_RANGE": [None, '"a"', '"b"', DATE_NEW, DATE_OLD],
    "HTTP_RANGE": [None, "bytes=0-1"],
}


def _combinations() -> list[tuple[dict[str, str], str | None, object, bool]]:
    keys = list(HEADER_VALUES)
    cases = []
    for values in itertools.product(*HEADER_VALUES.values()):
        environ = {key: value for key, value in zip(keys, values, strict=True) if value}
        for etag in (None, '"a"', "a", 'W/"a"'):
            for last_modified in LAST_MODIFIED_VALUES:
                for ignore_if_range in (True, False):
                    cases.append((environ, etag, last_modified, ignore_if_range))
    return cases


def test_is_resource_modified_matches_werkzeug() -> None:
    from werkzeug.http import is_resource_modified as wz_modified

    cases = _combinations()
    assert len(cases) > 10_000
    for environ, etag, last_modified, ignore_if_range in cases:
        expected = wz_modified(
            {"REQUEST_METHOD": "GET", **environ},
            etag=etag,
            last_modified=last_modified,  # type: ignore[arg-type]
            ignore_if_range=ignore_if_range,
        )
        ours = is_resource_modified(
            method="GET",
            if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
            if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE"),
            if_match=environ.get("HTTP_IF_MATCH"),
            if_range=environ.get("HTTP_IF_RANGE"),
            http_range=environ.get("HTTP_RANGE"),
            etag=etag,
            last_modified=last_modified,  # type: ignore[arg-type]
            ignore_if_range=ignore_if_range,
        )
        assert ours == expected, (environ, etag, last_modified, ignore_if_range)
