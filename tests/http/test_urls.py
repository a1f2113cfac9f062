"""Tests for erlen.http.urls, differential against Werkzeug."""

from __future__ import annotations

import typing as t

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erlen.http.errors import LimitExceededError
from erlen.http.urls import iri_to_uri
from erlen.http.urls import parse_query_pairs
from erlen.http.urls import uri_to_iri
from erlen.http.urls import url_encode


def _werkzeug_args(query: bytes) -> list[tuple[str, str]]:
    from werkzeug.wrappers import Request

    environ = {
        "QUERY_STRING": query.decode("latin-1"),
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
    }
    return list(Request(environ).args.items(multi=True))


def _as_multidict_items(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    from werkzeug.datastructures import MultiDict

    return list(MultiDict(pairs).items(multi=True))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (b"a=1&b=2", [("a", "1"), ("b", "2")]),
        (b"a+b=c+d", [("a b", "c d")]),
        (b"a=%41%zz%", [("a", "A%zz%")]),
        (b"a=%ff", [("a", "%FF")]),
        (b"a=%C3%A9", [("a", "\u00e9")]),
        (b"a=%e9%41", [("a", "%E9A")]),
        (b"a=%F0%9F%98", [("a", "%F0%9F%98")]),
        (b"a=\xc3\xa9", [("a", "\u00e9")]),
        (b"&&a&=b&", [("a", ""), ("", "b")]),
        (b"a=1;b=2", [("a", "1;b=2")]),
        (b"a==b", [("a", "=b")]),
        (b"a=%2", [("a", "%2")]),
        (b"%=%", [("%", "%")]),
        (b"=", [("", "")]),
        (b"a%3Db=c", [("a=b", "c")]),
        (b" a = b ", [(" a ", " b ")]),
        (b"a=%2B+", [("a", "+ ")]),
        (b"", []),
        ("a=\u00e9&b", [("a", "\u00e9"), ("b", "")]),
        ("", []),
    ],
)
def test_parse_query_pairs(query: str | bytes, expected: list[tuple[str, str]]) -> None:
    assert parse_query_pairs(query) == expected


def test_parse_query_pairs_matches_werkzeug_on_table() -> None:
    for query in [b"a=1&b=2&a=3", b"x=%41+%42&y", b"%zz=%e2%82%ac"]:
        assert _as_multidict_items(parse_query_pairs(query)) == _werkzeug_args(query)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Werkzeug fails with UnicodeDecodeError here; erlen replaces.
        (b"\xff=1", [("\ufffd", "1")]),
        (b"a=\xc3", [("a", "\ufffd")]),
        (bytearray(b"a=\xff"), [("a", "\ufffd")]),
    ],
)
def test_parse_query_pairs_replaces_raw_invalid_utf8(
    query: bytes, expected: list[tuple[str, str]]
) -> None:
    assert parse_query_pairs(query) == expected


def test_parse_query_pairs_separator() -> None:
    assert parse_query_pairs(b"a=1;b=2", separator=";") == [("a", "1"), ("b", "2")]


def test_parse_query_pairs_limit() -> None:
    assert len(parse_query_pairs(b"a&" * 10, max_pairs=10)) == 10
    # Empty pieces do not count.
    assert parse_query_pairs(b"&" * 100 + b"a", max_pairs=1) == [("a", "")]
    with pytest.raises(LimitExceededError) as info:
        parse_query_pairs(b"a&" * 11, max_pairs=10)
    assert info.value.status_hint == 414


@pytest.mark.parametrize(
    "query",
    [
        b"%" * 2_000_000,
        b"%e9" * 700_000,
        b"+" * 2_000_000,
        b"&" * 2_000_000,
        b"\xff" * 2_000_000,
        b"=" * 2_000_000,
    ],
)
def test_parse_query_pairs_megabytes_finish(query: bytes) -> None:
    assert len(parse_query_pairs(query)) <= 1


_QUERY_BYTES = st.binary(max_size=30) | st.lists(
    st.sampled_from(list("ab=&+%2FfCc3 ;") + ["%e9", "%C3%A9", "%ff", "\u00e9"]),
    max_size=15,
).map(lambda pieces: "".join(pieces).encode())


@given(_QUERY_BYTES)
def test_parse_query_pairs_matches_werkzeug_request_args(query: bytes) -> None:
    try:
        expected = _werkzeug_args(query)
    except UnicodeDecodeError:
        # Werkzeug cannot decode raw invalid UTF-8; erlen replaces it.
        assert "\ufffd" in "".join(k + v for k, v in parse_query_pairs(query))
        return
    assert _as_multidict_items(parse_query_pairs(query)) == expected


class _Lists:
    """A stand-in for a MultiDict: anything with ``lists()``."""

    def lists(self) -> list[tuple[str, list[str]]]:
        return [("a", ["1", "2"]), ("b", ["3"])]


@pytest.mark.parametrize(
    ("obj", "kwargs", "expected"),
    [
        ({"a": "b c", "d": None, "f": 1}, {}, "a=b+c&f=1"),
        ({"e": "\u00e9/:;?@!$'()*,&=+#%~"}, {}, "e=%C3%A9/:;?@!$'()*,%26%3D%2B%23%25~"),
        ([("x", b"y z"), ("x", "2")], {}, "x=y+z&x=2"),
        ({"a": ["1", "2"], "b": ("3",)}, {}, "a=1&a=2&b=3"),
        (_Lists(), {}, "a=1&a=2&b=3"),
        ({"b": "2", "a": "1"}, {"sort": True}, "a=1&b=2"),
        ({"b": "1", "a": "2"}, {"sort": True, "key": lambda p: p[1]}, "b=1&a=2"),
        ({"a": "1", "b": "2"}, {"separator": ";"}, "a=1;b=2"),
        ({1: "\u00e9"}, {"charset": "latin-1"}, "1=%E9"),
        ({}, {}, ""),
    ],
)
def test_url_encode(obj: object, kwargs: dict[str, t.Any], expected: str) -> None:
    assert url_encode(obj, **kwargs) == expected


@given(
    st.dictionaries(
        st.text(max_size=5), st.one_of(st.none(), st.text(max_size=8), st.integers())
    )
)
def test_url_encode_matches_werkzeug(obj: dict[str, str | int | None]) -> None:
    from werkzeug.urls import _urlencode

    assert url_encode(obj) == _urlencode(obj)  # type: ignore[arg-type]


@given(st.dictionaries(st.text(max_size=5), st.text(max_size=8)))
def test_url_encode_round_trips(obj: dict[str, str]) -> None:
    assert dict(parse_query_pairs(url_encode(obj))) == obj


@pytest.mark.parametrize(
    ("iri", "uri"),
    [
        (
            "http://\u00fcser:p\u00e4ss@b\u00fccher.de:80/p\u00e4th?q=\u00e4#fr\u00e4g",
            "http://%C3%BCser:p%C3%A4ss@xn--bcher-kva.de:80/p%C3%A4th?q=%C3%A4#fr%C3%A4g",
        ),
        ("/path with space/?a=b c", "/path%20with%20space/?a=b%20c"),
        ("http://x/%2f%zz", "http://x/%2f%zz"),
        ("mailto:x@y", "mailto:x@y"),
        ("", ""),
        ("http://H\u00e9/", "http://xn--h-bga/"),
        ("http://[::1]:80/", "http://[::1]:80/"),
        ("http://u:@h/", "http://u:@h/"),
        ("//h/\u00e9", "//h/%C3%A9"),
        ("http://h?", "http://h"),
        ("http://:", "http://"),
        ("http://\u00e9@h/", "http://%C3%A9@h/"),
    ],
)
def test_iri_to_uri(iri: str, uri: str) -> None:
    assert iri_to_uri(iri) == uri


@pytest.mark.parametrize(
    ("uri", "iri"),
    [
        (
            "http://xn--bcher-kva.de/%C3%A4%2F?q=%C3%A4&%26#%C3%A4",
            "http://b\u00fccher.de/\u00e4%2F?q=\u00e4&%26#\u00e4",
        ),
        ("/%ff%20%41", "/%FF%20A"),
        ("http://x/%E2%82", "http://x/%E2%82"),
        ("http://h/%e2%82%ac%e2%82", "http://h/\u20ac%E2%82"),
        ("http://u%C3%A9:p%3A@h:8080/", "http://u\u00e9:p%3A@h:8080/"),
        ("http://[::1]/", "http://[::1]/"),
        ("http://%C3%A9@h/", "http://\u00e9@h/"),
        ("HTTP://\u00e9xn--bcher-kva/", "http://\u00e9xn--bcher-kva/"),
        ("http://h/%", "http://h/%"),
        ("http://h/%2", "http://h/%2"),
    ],
)
def test_uri_to_iri(uri: str, iri: str) -> None:
    assert uri_to_iri(uri) == iri


@pytest.mark.parametrize(
    ("function", "value", "error"),
    [
        (iri_to_uri, "http://h:abc/", ValueError),
        (iri_to_uri, "http://a..b/", UnicodeError),
        (iri_to_uri, "http://h/\udcff", UnicodeError),
        (uri_to_iri, "http://xn--/", UnicodeError),
    ],
)
def test_iri_uri_errors(
    function: t.Callable[[str], str], value: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        function(value)


_URL_PIECES = st.sampled_from(
    ["http://", "HTTP://", "u", ":", "@", "%", "41", "e2", "82", "AC", "ff", "2F"]
    + ["/", "?", "#", "&", "=", "+", " ", "\u00e9", "xn--bcher-kva", ".", "de"]
    + ["[::1]", "80", "%2", "Z"]
)


def _outcome(function: t.Callable[[str], str], value: str) -> object:
    try:
        return function(value)
    except (ValueError, UnicodeError) as exc:
        return type(exc)


@given(st.lists(_URL_PIECES, max_size=20).map("".join))
def test_iri_uri_match_werkzeug(value: str) -> None:
    from werkzeug.urls import iri_to_uri as werkzeug_iri_to_uri
    from werkzeug.urls import uri_to_iri as werkzeug_uri_to_iri

    assert _outcome(iri_to_uri, value) == _outcome(werkzeug_iri_to_uri, value)
    assert _outcome(uri_to_iri, value) == _outcome(werkzeug_uri_to_iri, value)


def test_uri_to_iri_megabytes_finish() -> None:
    value = "http://h/" + "%e2%82" * 300_000 + "%2f" * 300_000
    assert uri_to_iri(value).endswith("%2f")


def test_quote_error_handler_refuses_encoding_errors() -> None:
    with pytest.raises(UnicodeEncodeError):
        "\u00e9".encode("ascii", "erlen.url_quote")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # an escaped NUL keeps the per-part decoder (NUL joins the parts)
        ("a=%00b&c=%41", [("a", "\x00b"), ("c", "A")]),
        # a stray "%" next to good escapes keeps the per-part decoder
        ("a=%41%&b=%zz%42", [("a", "A%"), ("b", "%zzB")]),
        # "+" is a space but an escaped "%2B" stays a plus sign
        ("q=a+b%2Bc", [("q", "a b+c")]),
        # a raw NUL in the query string
        ("a=\x00&b=%41", [("a", "\x00"), ("b", "A")]),
        # backslashes survive the one-pass decoder
        ("p=C%3A%5Cdir\\x41", [("p", "C:\\dir\\x41")]),
    ],
)
def test_batch_decoding_edges(raw: str, expected: list[tuple[str, str]]) -> None:
    assert parse_query_pairs(raw) == expected


def test_lone_surrogate_in_str_query_uses_per_part_decoding() -> None:
    assert parse_query_pairs("a=\ud800%41") == [("a", "\ud800A")]
