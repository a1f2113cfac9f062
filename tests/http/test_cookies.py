"""Tests for erlen.http.cookies, differential against Werkzeug."""

from __future__ import annotations

import warnings
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erlen.http.cookies import dump_cookie
from erlen.http.cookies import parse_cookie
from erlen.http.errors import HeaderTooLargeError


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("a=b; c=d", [("a", "b"), ("c", "d")]),
        ("a=b;c=d", [("a", "b"), ("c", "d")]),
        ('a="b\\"c"; d="\\054"', [("a", 'b"c'), ("d", ",")]),
        ('a="\\012\\141"', [("a", "\na")]),
        ('a="\\q"; b="\\\\"', [("a", "q"), ("b", "\\")]),
        ('a="\\303\\251"', [("a", "\u00e9")]),
        ('a="\\377"', [("a", "\ufffd")]),
        ("a", [("a", "")]),
        ("a=b;;c", [("a", "b"), ("c", "")]),
        (" a = b ; c", [("a", "b"), ("c", "")]),
        ("a=b=c", [("a", "b=c")]),
        ("a=b; a=c", [("a", "b"), ("a", "c")]),
        ("a=b,c=d", [("a", "b,c=d")]),
        ("a=%E2%82%AC", [("a", "%E2%82%AC")]),
        ('a="x y"', [("a", "x y")]),
        ('a=" b "', [("a", " b ")]),
        ("$Version=1; a=b", [("$Version", "1"), ("a", "b")]),
        ("a=b\x00c", [("a", "b\x00c")]),
        ('a=b;c="d;e";f=g', [("a", "b"), ("c", "d;e"), ("f", "g")]),
        ("a=b\t; c", [("a", "b"), ("c", "")]),
        ("", []),
        (None, []),
        (b"a=b; c=\xc3\xa9", [("a", "b"), ("c", "\u00e9")]),
        (b"a=\xff", [("a", "\ufffd")]),
        (b"", []),
    ],
)
def test_parse_cookie(
    header: str | bytes | None, expected: list[tuple[str, str]]
) -> None:
    assert parse_cookie(header) == expected


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # Broken items are skipped up to the next semicolon.
        ("=b", []),
        (" =b; c=d", [("c", "d")]),
        ("a;=b;c=d", [("a", ""), ("c", "d")]),
        ('a="b', []),
        ('a="b"c; d=e', [("d", "e")]),
        ('a="b" ; d=e', [("a", "b"), ("d", "e")]),
        ("a=b c", []),
        ("a=b, c=d", []),
        ("a\tb=c", []),
        ('a=\\"b', []),
        ('a="\\"', []),
        ('a="x\\\ny"; b=c', [("b", "c")]),
        ('a="x;y" z; b=c', [("b", "c")]),
        ('a="x;y=1; b=c', [("y", "1"), ("b", "c")]),
        (";;;", []),
        ('"', []),
    ],
)
def test_parse_cookie_skips_broken_items(
    header: str, expected: list[tuple[str, str]]
) -> None:
    assert parse_cookie(header) == expected


def test_parse_cookie_cls_gets_the_pairs() -> None:
    assert parse_cookie("a=1; b=2", dict) == {"a": "1", "b": "2"}


def test_parse_cookie_limit() -> None:
    header = "; ".join(f"k{index}=v" for index in range(11))
    assert len(parse_cookie(header, max_cookies=11)) == 11
    with pytest.raises(HeaderTooLargeError) as info:
        parse_cookie(header, max_cookies=10)
    assert info.value.status_hint == 431
    assert len(parse_cookie(header, max_cookies=None)) == 11


def test_parse_cookie_default_limit() -> None:
    with pytest.raises(HeaderTooLargeError):
        parse_cookie("a;" * 1001)


@pytest.mark.parametrize(
    "header",
    [
        '"' * 2_000_000,
        "a=" + '"\\' * 1_000_000,
        ";" * 2_000_000,
        "a=b " * 500_000,
        "=" * 2_000_000,
        "a" * 2_000_000,
    ],
)
def test_parse_cookie_megabytes_finish(header: str) -> None:
    assert len(parse_cookie(header)) <= 1


_COOKIE_PIECES = st.sampled_from(list('ab=;,"\\ \t\n012xé$') + ["\\0", "\\12"])


@given(st.lists(_COOKIE_PIECES, max_size=30).map("".join))
def test_parse_cookie_matches_werkzeug(header: str) -> None:
    from werkzeug.datastructures import MultiDict
    from werkzeug.sansio.http import parse_cookie as werkzeug_parse_cookie

    expected = werkzeug_parse_cookie(header)
    # Werkzeug's MultiDict groups repeated keys, so compare the same way.
    assert MultiDict(parse_cookie(header)) == expected
    assert list(MultiDict(parse_cookie(header)).items(multi=True)) == list(
        expected.items(multi=True)
    )


_DUMP_CASES = [
    {"key": "a"},
    {"key": "a", "value": "b c"},
    {"key": "a", "value": '\u00e9"\\;,\x7f\x00\x1a \x1f'},
    {"key": "a", "value": "x!#$%&'()*+-./:<=>?@[]^`{|}~_"},
    {"key": "a", "max_age": 10, "sync_expires": False},
    {"key": "a", "max_age": timedelta(seconds=-1.5), "sync_expires": False},
    {"key": "a", "max_age": 1.7, "sync_expires": False},
    {"key": "a", "expires": 0},
    {"key": "a", "expires": 1e9, "max_age": 5},
    {"key": "a", "expires": "Wed, 21 Oct 2015 07:28:00 GMT"},
    {"key": "a", "expires": datetime(2020, 1, 1)},
    {"key": "a", "expires": date(2020, 1, 1)},
    {"key": "a", "path": None},
    {"key": "a", "path": '/\u00e9 x;b,c"'},
    {"key": "a", "domain": "Example.COM"},
    {"key": "a", "domain": ".x.com"},
    {"key": "a", "domain": "b\u00fccher.de"},
    {"key": "a", "domain": "localhost:5000"},
    {"key": "a", "domain": ""},
    {"key": "a", "secure": True, "httponly": True},
    {"key": "a", "samesite": "lax"},
    {"key": "a", "samesite": "None"},
    {"key": "a", "samesite": "STRICT"},
    {"key": "a", "partitioned": True},
    {"key": "k\u00e9", "value": "v"},
    {
        "key": "a",
        "value": "b",
        "max_age": 5,
        "expires": 0,
        "path": "/p",
        "domain": "d.com",
        "secure": True,
        "httponly": True,
        "samesite": "strict",
        "partitioned": True,
    },
]


@pytest.mark.parametrize("kwargs", _DUMP_CASES)
def test_dump_cookie_matches_werkzeug(kwargs: dict[str, object]) -> None:
    from werkzeug.http import dump_cookie as werkzeug_dump_cookie

    assert dump_cookie(**kwargs) == werkzeug_dump_cookie(**kwargs)  # type: ignore[arg-type]


def test_dump_cookie_full_attribute_order() -> None:
    assert dump_cookie(
        "a",
        "b",
        max_age=5,
        expires=0,
        path="/p",
        domain="d.com",
        secure=True,
        httponly=True,
        samesite="strict",
        partitioned=True,
    ) == (
        "a=b; Domain=d.com; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=5;"
        " Secure; HttpOnly; Path=/p; SameSite=Strict; Partitioned"
    )


def test_dump_cookie_max_age_sets_expires() -> None:
    from erlen.http.dates import parse_date

    header = dump_cookie("a", max_age=timedelta(days=1))
    assert "Max-Age=86400" in header
    expires = parse_date(header.split("Expires=")[1].split(";")[0])
    assert expires is not None
    assert expires > datetime.now(expires.tzinfo) + timedelta(hours=23)


@pytest.mark.parametrize("samesite", ["", "bogus", "Lax "])
def test_dump_cookie_refuses_bad_samesite(samesite: str) -> None:
    with pytest.raises(ValueError, match="SameSite must be"):
        dump_cookie("a", samesite=samesite)


def test_dump_cookie_warns_when_too_large() -> None:
    with pytest.warns(UserWarning) as record:
        header = dump_cookie("a", "\u00e9" * 10, max_size=10)
    assert header.startswith('a="\\303\\251')
    assert str(record[0].message) == (
        "The 'a' cookie is too large: the value was 82 bytes but the header"
        " required 10 extra bytes. The final size was 92 bytes but the limit is"
        " 10 bytes. Browsers may silently ignore cookies larger than this."
    )


def test_dump_cookie_large_value_warning_matches_werkzeug() -> None:
    from werkzeug.http import dump_cookie as werkzeug_dump_cookie

    with pytest.warns(UserWarning) as mine:
        dump_cookie("a", "x" * 5000)
    with pytest.warns(UserWarning) as theirs:
        werkzeug_dump_cookie("a", "x" * 5000)
    assert str(mine[0].message) == str(theirs[0].message)


def test_dump_cookie_max_size_zero_turns_the_check_off() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dump_cookie("a", "x" * 5000, max_size=0).startswith("a=xxx")


@given(st.text(max_size=20), st.text(max_size=30))
def test_dump_cookie_key_value_match_werkzeug(key: str, value: str) -> None:
    from werkzeug.http import dump_cookie as werkzeug_dump_cookie

    try:
        expected = werkzeug_dump_cookie(key, value)
    except UnicodeError:
        with pytest.raises(UnicodeError):
            dump_cookie(key, value)
        return
    assert dump_cookie(key, value) == expected


@given(st.text(max_size=30))
def test_dump_cookie_round_trips_through_parse_cookie(value: str) -> None:
    try:
        header = dump_cookie("k", value)
    except UnicodeError:
        return
    assert parse_cookie(header.rpartition("; Path=/")[0]) == [("k", value)]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "",
        "/a/b-c_d.e~f/%41!$&'()*+,:=@",
        "/with space",
        "/é",
        "/a?b#c",
        '/"quote"',
        "/semi;colon",
        "/\x00\x7f",
        None,
    ],
)
def test_dump_cookie_path_quoting_matches_werkzeug(path: str | None) -> None:
    from werkzeug.http import dump_cookie as werkzeug_dump_cookie

    assert dump_cookie("k", "v", path=path) == werkzeug_dump_cookie("k", "v", path=path)


@pytest.mark.parametrize(
    "value",
    ["", "plain.value-_~", "a b", "é", '"', "\\", ";", ",", "\x00", "\x7f", "x" * 50],
)
def test_dump_cookie_value_quoting_matches_werkzeug(value: str) -> None:
    from werkzeug.http import dump_cookie as werkzeug_dump_cookie

    assert dump_cookie("k", value) == werkzeug_dump_cookie("k", value)
