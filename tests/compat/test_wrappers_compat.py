"""Differential tests: erlen's Request/Response against Werkzeug 3.1 and Flask 3.1."""

from __future__ import annotations

import io
import itertools
import typing as t

import pytest
from flask import Response as FlaskResponse
from werkzeug.wrappers import Request as WerkzeugRequest

from erlen.wrappers import Request
from erlen.wrappers import Response

LAST_MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT"


def make_environ(**extra: t.Any) -> dict[str, t.Any]:
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": "GET",
        "wsgi.url_scheme": "http",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(b""),
    }
    environ.update(extra)
    return environ


URL_ENVIRONS = (
    [
        {"HTTP_HOST": host}
        for host in [
            "a.com:80",
            "a.com:8080",
            "[::1]:80",
            "bad host",
            "a_b",
            "xn--n3h.com",
        ]
    ]
    + [
        {"SERVER_NAME": "::1", "SERVER_PORT": "8080"},
        {"wsgi.url_scheme": "wss", "HTTP_HOST": "a:443"},
        {"SCRIPT_NAME": "/app/", "PATH_INFO": "/x y", "QUERY_STRING": "a=1&b"},
        {
            "SCRIPT_NAME": "/\xc3\xa9",
            "PATH_INFO": "/\xc3\xa9",
            "QUERY_STRING": "q=\xc3\xa9",
        },
    ]
    + [
        {"PATH_INFO": f"/a{char}b", "QUERY_STRING": f"q={char}"}
        for char in [chr(i) for i in range(128)] + ["%41", "%2F", "%C3%A9", "%zz"]
    ]
)


@pytest.mark.parametrize("environ", URL_ENVIRONS)
def test_url_properties_match_werkzeug(environ: dict[str, t.Any]) -> None:
    ours = Request(make_environ(**environ))
    theirs = WerkzeugRequest(make_environ(**environ))
    for name in (
        "method",
        "scheme",
        "host",
        "path",
        "full_path",
        "url",
        "base_url",
        "url_root",
        "host_url",
        "root_path",
        "script_root",
        "is_secure",
    ):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert list(ours.args.items(multi=True)) == list(theirs.args.items(multi=True))


HEADER_CASES = (
    [
        ("CONTENT_LENGTH", value, "content_length")
        for value in ["5", " 7 ", "", "-1", "1e3", "0x10", "+5", "٣"]
    ]
    + [
        ("CONTENT_TYPE", value, name)
        for value in ["text/plain; charset=UTF-8", "APPLICATION/JSON", "a/b+json", ";;"]
        for name in ("mimetype", "mimetype_params", "is_json")
    ]
    + [
        ("HTTP_CACHE_CONTROL", value, "cache_control")
        for value in ["no-cache, max-age=10", "max-age=abc", "max-stale", ""]
    ]
    + [
        ("HTTP_RANGE", value, "range")
        for value in ["bytes=0-499", "bytes=-5", "bytes=1-2,4-5", "bytes=5-1", "x"]
    ]
    + [
        ("HTTP_DATE", value, "date")
        for value in [LAST_MODIFIED, "Sunday, 06-Nov-94 08:49:37 GMT", "x"]
    ]
    + [
        ("HTTP_COOKIE", value, "cookies")
        for value in ["a=1; b=2; a=3", 'a="x y"', "bad", "a=%20"]
    ]
    + [("HTTP_X_FORWARDED_FOR", "5.6.7.8, 9.9.9.9", "access_route")]
)


def _normalise(value: t.Any) -> t.Any:
    if hasattr(value, "to_header"):
        return value.to_header()
    if hasattr(value, "getlist"):
        return sorted(value.items(multi=True))
    return value


@pytest.mark.parametrize(("key", "value", "name"), HEADER_CASES)
def test_header_properties_match_werkzeug(key: str, value: str, name: str) -> None:
    ours = getattr(Request(make_environ(**{key: value})), name)
    theirs = getattr(WerkzeugRequest(make_environ(**{key: value})), name)
    assert _normalise(ours) == _normalise(theirs)


@pytest.mark.parametrize(
    ("key", "offers"),
    [
        ("HTTP_ACCEPT", ["text/html", "application/json", "image/png"]),
        ("HTTP_ACCEPT_LANGUAGE", ["en", "fr", "de-DE"]),
        ("HTTP_ACCEPT_CHARSET", ["utf-8", "latin-1"]),
        ("HTTP_ACCEPT_ENCODING", ["gzip", "br", "identity"]),
    ],
)
@pytest.mark.parametrize(
    "value",
    [
        "",
        "text/html;q=0.5, application/json",
        "en-US,fr;q=0.5",
        "gzip, br;q=0.5, *;q=0",
        "*",
        "utf-8, *;q=0.1",
    ],
)
def test_accept_best_match_matches_werkzeug(
    key: str, offers: list[str], value: str
) -> None:
    name = {
        "HTTP_ACCEPT": "accept_mimetypes",
        "HTTP_ACCEPT_LANGUAGE": "accept_languages",
        "HTTP_ACCEPT_CHARSET": "accept_charsets",
        "HTTP_ACCEPT_ENCODING": "accept_encodings",
    }[key]
    ours = getattr(Request(make_environ(**{key: value})), name)
    theirs = getattr(WerkzeugRequest(make_environ(**{key: value})), name)
    for count in range(1, len(offers) + 1):
        for subset in itertools.permutations(offers, count):
            assert ours.best_match(list(subset)) == theirs.best_match(list(subset))
    assert ours.best == theirs.best


def _send(response: t.Any, environ: dict[str, t.Any]) -> tuple[t.Any, ...]:
    captured: list[t.Any] = []
    body_iter = response(environ, lambda s, h, e=None: captured.append((s, h)))
    body = b"".join(body_iter)
    status, headers = captured[0]
    return status, sorted((k, v) for k, v in headers if k != "Date"), body


RESPONSE_CASES: list[tuple[tuple[t.Any, ...], dict[str, t.Any]]] = [
    ((), {}),
    (("hi",), {}),
    ((b"hi",), {"status": 404}),
    (("x",), {"status": "299 Custom"}),
    (("x",), {"status": "200"}),
    (("x",), {"mimetype": "application/json"}),
    (("x",), {"mimetype": "text/plain"}),
    (("x",), {"content_type": "text/plain"}),
    (("x",), {"headers": {"Content-Type": "text/xml"}}),
    (("x",), {"status": 204}),
    (("x",), {"status": 101}),
    (("x",), {"status": 304, "headers": {"ETag": '"a"', "Content-Language": "en"}}),
]


@pytest.mark.parametrize(("args", "kwargs"), RESPONSE_CASES)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_response_matches_flask(
    args: tuple[t.Any, ...], kwargs: dict[str, t.Any], method: str
) -> None:
    environ = make_environ(REQUEST_METHOD=method)
    assert _send(Response(*args, **kwargs), environ) == _send(
        FlaskResponse(*args, **kwargs), environ
    )


CONDITIONAL_ENVIRONS: list[dict[str, str]] = [
    {},
    {"HTTP_IF_NONE_MATCH": '"abc"'},
    {"HTTP_IF_NONE_MATCH": "*"},
    {"HTTP_IF_MATCH": '"x"'},
    {"HTTP_IF_MATCH": 'W/"abc"'},
    {"HTTP_IF_MODIFIED_SINCE": LAST_MODIFIED},
    {"HTTP_IF_UNMODIFIED_SINCE": "Sun, 06 Nov 1994 08:49:36 GMT"},
    {"HTTP_RANGE": "bytes=0-2"},
    {"HTTP_RANGE": "bytes=-2"},
    {"HTTP_RANGE": "bytes=0-2", "HTTP_IF_RANGE": '"abc"'},
    {"HTTP_RANGE": "bytes=0-2", "HTTP_IF_RANGE": '"x"'},
    {"HTTP_RANGE": "bytes=0-2", "HTTP_IF_RANGE": LAST_MODIFIED},
    {"HTTP_RANGE": "bytes=0-2", "HTTP_IF_NONE_MATCH": '"abc"'},
]


@pytest.mark.parametrize("extra", CONDITIONAL_ENVIRONS)
@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
@pytest.mark.parametrize("accept_ranges", [False, True])
def test_make_conditional_matches_flask(
    extra: dict[str, str], method: str, accept_ranges: bool
) -> None:
    results = []
    for cls in (Response, FlaskResponse):
        response = cls(
            iter([b"abc", b"def"]),
            headers={"ETag": '"abc"', "Last-Modified": LAST_MODIFIED},
        )
        environ = make_environ(REQUEST_METHOD=method, **extra)
        response.make_conditional(environ, accept_ranges, complete_length=6)
        results.append(_send(response, environ))
    assert results[0] == results[1]
