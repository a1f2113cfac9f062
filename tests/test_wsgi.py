"""Tests for erlen.wsgi: closing iterators, host reconstruction, bounded input."""

from __future__ import annotations

import io
import typing as t

import pytest

from erlen import exceptions
from erlen.wsgi import ClosingIterator
from erlen.wsgi import FileWrapper
from erlen.wsgi import LimitedStream
from erlen.wsgi import get_content_length
from erlen.wsgi import get_current_url
from erlen.wsgi import get_host
from erlen.wsgi import get_input_stream
from erlen.wsgi import get_path_info
from erlen.wsgi import responder
from erlen.wsgi import wrap_file

# -- ClosingIterator -----------------------------------------------------------


class _Body:
    def __init__(self, calls: list[str]) -> None:
        self.calls = calls
        self._it = iter([b"a", b"b"])

    def __iter__(self) -> _Body:
        return self

    def __next__(self) -> bytes:
        return next(self._it)

    def close(self) -> None:
        self.calls.append("body")


def test_closing_iterator_closes_body_first_then_callbacks_once() -> None:
    calls: list[str] = []
    it = ClosingIterator(
        _Body(calls), [lambda: calls.append("one"), lambda: calls.append("two")]
    )
    assert iter(it) is it
    assert list(it) == [b"a", b"b"]
    it.close()
    it.close()
    assert calls == ["body", "one", "two"]


@pytest.mark.parametrize(
    ("callbacks", "expected"),
    [(None, []), ("single", ["single"]), ("list", ["list"])],
)
def test_closing_iterator_callback_forms(
    callbacks: str | None, expected: list[str]
) -> None:
    calls: list[str] = []
    arg: t.Any
    if callbacks == "single":
        arg = lambda: calls.append("single")  # noqa: E731 - a bare callable
    elif callbacks == "list":
        arg = (f for f in [lambda: calls.append("list")])
    else:
        arg = None
    it = ClosingIterator([b"x"], arg)
    assert next(it) == b"x"
    it.close()
    assert calls == expected


def test_closing_iterator_runs_every_callback_and_reraises_first_error() -> None:
    calls: list[str] = []

    def fail(name: str) -> t.Callable[[], None]:
        def callback() -> None:
            calls.append(name)
            raise ValueError(name)

        return callback

    it = ClosingIterator([], [fail("a"), fail("b"), lambda: calls.append("c")])
    with pytest.raises(ValueError, match="^a$"):
        it.close()
    assert calls == ["a", "b", "c"]


def test_closing_iterator_lets_base_exceptions_through() -> None:
    def stop() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ClosingIterator([], [stop]).close()


# -- get_host ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"HTTP_HOST": "example.com"}, "example.com"),
        ({"HTTP_HOST": "example.com:80"}, "example.com"),
        ({"HTTP_HOST": "example.com:8080"}, "example.com:8080"),
        ({"HTTP_HOST": "example.com:443"}, "example.com:443"),
        ({"HTTP_HOST": "example.com:443", "wsgi.url_scheme": "https"}, "example.com"),
        ({"HTTP_HOST": "example.com:80", "wsgi.url_scheme": "https"}, "example.com:80"),
        ({"HTTP_HOST": "a:80", "wsgi.url_scheme": "ws"}, "a"),
        ({"HTTP_HOST": "a:443", "wsgi.url_scheme": "wss"}, "a"),
        ({"HTTP_HOST": "[::1]"}, "[::1]"),
        ({"HTTP_HOST": "[::1]:80"}, "[::1]"),
        ({"HTTP_HOST": "[::1]:8080"}, "[::1]:8080"),
        ({"HTTP_HOST": "[::ffff:1.2.3.4]"}, "[::ffff:1.2.3.4]"),
        ({"HTTP_HOST": "1.2.3.4:5"}, "1.2.3.4:5"),
        ({"HTTP_HOST": "A.Example.COM."}, "A.Example.COM."),
        ({"HTTP_HOST": "xn--n3h.com"}, "xn--n3h.com"),
        ({"HTTP_HOST": "a:65535"}, "a:65535"),
        ({"SERVER_NAME": "srv", "SERVER_PORT": "80"}, "srv"),
        ({"SERVER_NAME": "srv", "SERVER_PORT": "8000"}, "srv:8000"),
        ({"SERVER_NAME": "srv"}, "srv"),
        (
            {"SERVER_NAME": "srv", "SERVER_PORT": "443", "wsgi.url_scheme": "https"},
            "srv",
        ),
        ({"SERVER_NAME": "::1", "SERVER_PORT": "8080"}, "[::1]:8080"),
        ({"SERVER_NAME": "::1", "SERVER_PORT": "80"}, "[::1]"),
        ({"SERVER_NAME": "[::1]", "SERVER_PORT": "80"}, "[::1]"),
        ({"HTTP_HOST": "h", "SERVER_NAME": "srv", "SERVER_PORT": "1"}, "h"),
    ],
)
def test_get_host(environ: dict[str, t.Any], expected: str) -> None:
    assert get_host(environ) == expected


@pytest.mark.parametrize(
    "host",
    [
        "",
        "a b",
        "a\tb",
        "a\r\nX-Injected: 1",
        "a\x00",
        "a_b.com",
        "a.com/x",
        "user@a.com",
        "a%41",
        "☃.com",
        "a.com:",
        "a.com:abc",
        "a.com:0",
        "a.com:080",
        "a.com:65536",
        "a.com:999999",
        "a:1:2",
        "[::1",
        "[]",
        "[g::1]",
        "[fe80::1%eth0]",
        " host",
        "host ",
        "a" * 100 + ":" + "9" * 10_000,
    ],
)
def test_get_host_refuses_invalid_hosts(host: str) -> None:
    """COMPAT: Werkzeug 3.1 answers an empty host for an invalid one."""
    assert get_host({"HTTP_HOST": host}) == ""


@pytest.mark.parametrize("name", ["bad host", "a/b", "☃", "a\x00"])
def test_get_host_refuses_invalid_server_name(name: str) -> None:
    assert get_host({"SERVER_NAME": name, "SERVER_PORT": "80"}) == ""


def test_get_host_huge_value_runs_in_linear_time() -> None:
    host = "a." * 2_000_000 + "b"
    assert get_host({"HTTP_HOST": host}) == host
    assert get_host({"HTTP_HOST": "[" + ":" * 2_000_000}) == ""


# -- LimitedStream ---------------------------------------------------------------


def test_limited_stream_stops_at_limit() -> None:
    stream = LimitedStream(io.BytesIO(b"hello world"), 5)
    assert stream.readable()
    assert stream.read(0) == b""
    assert stream.read(2) == b"he"
    assert stream.tell() == 2
    assert [stream.is_exhausted] == [False]
    assert stream.read() == b"llo"
    assert stream.is_exhausted
    assert stream.read() == b""
    assert stream.read(10) == b""


def test_limited_stream_read_none_reads_to_limit() -> None:
    stream = LimitedStream(io.BytesIO(b"x" * 200_000), 150_000)
    assert stream.read(None) == b"x" * 150_000


def test_limited_stream_supports_readline_and_iteration() -> None:
    stream = LimitedStream(io.BytesIO(b"a\nb\nc\nrest"), 6)
    assert stream.readline() == b"a\n"
    assert list(stream) == [b"b\n", b"c\n"]


def test_limited_stream_short_body_is_client_disconnected() -> None:
    stream = LimitedStream(io.BytesIO(b"abc"), 10)
    assert stream.read(3) == b"abc"
    with pytest.raises(exceptions.ClientDisconnected) as info:
        stream.read(1)
    assert info.value.code == 400


def test_limited_stream_max_mode_raises_413_instead_of_truncating() -> None:
    stream = LimitedStream(io.BytesIO(b"abcdef"), 4, is_max=True)
    with pytest.raises(exceptions.RequestEntityTooLarge):
        stream.read()


def test_limited_stream_max_mode_detects_overflow_after_exact_reads() -> None:
    stream = LimitedStream(io.BytesIO(b"abcde"), 4, is_max=True)
    assert stream.read(4) == b"abcd"
    with pytest.raises(exceptions.RequestEntityTooLarge):
        stream.read(1)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 100])
def test_limited_stream_max_mode_allows_body_at_limit(size: int) -> None:
    stream = LimitedStream(io.BytesIO(b"abcd"), 4, is_max=True)
    chunks = []
    while chunk := stream.read(size):
        chunks.append(chunk)
    assert b"".join(chunks) == b"abcd"
    assert stream.read() == b""


def test_limited_stream_max_mode_short_body_is_just_the_end() -> None:
    stream = LimitedStream(io.BytesIO(b"ab"), 10, is_max=True)
    assert stream.read() == b"ab"


# -- get_content_length ------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"CONTENT_LENGTH": ""}, None),
        ({"CONTENT_LENGTH": "0"}, 0),
        ({"CONTENT_LENGTH": "42"}, 42),
        ({"CONTENT_LENGTH": " 7 "}, 7),
        ({"CONTENT_LENGTH": "9" * 19}, int("9" * 19)),
        ({"CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": "chunked"}, None),
        ({"CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": "CHUNKED"}, None),
        ({"CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": "gzip, chunked"}, None),
        ({"CONTENT_LENGTH": "5", "HTTP_TRANSFER_ENCODING": ""}, 5),
    ],
)
def test_get_content_length(environ: dict[str, t.Any], expected: int | None) -> None:
    assert get_content_length(environ) == expected


@pytest.mark.parametrize(
    "raw",
    ["-1", "1e3", "0x10", "+5", "1_000", "٣", "5\x00", "1 2", "9" * 20, "9" * 100_000],
)
def test_get_content_length_refuses_invalid_values(raw: str) -> None:
    """RFC 9112 §6.3: an invalid Content-Length is a 400 (Werkzeug reads 0)."""
    with pytest.raises(exceptions.BadRequest):
        get_content_length({"CONTENT_LENGTH": raw})


# -- get_input_stream ---------------------------------------------------------------


def _environ(body: bytes, **extra: t.Any) -> dict[str, t.Any]:
    return {"wsgi.input": io.BytesIO(body), **extra}


@pytest.mark.parametrize(
    ("extra", "max_length", "expected"),
    [
        ({"CONTENT_LENGTH": "3"}, None, b"hel"),
        ({"CONTENT_LENGTH": "5"}, 5, b"hello"),
        ({}, None, b""),
        ({"CONTENT_LENGTH": ""}, None, b""),
        ({"HTTP_TRANSFER_ENCODING": "chunked"}, None, b""),
        ({"wsgi.input_terminated": True}, None, b"hello"),
        ({"wsgi.input_terminated": True}, 5, b"hello"),
        ({"wsgi.input_terminated": True, "CONTENT_LENGTH": "2"}, None, b"he"),
        (
            {"wsgi.input_terminated": True, "HTTP_TRANSFER_ENCODING": "chunked"},
            None,
            b"hello",
        ),
    ],
)
def test_get_input_stream_bounds(
    extra: dict[str, t.Any], max_length: int | None, expected: bytes
) -> None:
    stream = get_input_stream(_environ(b"hello", **extra), max_length)
    assert stream.read() == expected


@pytest.mark.parametrize(
    "extra",
    [{"CONTENT_LENGTH": "5"}, {"wsgi.input_terminated": True}],
)
def test_get_input_stream_over_max_is_413_never_truncated(
    extra: dict[str, t.Any],
) -> None:
    with pytest.raises(exceptions.RequestEntityTooLarge) as info:
        get_input_stream(_environ(b"hello", **extra), 4).read()
    assert info.value.code == 413


def test_get_input_stream_short_body_is_client_disconnected() -> None:
    with pytest.raises(exceptions.ClientDisconnected):
        get_input_stream(_environ(b"abc", CONTENT_LENGTH="10")).read()


def test_get_input_stream_bad_content_length_is_400() -> None:
    with pytest.raises(exceptions.BadRequest):
        get_input_stream(_environ(b"abc", CONTENT_LENGTH="-1"))


def test_get_input_stream_terminated_without_max_is_the_raw_stream() -> None:
    environ = _environ(b"x", **{"wsgi.input_terminated": True})
    assert get_input_stream(environ) is environ["wsgi.input"]


def test_get_input_stream_large_body_reads_in_bounded_chunks() -> None:
    body = b"z" * (3 * 1024 * 1024)
    environ = _environ(body, CONTENT_LENGTH=str(len(body)))
    assert get_input_stream(environ, len(body)).read() == body


def test_file_wrapper_yields_blocks_and_closes() -> None:
    file = io.BytesIO(b"abcdefg")
    wrapper = FileWrapper(file, 3)
    assert list(wrapper) == [b"abc", b"def", b"g"]
    assert wrapper.seekable()
    wrapper.seek(1)
    assert wrapper.tell() == 1
    assert next(wrapper) == b"bcd"
    wrapper.close()
    assert file.closed


def test_file_wrapper_on_a_minimal_file_object() -> None:
    class ReadOnly:
        def __init__(self) -> None:
            self.data = [b"x", b""]

        def read(self, size: int) -> bytes:
            return self.data.pop(0)

    wrapper = FileWrapper(ReadOnly())  # type: ignore[arg-type]
    assert not wrapper.seekable()
    assert wrapper.tell() is None
    assert list(wrapper) == [b"x"]
    wrapper.close()  # nothing to close


def test_file_wrapper_matches_werkzeug() -> None:
    from werkzeug.wsgi import FileWrapper as Reference

    data = bytes(range(256)) * 40
    assert list(FileWrapper(io.BytesIO(data), 1000)) == list(
        Reference(io.BytesIO(data), 1000)
    )


def test_wrap_file_prefers_the_servers_wrapper() -> None:
    calls: list[tuple[t.Any, int]] = []

    def server_wrapper(file: t.Any, size: int) -> list[bytes]:
        calls.append((file, size))
        return [b"sent"]

    file = io.BytesIO(b"data")
    assert wrap_file({"wsgi.file_wrapper": server_wrapper}, file, 10) == [b"sent"]
    assert calls == [(file, 10)]
    fallback = wrap_file({}, io.BytesIO(b"data"))
    assert isinstance(fallback, FileWrapper)
    assert list(fallback) == [b"data"]


def test_limited_stream_exhaust_returns_the_rest() -> None:
    stream = LimitedStream(io.BytesIO(b"abcdefgh"), 6)
    assert stream.read(2) == b"ab"
    assert stream.exhaust() == b"cdef"
    assert stream.is_exhausted
    assert stream.exhaust() == b""


def test_limited_stream_exhaust_stops_at_a_disconnect() -> None:
    stream = LimitedStream(io.BytesIO(b"abc"), 10)
    assert stream.exhaust() == b"abc"


def test_limited_stream_exhaust_refuses_a_body_over_the_maximum() -> None:
    stream = LimitedStream(io.BytesIO(b"x" * 20), 10, is_max=True)
    with pytest.raises(exceptions.RequestEntityTooLarge):
        stream.exhaust()


@pytest.mark.parametrize("host", ["Example.com:80", "example.com:8080", "[::1]"])
@pytest.mark.parametrize("path", ["/", "/a b", "/%41/x"])
@pytest.mark.parametrize("query", ["", "q=1&r=%20"])
@pytest.mark.parametrize(
    "options",
    [{}, {"root_only": True}, {"host_only": True}, {"strip_querystring": True}],
)
def test_get_current_url_matches_werkzeug(
    host: str, path: str, query: str, options: dict[str, bool]
) -> None:
    from werkzeug.wsgi import get_current_url as reference

    environ = {
        "wsgi.url_scheme": "http",
        "HTTP_HOST": host,
        "SCRIPT_NAME": "/app",
        "PATH_INFO": path,
        "QUERY_STRING": query,
    }
    assert get_current_url(environ, **options) == reference(environ, **options)


def test_get_current_url_checks_trusted_hosts() -> None:
    environ = {"wsgi.url_scheme": "https", "HTTP_HOST": "evil.test", "PATH_INFO": "/"}
    with pytest.raises(exceptions.SecurityError, match="not trusted"):
        get_current_url(environ, trusted_hosts=["good.test"])
    assert get_current_url(environ, trusted_hosts=[".test"]) == "https://evil.test/"


def test_get_path_info_decodes_utf8() -> None:
    assert get_path_info({"PATH_INFO": "/caf\xc3\xa9"}) == "/café"
    assert get_path_info({"PATH_INFO": "/\xff"}) == "/\ufffd"
    assert get_path_info({"PATH_INFO": "/plain"}) == "/plain"
    assert get_path_info({}) == ""


def test_responder_calls_the_returned_application() -> None:
    seen: list[str] = []

    def app(environ: dict[str, t.Any], start_response: t.Any) -> list[bytes]:
        start_response("200 OK", [])
        return [environ["PATH_INFO"].encode()]

    @responder
    def application(environ: dict[str, t.Any], start_response: t.Any) -> t.Any:
        return app

    body = application({"PATH_INFO": "/r"}, lambda s, h: seen.append(s))
    assert body == [b"/r"]
    assert seen == ["200 OK"]
    assert application.__name__ == "application"
