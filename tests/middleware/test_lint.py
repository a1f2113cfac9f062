"""Tests for erlen.middleware.lint.LintMiddleware."""

from __future__ import annotations

import gc
import io
import typing as t
import warnings

import pytest

from erlen import Erlen
from erlen import request
from erlen.middleware.lint import HTTPWarning
from erlen.middleware.lint import LintMiddleware
from erlen.middleware.lint import WSGIWarning
from erlen.middleware.lint import check_type
from erlen.testing import ErlenClient

Environ = dict[str, t.Any]
App = t.Callable[[Environ, t.Any], t.Any]
Caught = list[tuple[str, str]]


def _environ(**extra: t.Any) -> Environ:
    environ: Environ = {
        "REQUEST_METHOD": "GET",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b"line one\nline two\n"),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    environ.update(extra)
    return environ


def _server_start_response(*args: t.Any, **kwargs: t.Any) -> t.Any:
    return lambda data: None


def _respond(
    status: t.Any = "200 OK",
    headers: t.Any = None,
    body: t.Any = (b"x",),
) -> App:
    def app(environ: Environ, start_response: t.Any) -> t.Any:
        start_response(
            status, [("Content-Type", "text/plain")] if headers is None else headers
        )
        return list(body) if isinstance(body, tuple) else body

    return app


def _run(
    middleware_class: t.Any,
    app: App,
    environ: t.Any = None,
    consume: bool = True,
) -> Caught:
    """Run one request and return the (category, message) of every warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        body = middleware_class(app)(
            _environ() if environ is None else environ, _server_start_response
        )
        if consume:
            for _ in body:
                pass
        body.close()
    return [(w.category.__name__, str(w.message)) for w in caught]


W = "WSGIWarning"
H = "HTTPWarning"
_NOT_MATCHING = (
    "Content-Length and the number of bytes sent to the client do not match."
)

# Cases where erlen and Werkzeug report exactly the same warnings.
SHARED_CASES: list[tuple[str, App, Caught]] = [
    ("clean", _respond(), []),
    ("clean streaming", _respond(body=iter([b"a", b"b"])), []),
    (
        "two-digit status",
        _respond(status="20 OK"),
        [
            (W, "Status code must be three digits."),
            (
                W,
                "Invalid value for status '20 OK'. Valid status strings are three"
                " digits, a space and a status explanation.",
            ),
            (W, "Status code < 100 detected."),
        ],
    ),
    (
        "no reason phrase",
        _respond(status="200"),
        [
            (
                W,
                "Invalid value for status '200'. Valid status strings are three"
                " digits, a space and a status explanation.",
            )
        ],
    ),
    (
        "tab instead of space",
        _respond(status="200\tOK"),
        [
            (
                W,
                "Invalid value for status '200\\tOK'. Valid status strings are"
                " three digits, a space and a status explanation.",
            )
        ],
    ),
    ("empty reason phrase", _respond(status="200 "), []),
    (
        "code below 100",
        _respond(status="099 X", body=()),
        [(W, "Status code < 100 detected.")],
    ),
    (
        "headers as tuple",
        _respond(headers=(("A", "b"),)),
        [(W, "Header list is not a list.")],
    ),
    (
        "header as list",
        _respond(headers=[["A", "b"]]),
        [(W, "Header items must be 2-item tuples.")],
    ),
    (
        "bytes header",
        _respond(headers=[(b"A", b"b")]),
        [(W, "Header keys and values must be strings.")],
    ),
    (
        "status header",
        _respond(headers=[("Status", "200")]),
        [(W, "The status header is not supported due to conflicts with the CGI spec.")],
    ),
    (
        "unquoted etag",
        _respond(headers=[("ETag", "abc")]),
        [(H, "Unquoted etag emitted.")],
    ),
    (
        "unquoted weak etag",
        _respond(headers=[("ETag", "W/abc")]),
        [(H, "Unquoted etag emitted.")],
    ),
    (
        "half-quoted etag",
        _respond(headers=[("ETag", '"abc')]),
        [(H, "Unquoted etag emitted.")],
    ),
    (
        "lower-case weak etag",
        _respond(headers=[("ETag", 'w/"abc"')]),
        [(H, "Weak etag indicator should be upper case.")],
    ),
    ("weak etag", _respond(headers=[("ETag", 'W/"abc"')]), []),
    (
        "relative location",
        _respond(headers=[("Location", "/x")]),
        [(H, "Absolute URLs required for location header.")],
    ),
    (
        "lower-case location name",
        _respond(headers=[("location", "mailto:x")]),
        [(H, "Absolute URLs required for location header.")],
    ),
    ("absolute location", _respond(headers=[("Location", "http://h/x")]), []),
    ("scheme-relative location", _respond(headers=[("Location", "//h/x")]), []),
    (
        "304 with a body",
        _respond(status="304 Not Modified", headers=[], body=(b"x",)),
        [(H, "304 responses must not have a body.")],
    ),
    (
        "304 with content headers",
        _respond(
            status="304 Not Modified",
            headers=[
                ("Content-Type", "text/plain"),
                ("Expires", "x"),
                ("Content-Location", "/"),
            ],
            body=(),
        ),
        [(H, "Entity header 'content-type' found in 304 response.")],
    ),
    (
        "204 with a body",
        _respond(
            status="204 No Content", headers=[("Content-Length", "0")], body=(b"x",)
        ),
        [(H, "204 responses must not have a body.")],
    ),
    (
        "204 with a length",
        _respond(status="204 No Content", headers=[("Content-Length", "5")], body=()),
        [(H, "204 responses must have an empty content length.")],
    ),
    (
        "length matches",
        _respond(headers=[("Content-Length", "3")], body=(b"a", b"bc")),
        [],
    ),
    ("length short", _respond(headers=[("Content-Length", "5")]), [(W, _NOT_MATCHING)]),
    ("length long", _respond(headers=[("Content-Length", "0")]), [(W, _NOT_MATCHING)]),
    ("length unreadable", _respond(headers=[("Content-Length", "abc")]), []),
    (
        "str items",
        _respond(body=("abc",)),
        [(W, "'application iterator items' requires 'bytes', got 'str'.")],
    ),
    (
        "bytearray items",
        _respond(body=(bytearray(b"x"),)),
        [(W, "'application iterator items' requires 'bytes', got 'bytearray'.")],
    ),
    (
        "str returned",
        _respond(body="ab"),
        [
            (
                W,
                "The application returned a string. The response will send one"
                " character at a time to the client, which will kill performance."
                " Return a list or iterable instead.",
            ),
            (W, "'application iterator items' requires 'bytes', got 'str'."),
            (W, "'application iterator items' requires 'bytes', got 'str'."),
        ],
    ),
]


@pytest.mark.parametrize(
    ("app", "expected"),
    [case[1:] for case in SHARED_CASES],
    ids=[case[0] for case in SHARED_CASES],
)
def test_reports(app: App, expected: Caught) -> None:
    assert _run(LintMiddleware, app) == expected


@pytest.mark.parametrize(
    ("app", "expected"),
    [case[1:] for case in SHARED_CASES],
    ids=[case[0] for case in SHARED_CASES],
)
def test_reports_match_werkzeug(app: App, expected: Caught) -> None:
    from werkzeug.middleware.lint import LintMiddleware as Reference

    assert _run(Reference, app) == expected


def _before_response(environ: Environ, start_response: t.Any) -> t.Iterator[bytes]:
    yield b""
    start_response("200 OK", [])
    yield b"x"


def _head_app(environ: Environ, start_response: t.Any) -> list[bytes]:
    start_response("200 OK", [("Content-Length", "5")])
    return []


# Where erlen deliberately differs from Werkzeug (see the class note): it warns
# instead of raising, and it skips checks that flag valid HTTP.
OWN_CASES: list[tuple[str, App, t.Any, Caught]] = [
    (
        "int status does not crash",
        _respond(status=200),
        None,
        [(W, "'status' requires 'str', got 'int'.")],
    ),
    (
        "non-numeric status does not crash",
        _respond(status="abc"),
        None,
        [
            (W, "Status code must be three digits."),
            (
                W,
                "Invalid value for status 'abc'. Valid status strings are three"
                " digits, a space and a status explanation.",
            ),
        ],
    ),
    (
        "blank status",
        _respond(status=""),
        None,
        [
            (W, "Status code must be three digits."),
            (
                W,
                "Invalid value for status ''. Valid status strings are three"
                " digits, a space and a status explanation.",
            ),
        ],
    ),
    (
        "four-digit status has no code",
        _respond(status="1000 X", headers=[("Content-Length", "9")]),
        None,
        [
            (W, "Status code must be three digits."),
            (
                W,
                "Invalid value for status '1000 X'. Valid status strings are three"
                " digits, a space and a status explanation.",
            ),
        ],
    ),
    (
        "non-ASCII digits",
        _respond(status="２００ OK"),
        None,
        [(W, "Status code must be three digits.")],
    ),
    (
        "three-item header does not crash",
        _respond(headers=[("A", "b", "c")]),
        None,
        [(W, "Header items must be 2-item tuples.")],
    ),
    (
        "header list that is not iterable",
        _respond(headers=5),
        None,
        [(W, "Header list is not a list.")],
    ),
    (
        "header value with a newline",
        _respond(headers=[("X", "a\r\nSet-Cookie: x=1")]),
        None,
        [(W, "The value of header 'X' contains CR, LF or NUL.")],
    ),
    (
        "header value with NUL",
        _respond(headers=[("X", "a\x00b")]),
        None,
        [(W, "The value of header 'X' contains CR, LF or NUL.")],
    ),
    ("header value with a tab", _respond(headers=[("X", "a\tb")]), None, []),
    (
        "header name with a space",
        _respond(headers=[("X Y", "a")]),
        None,
        [(W, "Invalid header name 'X Y'.")],
    ),
    (
        "empty header name",
        _respond(headers=[("", "a")]),
        None,
        [(W, "Invalid header name ''.")],
    ),
    (
        "204 without a length",
        _respond(status="204 No Content", headers=[], body=()),
        None,
        [],
    ),
    (
        "204 with length 0",
        _respond(status="204 X", headers=[("Content-Length", "0")], body=()),
        None,
        [],
    ),
    ("HEAD announces the GET length", _head_app, _environ(REQUEST_METHOD="HEAD"), []),
    (
        "304 announces the GET length",
        _respond(status="304 Not Modified", headers=[("ETag", '"a"')], body=()),
        None,
        [],
    ),
    (
        "bytes returned",
        _respond(body=b"ab"),
        None,
        [
            (
                W,
                "The application returned bytes. Iterating them gives integers,"
                " not byte strings. Return a list or iterable instead.",
            ),
            (W, "'application iterator items' requires 'bytes', got 'int'."),
            (W, "'application iterator items' requires 'bytes', got 'int'."),
        ],
    ),
    (
        "body before start_response",
        _before_response,
        None,
        [(W, "The application returned before it started the response.")],
    ),
]


@pytest.mark.parametrize(
    ("app", "environ", "expected"),
    [case[1:] for case in OWN_CASES],
    ids=[case[0] for case in OWN_CASES],
)
def test_reports_without_failing(app: App, environ: t.Any, expected: Caught) -> None:
    assert _run(LintMiddleware, app, environ) == expected


def test_environ_checks() -> None:
    environ = _environ(SCRIPT_NAME="x", PATH_INFO="y")
    environ["wsgi.version"] = (1, 1)
    del environ["SERVER_NAME"]
    del environ["wsgi.run_once"]
    assert _run(LintMiddleware, _respond(), environ) == [
        (W, "Required environment key 'SERVER_NAME' not found"),
        (W, "Required environment key 'wsgi.run_once' not found"),
        (W, "Environ is not a WSGI 1.0 environ."),
        (W, "'SCRIPT_NAME' does not start with a slash: 'x'"),
        (W, "'PATH_INFO' does not start with a slash: 'y'"),
    ]


def test_environ_path_that_is_not_str() -> None:
    assert _run(LintMiddleware, _respond(), _environ(PATH_INFO=b"/")) == [
        (W, "'PATH_INFO' requires 'str', got 'bytes'.")
    ]


def test_environ_without_streams_is_passed_on() -> None:
    environ = _environ()
    del environ["wsgi.input"]
    del environ["wsgi.errors"]
    assert _run(LintMiddleware, _respond(), environ) == [
        (W, "Required environment key 'wsgi.input' not found"),
        (W, "Required environment key 'wsgi.errors' not found"),
    ]


class _ReadOnlyEnviron(t.Mapping[str, t.Any]):
    def __init__(self, data: Environ) -> None:
        self._data = data

    def __getitem__(self, key: str) -> t.Any:
        return self._data[key]

    def __iter__(self) -> t.Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


def test_environ_that_is_not_a_dict() -> None:
    seen: list[object] = []

    def app(environ: t.Any, start_response: t.Any) -> list[bytes]:
        seen.append(environ)
        start_response("200 OK", [])
        return [b"x"]

    read_only = _ReadOnlyEnviron(_environ())
    assert _run(LintMiddleware, app, read_only) == [
        (W, "WSGI environment is not a standard Python dict.")
    ]
    assert seen == [read_only]
    assert _run(LintMiddleware, app, [("a", 1)]) == [
        (W, "WSGI environment is not a standard Python dict.")
    ]


def test_app_call_signature() -> None:
    middleware: t.Any = LintMiddleware(_respond())
    with pytest.warns(WSGIWarning, match="does not take keyword arguments"):
        body = middleware(_environ(), _server_start_response, extra=1)
    body.close()
    with pytest.warns(WSGIWarning, match="takes two arguments"):
        body = middleware(_environ(), _server_start_response, None)
    body.close()
    with pytest.warns(WSGIWarning, match="takes two arguments"):
        with pytest.raises(TypeError, match="got 1 positional"):
            middleware(_environ())


def _calling(*args: t.Any, **kwargs: t.Any) -> App:
    def app(environ: Environ, start_response: t.Any) -> list[bytes]:
        start_response(*args, **kwargs)
        return []

    return app


@pytest.mark.parametrize(
    ("app", "expected"),
    [
        (_calling("200 OK"), [(W, "Invalid number of arguments: 1, expected 2 or 3.")]),
        (
            _calling(status="200 OK", headers=[]),
            [
                (W, "Invalid number of arguments: 0, expected 2 or 3."),
                (W, "'start_response' does not take keyword arguments."),
            ],
        ),
        (_calling("200 OK", [], None), []),
        (_calling("200 OK", [], (None, None, None)), []),
        (_calling("200 OK", [], 5), [(W, "Invalid value for exc_info.")]),
    ],
)
def test_start_response_signature(app: App, expected: Caught) -> None:
    assert _run(LintMiddleware, app) == expected


def test_start_response_reaches_the_server_unchanged() -> None:
    calls: list[tuple[t.Any, ...]] = []

    def server(*args: t.Any) -> t.Any:
        calls.append(args)
        return lambda data: calls.append(("write", data))

    def app(environ: Environ, start_response: t.Any) -> list[bytes]:
        write = start_response("201 Created", [("X", "1")])
        write(b"early")
        return [b"late"]

    body: t.Any = LintMiddleware(app)(_environ(), server)
    assert list(body) == [b"late"]
    body.close()
    assert calls == [("201 Created", [("X", "1")]), ("write", b"early")]


def test_write_checks_bytes_and_counts_length() -> None:
    def app(environ: Environ, start_response: t.Any) -> list[bytes]:
        write = start_response("200 OK", [("Content-Length", "4")])
        write(b"ab")
        write("cd")
        return []

    assert _run(LintMiddleware, app) == [
        (W, "'write()' requires 'bytes', got 'str'."),
        (W, _NOT_MATCHING),
    ]


def _using_input(action: t.Callable[[t.Any], t.Any]) -> App:
    def app(environ: Environ, start_response: t.Any) -> list[bytes]:
        environ["erlen.test.result"] = action(environ["wsgi.input"])
        start_response("200 OK", [])
        return []

    return app


@pytest.mark.parametrize(
    ("action", "result", "expected"),
    [
        (lambda s: s.read(4), b"line", []),
        (lambda s: s.read(-1), b"line one\nline two\n", []),
        (
            lambda s: s.read(),
            b"line one\nline two\n",
            [
                (
                    W,
                    "WSGI does not guarantee an EOF marker on the input stream, thus"
                    " making calls to 'wsgi.input.read()' unsafe. Conforming servers"
                    " may never return from this call.",
                )
            ],
        ),
        (
            lambda s: s.readline(),
            b"line one\n",
            [
                (
                    W,
                    "Calls to 'wsgi.input.readline()' without arguments are unsafe."
                    " Use 'wsgi.input.read()' instead.",
                )
            ],
        ),
        (
            lambda s: s.readline(4),
            b"line",
            [
                (
                    W,
                    "'wsgi.input.readline()' was called with a size hint. WSGI does"
                    " not support this, although it's available on all major"
                    " servers.",
                )
            ],
        ),
        (lambda s: list(s), [b"line one\n", b"line two\n"], []),
        (lambda s: s.close(), None, [(W, "The application closed the input stream!")]),
    ],
)
def test_input_stream(
    action: t.Callable[[t.Any], t.Any], result: t.Any, expected: Caught
) -> None:
    environ = _environ()
    assert _run(LintMiddleware, _using_input(action), environ) == expected
    assert environ["erlen.test.result"] == result


def test_input_stream_bad_arguments() -> None:
    with pytest.warns(WSGIWarning, match="Too many parameters"):
        with pytest.raises(TypeError):
            _run_strict(_using_input(lambda s: s.read(1, 2)))
    with pytest.raises(TypeError, match="Too many arguments"):
        _run_strict(_using_input(lambda s: s.readline(1, 2)))


def _run_strict(app: App, environ: Environ | None = None) -> list[bytes]:
    body: t.Any = LintMiddleware(app)(environ or _environ(), _server_start_response)
    try:
        return list(body)
    finally:
        body.close()


def test_error_stream() -> None:
    environ = _environ()
    errors = environ["wsgi.errors"]

    def app(environ: Environ, start_response: t.Any) -> list[bytes]:
        stream = environ["wsgi.errors"]
        stream.write("one\n")
        stream.writelines(["two\n", "three\n"])
        stream.flush()
        start_response("200 OK", [])
        return []

    assert _run_strict(app, environ) == []
    assert errors.getvalue() == "one\ntwo\nthree\n"

    def bad(environ: Environ, start_response: t.Any) -> list[bytes]:
        environ["wsgi.errors"].write(b"bytes")
        return []

    with pytest.warns(WSGIWarning, match="'wsgi.error.write\\(\\)' requires 'str'"):
        with pytest.raises(TypeError):
            _run_strict(bad)

    def closing(environ: Environ, start_response: t.Any) -> list[bytes]:
        environ["wsgi.errors"].close()
        start_response("200 OK", [])
        return []

    environ = _environ()
    with pytest.warns(WSGIWarning, match="closed the error stream"):
        _run_strict(closing, environ)
    assert environ["wsgi.errors"]._stream.closed


class _Body:
    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = False

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed = True


def test_close_reaches_the_app_iterable() -> None:
    inner = _Body([b"a"])

    def app(environ: Environ, start_response: t.Any) -> _Body:
        start_response("200 OK", [])
        return inner

    assert _run_strict(app) == [b"a"]
    assert inner.closed


def test_iterating_after_close_warns() -> None:
    body: t.Any = LintMiddleware(_respond(body=(b"a", b"b")))(
        _environ(), _server_start_response
    )
    assert next(body) == b"a"
    body.close()
    with pytest.warns(WSGIWarning, match="Iterated over closed 'app_iter'"):
        assert next(body) == b"b"


def test_unclosed_iterator_warns_when_collected() -> None:
    body = LintMiddleware(_respond())(_environ(), _server_start_response)
    assert list(body) == [b"x"]
    with pytest.warns(WSGIWarning, match="garbage collected before it was closed"):
        del body
        gc.collect()


def test_check_type() -> None:
    assert check_type("thing", "x") is True
    assert check_type("thing", b"x", bytes) is True
    with pytest.warns(WSGIWarning, match="'thing' requires 'bytes', got 'bytearray'"):
        assert check_type("thing", bytearray(b"x"), bytes) is False


def test_warning_classes() -> None:
    assert issubclass(WSGIWarning, Warning)
    assert issubclass(HTTPWarning, Warning)
    assert not issubclass(WSGIWarning, HTTPWarning)


def test_erlen_app_is_lint_clean(app: Erlen, client: ErlenClient) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        return "posted " + t.cast(str, request.get_data(as_text=True))

    app.wsgi_app = LintMiddleware(app.wsgi_app)  # type: ignore[method-assign]
    with client.post("/", data="hello") as rv:
        assert rv.status_code == 200
        assert rv.data == b"posted hello"


# Hostile: large but linear work; nothing here may hang or fail.
def test_many_headers_and_chunks_are_checked_in_one_pass() -> None:
    headers = [(f"X-{index}", "v" * 20) for index in range(100_000)]
    chunks = [b"x"] * 200_000
    app = _respond(
        headers=headers + [("Content-Length", str(len(chunks)))], body=tuple(chunks)
    )
    assert _run(LintMiddleware, app) == []


def test_huge_header_values() -> None:
    huge = "a" * 3_000_000
    app = _respond(headers=[("ETag", huge), ("Location", huge), ("X", huge + "\n")])
    assert _run(LintMiddleware, app) == [
        (W, "The value of header 'X' contains CR, LF or NUL."),
        (H, "Unquoted etag emitted."),
        (H, "Absolute URLs required for location header."),
    ]
