"""Tests for erlen.wrappers._conditional: ETags, 304/412, ranges 206/416."""

from __future__ import annotations

import typing as t

import pytest

from erlen import exceptions
from erlen.wrappers import Request
from erlen.wrappers import Response

LAST_MODIFIED = "Sun, 06 Nov 1994 08:49:37 GMT"
EARLIER = "Sun, 06 Nov 1994 08:49:36 GMT"


def environ(method: str = "GET", **extra: str) -> dict[str, t.Any]:
    return {"REQUEST_METHOD": method, **extra}


def send(
    response: Response, env: dict[str, t.Any]
) -> tuple[str, dict[str, str], bytes]:
    """Run ``response`` as a WSGI app and return status, headers and body."""
    captured: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Callable[[bytes], object]:
        captured.append((status, headers))
        return lambda data: None

    body_iter = response(env, start_response)
    body = b"".join(body_iter)
    close = getattr(body_iter, "close", None)
    if close is not None:
        close()
    status, headers = captured[0]
    return status, dict(headers), body


def test_etag_helpers() -> None:
    response = Response("body")
    assert response.get_etag() == (None, None)
    response.set_etag("abc")
    assert response.headers["ETag"] == '"abc"'
    assert response.get_etag() == ("abc", False)
    response.set_etag("abc", weak=True)
    assert response.get_etag() == ("abc", True)
    response.add_etag()
    assert response.get_etag() == ("abc", True)
    response.add_etag(overwrite=True)
    assert response.headers["ETag"] == '"02083f4579e08a612425c0c1a17ee47add783b94"'
    response.add_etag(overwrite=True, weak=True)
    assert response.headers["ETag"].startswith('W/"')


CONDITIONAL_TABLE = [
    # (response headers, request environ, status)
    ({"ETag": '"abc"'}, {}, 200),
    ({"ETag": '"abc"'}, {"HTTP_IF_NONE_MATCH": '"abc"'}, 304),
    ({"ETag": '"abc"'}, {"HTTP_IF_NONE_MATCH": 'W/"abc"'}, 304),
    ({"ETag": '"abc"'}, {"HTTP_IF_NONE_MATCH": "*"}, 304),
    ({"ETag": '"abc"'}, {"HTTP_IF_NONE_MATCH": '"x"'}, 200),
    ({"ETag": '"abc"'}, {"HTTP_IF_MATCH": '"abc"'}, 200),
    ({"ETag": '"abc"'}, {"HTTP_IF_MATCH": '"x"'}, 412),
    ({"ETag": '"abc"'}, {"HTTP_IF_MATCH": 'W/"abc"'}, 412),
    # COMPAT: Werkzeug answers 412 to "If-Match: *" on a response with an ETag.
    ({"ETag": '"abc"'}, {"HTTP_IF_MATCH": "*"}, 412),
    ({}, {"HTTP_IF_MATCH": "*"}, 200),
    ({"Last-Modified": LAST_MODIFIED}, {"HTTP_IF_MODIFIED_SINCE": LAST_MODIFIED}, 304),
    ({"Last-Modified": LAST_MODIFIED}, {"HTTP_IF_MODIFIED_SINCE": EARLIER}, 200),
    ({"Last-Modified": LAST_MODIFIED}, {"HTTP_IF_MODIFIED_SINCE": "garbage"}, 200),
    # COMPAT: Werkzeug's make_conditional never turns If-Unmodified-Since into 412.
    ({"Last-Modified": LAST_MODIFIED}, {"HTTP_IF_UNMODIFIED_SINCE": EARLIER}, 200),
    (
        {"Last-Modified": LAST_MODIFIED},
        {"HTTP_IF_UNMODIFIED_SINCE": LAST_MODIFIED},
        200,
    ),
]


@pytest.mark.parametrize(("headers", "env", "status"), CONDITIONAL_TABLE)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_make_conditional_status(
    headers: dict[str, str], env: dict[str, str], status: int, method: str
) -> None:
    response = Response("abcdef", headers=headers)
    rv = response.make_conditional(environ(method, **env))
    assert rv is response
    assert response.status_code == status
    assert "Date" in response.headers
    sent_status, sent_headers, body = send(response, environ(method, **env))
    assert sent_status.startswith(str(status))
    if status == 304:
        assert body == b""
        assert "Content-Length" not in sent_headers
        assert "Content-Type" not in sent_headers
    elif method == "GET":
        assert body == b"abcdef"


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", None])
def test_make_conditional_ignores_unsafe_methods(method: str | None) -> None:
    response = Response("x", headers={"ETag": '"a"'})
    env: dict[str, t.Any] = {"HTTP_IF_NONE_MATCH": '"a"'}
    if method is not None:
        env["REQUEST_METHOD"] = method
    response.make_conditional(env, accept_ranges=True)
    assert response.status_code == 200
    assert "Date" not in response.headers
    assert "Accept-Ranges" not in response.headers


def test_make_conditional_accepts_a_request_and_keeps_date() -> None:
    response = Response("x", headers={"Date": "yesterday", "ETag": '"a"'})
    request = Request({"REQUEST_METHOD": "GET", "HTTP_IF_NONE_MATCH": '"a"'})
    response.make_conditional(request)
    assert response.status_code == 304
    assert response.headers["Date"] == "yesterday"


RANGE_TABLE = [
    # (Range, If-Range, status, body, Content-Range)
    ("bytes=0-2", None, 206, b"abc", "bytes 0-2/6"),
    ("bytes=-2", None, 206, b"ef", "bytes 4-5/6"),
    ("bytes=2-", None, 206, b"cdef", "bytes 2-5/6"),
    ("bytes=0-100", None, 206, b"abcdef", "bytes 0-5/6"),
    ("bytes=3-3", None, 206, b"d", "bytes 3-3/6"),
    ("bytes=0-2", '"abc"', 206, b"abc", "bytes 0-2/6"),
    ("bytes=0-2", '"other"', 200, b"abcdef", None),
    # COMPAT: a weak If-Range tag matches a strong ETag, as in Werkzeug.
    ("bytes=0-2", 'W/"abc"', 206, b"abc", "bytes 0-2/6"),
    ("bytes=0-2", LAST_MODIFIED, 206, b"abc", "bytes 0-2/6"),
    ("bytes=0-2", EARLIER, 200, b"abcdef", None),
    ("bytes=0-2", "garbage", 200, b"abcdef", None),
]


@pytest.mark.parametrize(
    ("range_", "if_range", "status", "body", "content_range"), RANGE_TABLE
)
@pytest.mark.parametrize("streamed", [False, True])
def test_make_conditional_ranges(
    range_: str,
    if_range: str | None,
    status: int,
    body: bytes,
    content_range: str | None,
    streamed: bool,
) -> None:
    content: t.Any = iter([b"ab", "cd", b"ef"]) if streamed else b"abcdef"
    response = Response(
        content, headers={"ETag": '"abc"', "Last-Modified": LAST_MODIFIED}
    )
    env = environ(HTTP_RANGE=range_)
    if if_range is not None:
        env["HTTP_IF_RANGE"] = if_range
    response.make_conditional(env, accept_ranges=True, complete_length=6)
    assert response.status_code == status
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers.get("Content-Range") == content_range
    sent_status, headers, sent_body = send(response, env)
    assert sent_body == body
    assert headers["Content-Length"] == str(len(body))


def test_range_of_stream_closes_the_original_body() -> None:
    closed: list[bool] = []

    def body() -> t.Iterator[bytes]:
        try:
            yield b"abcdef"
            yield b"ghij"
        finally:
            closed.append(True)

    response = Response(body())
    env = environ(HTTP_RANGE="bytes=1-2")
    response.make_conditional(env, accept_ranges="custom", complete_length=10)
    assert response.headers["Accept-Ranges"] == "custom"
    assert send(response, env)[2] == b"bc"
    assert closed == [True]


@pytest.mark.parametrize(
    "range_", ["bytes=100-", "bytes=0-1,3-4", "garbage", "bytes=5-1"]
)
def test_unsatisfiable_range_is_416(range_: str) -> None:
    response = Response(b"abcdef")
    with pytest.raises(exceptions.RequestedRangeNotSatisfiable) as info:
        response.make_conditional(
            environ(HTTP_RANGE=range_), accept_ranges=True, complete_length=6
        )
    assert info.value.code == 416
    assert dict(info.value.get_headers())["Content-Range"] == "bytes */6"


def test_range_needs_accept_ranges_and_a_length() -> None:
    response = Response(b"abcdef")
    response.make_conditional(environ(HTTP_RANGE="bytes=0-1"))
    assert response.status_code == 200
    assert "Accept-Ranges" not in response.headers
    response.make_conditional(environ(HTTP_RANGE="bytes=0-1"), accept_ranges=True)
    assert response.status_code == 200
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Length"] == "6"


def test_range_wins_over_if_none_match() -> None:
    response = Response(b"abcdef", headers={"ETag": '"abc"'})
    env = environ(HTTP_RANGE="bytes=0-1", HTTP_IF_NONE_MATCH='"abc"')
    response.make_conditional(env, accept_ranges=True, complete_length=6)
    assert response.status_code == 206


def test_weak_response_etag_never_satisfies_if_range() -> None:
    """RFC 9110 §13.1.5: strong comparison (Werkzeug serves the range here)."""
    response = Response(b"abcdef", headers={"ETag": 'W/"abc"'})
    env = environ(HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"abc"')
    response.make_conditional(env, accept_ranges=True, complete_length=6)
    assert response.status_code == 200
    assert send(response, env)[2] == b"abcdef"


def test_make_conditional_sets_content_length_of_sequence() -> None:
    response = Response([b"ab", b"cd"])
    assert "Content-Length" not in response.headers
    response.make_conditional(environ())
    assert response.headers["Content-Length"] == "4"
    streamed = Response(iter([b"ab"]), direct_passthrough=True)
    streamed.make_conditional(environ())
    assert "Content-Length" not in streamed.headers


def test_huge_streamed_range_finishes() -> None:
    chunks = (b"x" * 1024 for _ in range(4096))
    response = Response(chunks)
    env = environ(HTTP_RANGE="bytes=1000-2000999")
    response.make_conditional(env, accept_ranges=True, complete_length=4096 * 1024)
    assert len(send(response, env)[2]) == 2_000_000
