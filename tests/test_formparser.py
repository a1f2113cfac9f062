"""Tests for erlen.formparser and form/file bodies through the app."""

from __future__ import annotations

import io
import json
import tempfile
import typing as t

import pytest

import erlen
from erlen import Erlen
from erlen.datastructures import FileStorage
from erlen.datastructures import ImmutableMultiDict
from erlen.datastructures import MultiDict
from erlen.exceptions import BadRequest
from erlen.exceptions import RequestEntityTooLarge
from erlen.formparser import CHUNK_SIZE
from erlen.formparser import SPOOL_THRESHOLD
from erlen.formparser import FormDataParser
from erlen.formparser import default_stream_factory
from erlen.formparser import parse_form_data
from erlen.http.errors import MalformedError

MULTIPART = "multipart/form-data"
URLENCODED = "application/x-www-form-urlencoded"


def part(
    name: str, value: bytes, filename: str | None = None, extra: str = ""
) -> bytes:
    head = f'--B\r\nContent-Disposition: form-data; name="{name}"'
    if filename is not None:
        head += f'; filename="{filename}"'
    return (head + "\r\n" + extra + "\r\n").encode() + value + b"\r\n"


def parse(
    body: bytes,
    mimetype: str = MULTIPART,
    options: dict[str, str] | None = None,
    **kwargs: t.Any,
) -> tuple[t.IO[bytes], MultiDict[str, t.Any], MultiDict[str, t.Any]]:
    if options is None:
        options = {"boundary": "B"}
    return FormDataParser(**kwargs).parse(
        io.BytesIO(body), mimetype, len(body), options
    )


def test_can_parse() -> None:
    parser = FormDataParser()
    assert parser.can_parse(MULTIPART)
    assert parser.can_parse(URLENCODED)
    assert parser.can_parse("Multipart/Form-Data")
    assert not parser.can_parse("application/json")
    assert not parser.can_parse("multipart/mixed")
    assert not parser.can_parse("application/x-url-encoded")


def test_parse_multipart_fields_and_files() -> None:
    body = (
        part("a", b"1")
        + part("a", "é".encode())
        + part("f", b"file data", "x.txt", "Content-Type: text/plain\r\n")
        + b"--B--\r\n"
    )
    _stream, form, files = parse(body)
    assert type(form) is MultiDict
    assert form.getlist("a") == ["1", "é"]
    storage = files["f"]
    assert isinstance(storage, FileStorage)
    assert storage.filename == "x.txt"
    assert storage.name == "f"
    assert storage.content_type == "text/plain"
    assert storage.mimetype == "text/plain"
    assert type(storage.stream) is io.BytesIO
    assert storage.read() == b"file data"


def test_text_is_utf8_whatever_charset_says() -> None:
    # COMPAT: as Werkzeug 3.1, neither a part charset nor _charset_ is used.
    body = (
        part("_charset_", b"latin-1")
        + part("a", b"\xe9", extra="Content-Type: text/plain; charset=latin-1\r\n")
        + b"--B--"
    )
    form = parse(body)[1]
    assert form["a"] == "\ufffd"
    assert form["_charset_"] == "latin-1"


def test_parse_urlencoded() -> None:
    stream, form, files = parse(
        b"a=1&b=x+y&a=%C3%A9", URLENCODED, cls=ImmutableMultiDict
    )
    assert type(form) is ImmutableMultiDict
    assert form.getlist("a") == ["1", "é"]
    assert form["b"] == "x y"
    assert not files
    assert stream.read() == b""


@pytest.mark.parametrize("declared", [True, False])
def test_parse_urlencoded_streamed_and_whole(declared: bool) -> None:
    # Over CHUNK_SIZE, or without a length, the body is decoded chunk by chunk.
    body = b"&".join(b"k%d=%s" % (i, b"v" * 50) for i in range(3000))
    parser = FormDataParser()
    _, form, _ = parser.parse(
        io.BytesIO(body), URLENCODED, len(body) if declared else None, {}
    )
    assert len(form) == 3000
    assert form["k2999"] == "v" * 50


def test_other_mimetypes_are_left_unread() -> None:
    stream, form, files = parse(b'{"a": 1}', "application/json")
    assert not form and not files
    assert stream.read() == b'{"a": 1}'


def test_empty_multipart_body_is_an_empty_form() -> None:
    _stream, form, files = parse(b"")
    assert not form and not files


def test_large_upload_spills_to_a_temporary_file() -> None:
    small = b"s" * 100_000
    big = b"b" * (SPOOL_THRESHOLD + 1)
    body = part("small", small, "s.bin") + part("big", big, "b.bin") + b"--B--"
    files = parse(body)[2]
    assert type(files["small"].stream) is io.BytesIO
    assert files["small"].read() == small
    assert not isinstance(files["big"].stream, io.BytesIO)
    assert files["big"].read() == big
    files["big"].close()


def test_custom_stream_factory() -> None:
    calls: list[tuple[t.Any, ...]] = []

    def factory(
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None,
        content_length: int | None = None,
    ) -> t.IO[bytes]:
        calls.append((total_content_length, content_type, filename, content_length))
        return io.BytesIO()

    body = (
        part("f", b"abc", "a.txt", "Content-Type: text/x\r\nContent-Length: 3\r\n")
        + part("g", b"", "g")
        + b"--B--"
    )
    files = parse(body, stream_factory=factory)[2]
    assert calls == [(len(body), "text/x", "a.txt", 3), (len(body), None, "g", None)]
    assert files["f"].read() == b"abc"
    assert files["f"].content_length == 3


def test_default_stream_factory() -> None:
    assert type(default_stream_factory(10, None, None)) is io.BytesIO
    spooled = default_stream_factory(None, None, None)
    assert isinstance(spooled, tempfile.SpooledTemporaryFile)
    spooled.close()


class _Tracker(io.BytesIO):
    opened: t.ClassVar[list[_Tracker]] = []

    def __init__(self) -> None:
        super().__init__()
        self.opened.append(self)


def test_files_are_closed_when_parsing_fails() -> None:
    _Tracker.opened.clear()
    body = part("f", b"done", "f") + part("g", b"truncated", "g")

    def factory(*args: t.Any, **kwargs: t.Any) -> t.IO[bytes]:
        return _Tracker()

    with pytest.raises(BadRequest):
        parse(body, stream_factory=factory)
    assert len(_Tracker.opened) == 2
    assert all(stream.closed for stream in _Tracker.opened)


@pytest.mark.parametrize(
    ("body", "mimetype", "options", "kwargs", "error"),
    [
        (b"--B\r\n", MULTIPART, None, {}, BadRequest),
        (part("a", b"x"), MULTIPART, None, {}, BadRequest),
        (part("a", b"x") + b"--B--", MULTIPART, {}, {}, BadRequest),
        (part("a", b"x") + b"--B--", MULTIPART, {"boundary": "é"}, {}, BadRequest),
        (b"garbage", MULTIPART, None, {}, BadRequest),
        (
            part("a", b"x" * 11) + b"--B--",
            MULTIPART,
            None,
            {"max_form_memory_size": 10},
            RequestEntityTooLarge,
        ),
        (
            part("a", b"x") * 3 + b"--B--",
            MULTIPART,
            None,
            {"max_form_parts": 2},
            RequestEntityTooLarge,
        ),
        (
            b"a=1&b=2&c=3",
            URLENCODED,
            None,
            {"max_form_parts": 2},
            RequestEntityTooLarge,
        ),
        (
            b"a=" + b"x" * 20,
            URLENCODED,
            None,
            {"max_form_memory_size": 10},
            RequestEntityTooLarge,
        ),
        (
            b"a=1",
            URLENCODED,
            None,
            {"max_content_length": 2},
            RequestEntityTooLarge,
        ),
    ],
)
def test_errors_become_http_exceptions(
    body: bytes,
    mimetype: str,
    options: dict[str, str] | None,
    kwargs: dict[str, t.Any],
    error: type[Exception],
) -> None:
    with pytest.raises(error):
        parse(body, mimetype, options, **kwargs)


def test_not_silent_lets_malformed_errors_through() -> None:
    with pytest.raises(MalformedError):
        parse(b"--B\r\n", silent=False)
    # Limits are HTTP errors either way.
    with pytest.raises(RequestEntityTooLarge):
        parse(part("a", b"xx") + b"--B--", silent=False, max_form_memory_size=1)


def _environ(body: bytes, content_type: str, **extra: t.Any) -> dict[str, t.Any]:
    environ = {
        "REQUEST_METHOD": "POST",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    environ.update(extra)
    return environ


def test_parse_form_data() -> None:
    environ = _environ(
        part("a", b"1") + part("f", b"x", "f.txt") + b"--B--",
        "multipart/form-data; boundary=B",
    )
    _stream, form, files = parse_form_data(environ)
    assert form["a"] == "1"
    assert files["f"].read() == b"x"
    environ = _environ(b"a=1", "application/x-www-form-urlencoded; charset=utf-8")
    assert parse_form_data(environ, cls=ImmutableMultiDict)[1] == {"a": ["1"]}
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(_environ(b"a=1", URLENCODED), max_content_length=1)


def test_chunked_body_over_max_content_length() -> None:
    environ = _environ(
        b"a=" + b"x" * 100, URLENCODED, **{"wsgi.input_terminated": True}
    )
    del environ["CONTENT_LENGTH"]
    with pytest.raises(RequestEntityTooLarge):
        parse_form_data(environ, max_content_length=50)


@pytest.mark.parametrize(
    ("size", "declared", "largest_read"),
    [
        # A declared length up to SPOOL_THRESHOLD is read in one call.
        (300_000, True, None),
        (SPOOL_THRESHOLD - 100, True, None),
        # Larger or undeclared bodies are read CHUNK_SIZE at a time.
        (SPOOL_THRESHOLD + 1, True, CHUNK_SIZE),
        (300_000, False, CHUNK_SIZE),
    ],
)
def test_stream_is_read_in_bounded_chunks(
    size: int, declared: bool, largest_read: int | None
) -> None:
    sizes: list[int] = []

    class Recording(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            sizes.append(-1 if size is None else size)
            return super().read(size)

    content = b"x" * (size - len(part("f", b"", "f") + b"--B--"))
    body = part("f", content, "f") + b"--B--"
    length = len(body) if declared else None
    _, _, files = FormDataParser().parse(
        Recording(body), MULTIPART, length, {"boundary": "B"}
    )
    assert files["f"].read() == content
    if largest_read is None:
        assert sizes == [len(body)]
    else:
        assert sizes and all(0 < size <= largest_read for size in sizes)


def test_epilogue_is_not_read() -> None:
    body = part("a", b"1") + b"--B--\r\n"
    stream = io.BytesIO(body + b"garbage" * 100_000)
    FormDataParser().parse(stream, MULTIPART, None, {"boundary": "B"})
    assert stream.tell() <= len(body) + 64 * 1024


# -- through the app ----------------------------------------------------------


@pytest.fixture
def echo(app: Erlen) -> Erlen:
    @app.post("/")
    def view() -> t.Any:
        files = [
            [key, value.filename, value.read().decode("latin-1"), value.content_type]
            for key, value in erlen.request.files.items(multi=True)
        ]
        return {"form": list(erlen.request.form.items(multi=True)), "files": files}

    return app


def test_upload_through_the_client(echo: Erlen) -> None:
    rv = echo.test_client().post(
        "/",
        data={
            "a": ["1", "2"],
            "file": (io.BytesIO(b"content"), "name.txt"),
            "other": (io.BytesIO(b"\x00\xff"), "data.bin", "application/x-thing"),
        },
    )
    assert rv.status_code == 200
    assert rv.json == {
        "form": [["a", "1"], ["a", "2"]],
        "files": [
            ["file", "name.txt", "content", "text/plain"],
            ["other", "data.bin", "\x00\xff", "application/x-thing"],
        ],
    }


def test_request_limits_come_from_config(echo: Erlen) -> None:
    client = echo.test_client()
    echo.config["MAX_FORM_MEMORY_SIZE"] = 10
    # A urlencoded field counts as its encoded "key=value" piece.
    assert client.post("/", data={"a": "x" * 9}).status_code == 413
    assert client.post("/", data={"a": "x" * 8}).status_code == 200
    file_body = part("a", b"x" * 10) + b"--B--"
    multipart = "multipart/form-data; boundary=B"
    assert client.post("/", data=file_body, content_type=multipart).status_code == 200
    echo.config["MAX_FORM_PARTS"] = 2
    assert client.post("/", data={"a": ["1", "2", "3"]}).status_code == 413
    echo.config["MAX_CONTENT_LENGTH"] = 5
    assert client.post("/", data={"a": "123456"}).status_code == 413


def _flask_echo() -> t.Any:
    import flask

    app = flask.Flask("flask_echo")

    @app.post("/")
    def view() -> t.Any:
        files = [
            [key, value.filename, value.read().decode("latin-1"), value.content_type]
            for key, value in flask.request.files.items(multi=True)
        ]
        return {"form": list(flask.request.form.items(multi=True)), "files": files}

    @app.post("/json")
    def json_view() -> t.Any:
        return {"json": flask.request.get_json()}

    return app


DIFF_CASES: list[tuple[str, bytes, str, dict[str, t.Any]]] = [
    ("/", b"a=1&b=x+y&c=%C3%A9&d&a=2", URLENCODED, {}),
    ("/", b"", URLENCODED, {}),
    ("/", part("a", b"1") + part("f", b"hi", "f.txt") + b"--B--\r\n", MULTIPART, {}),
    ("/", part("f", b"", "") + b"--B--", MULTIPART, {}),
    ("/", b"--B--\r\n", MULTIPART, {}),
    ("/", b"", MULTIPART, {}),
    ("/", part("a", b"x" * 20) + b"--B--", MULTIPART, {"MAX_FORM_MEMORY_SIZE": 10}),
    ("/", part("a", b"1") * 4 + b"--B--", MULTIPART, {"MAX_FORM_PARTS": 3}),
    ("/", part("a", b"1") * 3 + b"--B--", MULTIPART, {"MAX_FORM_PARTS": 3}),
    ("/", b"a=123456789", URLENCODED, {"MAX_CONTENT_LENGTH": 5}),
    ("/", b"a=1", "text/plain", {}),
    ("/json", b'{"a": [1, 2]}', "application/json", {}),
    ("/json", b"{not json", "application/json", {}),
    ("/json", b"{}", "text/plain", {}),
]


@pytest.mark.parametrize(("url", "body", "mimetype", "config"), DIFF_CASES)
def test_bodies_match_flask(
    app: Erlen, url: str, body: bytes, mimetype: str, config: dict[str, t.Any]
) -> None:
    @app.post("/")
    def view() -> t.Any:
        files = [
            [key, value.filename, value.read().decode("latin-1"), value.content_type]
            for key, value in erlen.request.files.items(multi=True)
        ]
        return {"form": list(erlen.request.form.items(multi=True)), "files": files}

    @app.post("/json")
    def json_view() -> t.Any:
        return {"json": erlen.request.get_json()}

    flask_app = _flask_echo()
    content_type = mimetype + ("; boundary=B" if mimetype == MULTIPART else "")
    results = []
    for each in (flask_app, app):
        each.config.update(config)
        rv = each.test_client().post(url, data=body, content_type=content_type)
        data = json.loads(rv.data) if rv.status_code == 200 else None
        results.append((rv.status_code, data))
    assert results[1] == results[0]


@pytest.mark.parametrize(
    "body",
    [
        part("a", b"1"),
        part("a", b"1") + b"--B",
        b'--B\r\nContent-Disposition: form-data; name="a"',
        b"--B\r\nX: y\r\n\r\n1\r\n--B--",
    ],
)
def test_malformed_bodies_are_400_where_flask_gives_an_empty_form(
    echo: Erlen, body: bytes
) -> None:
    # Werkzeug silently returns an empty form; erlen does not hide the error.
    rv = echo.test_client().post(
        "/", data=body, content_type="multipart/form-data; boundary=B"
    )
    assert rv.status_code == 400
    flask_rv = (
        _flask_echo()
        .test_client()
        .post("/", data=body, content_type="multipart/form-data; boundary=B")
    )
    assert flask_rv.json == {"form": [], "files": []}


@pytest.mark.parametrize(
    "stream",
    [io.BytesIO(b"abcdef"), tempfile.SpooledTemporaryFile(max_size=2)],
)
def test_file_storage_read_goes_to_the_stream(stream: t.IO[bytes]) -> None:
    stream.write(b"abcdef")
    stream.seek(0)
    storage = FileStorage(stream, "f")
    assert storage.read(2) == b"ab"
    assert storage.read(None) == b"cdef"
    stream.seek(0)
    assert storage.read() == b"abcdef"
    # Other attributes still come from the stream.
    assert storage.tell() == 6
