"""Tests for send_file and send_from_directory (erlen._send_file)."""

from __future__ import annotations

import io
import os
import typing as t
from datetime import datetime
from datetime import timezone

import pytest

import erlen
from erlen import Erlen
from erlen.exceptions import NotFound
from erlen.exceptions import RequestedRangeNotSatisfiable

if t.TYPE_CHECKING:
    from pathlib import Path

    from erlen.ctx import RequestContext

MTIME = 1_700_000_000.25
CONTENT = b"0123456789abcdefghij"


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A root folder with ``files/`` holding a few files of known mtime."""
    folder = tmp_path / "files"
    folder.mkdir()
    for name, data in [
        ("data.txt", CONTENT),
        ("page.html", b"<p>hi</p>"),
        ("archive.tar.gz", b"\x1f\x8b"),
        ("blob", b"\x00\x01"),
        ("résumé é.txt", b"cv"),
        ("sub/inner.json", b"{}"),
    ]:
        path = folder / name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (MTIME, MTIME))
    (tmp_path / "secret.txt").write_bytes(b"secret")
    return tmp_path


@pytest.fixture
def root_app(files: Path) -> Erlen:
    app = Erlen("sendfile_test", root_path=str(files))
    app.config["TESTING"] = True
    return app


def body_of(rv: erlen.Response) -> bytes:
    data = b"".join(t.cast("t.Iterable[bytes]", rv.response))
    rv.close()
    return data


def test_send_path_headers(root_app: Erlen, files: Path) -> None:
    with root_app.test_request_context():
        rv = erlen.send_file("files/data.txt")
        assert rv.status_code == 200
        assert rv.direct_passthrough
        assert rv.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert rv.headers["Content-Length"] == str(len(CONTENT))
        assert rv.headers["Content-Disposition"] == "inline; filename=data.txt"
        assert rv.headers["Cache-Control"] == "no-cache"
        assert rv.headers["Accept-Ranges"] == "bytes"
        assert rv.headers["Last-Modified"] == "Tue, 14 Nov 2023 22:13:20 GMT"
        etag = rv.get_etag()[0]
        assert etag is not None and etag.startswith(f"{MTIME}-{len(CONTENT)}-")
        assert body_of(rv) == CONTENT


@pytest.mark.parametrize(
    ("kwargs", "header", "expected"),
    [
        (
            {"as_attachment": True},
            "Content-Disposition",
            "attachment; filename=data.txt",
        ),
        (
            {"download_name": "naïve file.txt"},
            "Content-Disposition",
            'inline; filename="naive file.txt";'
            " filename*=UTF-8''na%C3%AFve%20file.txt",
        ),
        (
            {"download_name": 'we"ird\\;x.txt', "as_attachment": True},
            "Content-Disposition",
            'attachment; filename="we\\"ird\\\\;x.txt"',
        ),
        (
            {"download_name": "日本.txt"},
            "Content-Disposition",
            "inline; filename=.txt; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt",
        ),
        ({"mimetype": "application/x-custom"}, "Content-Type", "application/x-custom"),
        ({"etag": "custom"}, "ETag", '"custom"'),
        ({"max_age": 60}, "Cache-Control", "public, max-age=60"),
        ({"max_age": 0}, "Cache-Control", "no-cache, max-age=0"),
        ({"max_age": lambda path: 7}, "Cache-Control", "public, max-age=7"),
        ({"last_modified": 0}, "Last-Modified", "Thu, 01 Jan 1970 00:00:00 GMT"),
        (
            {"last_modified": datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)},
            "Last-Modified",
            "Thu, 02 Jan 2020 03:04:05 GMT",
        ),
    ],
)
def test_send_file_options(
    root_app: Erlen, kwargs: dict[str, t.Any], header: str, expected: str
) -> None:
    with root_app.test_request_context():
        rv = erlen.send_file("files/data.txt", **kwargs)
        assert rv.headers[header] == expected
        rv.close()


def test_no_etag_and_not_conditional(root_app: Erlen) -> None:
    with root_app.test_request_context(headers={"Range": "bytes=0-1"}):
        rv = erlen.send_file("files/data.txt", etag=False, conditional=False)
        assert "ETag" not in rv.headers
        assert "Accept-Ranges" not in rv.headers
        assert rv.status_code == 200
        assert body_of(rv) == CONTENT


@pytest.mark.parametrize(
    ("name", "mimetype", "encoding"),
    [
        ("files/page.html", "text/html; charset=utf-8", None),
        ("files/archive.tar.gz", "application/x-tar", "gzip"),
        ("files/blob", "application/octet-stream", None),
        ("files/sub/inner.json", "application/json", None),
    ],
)
def test_mimetype_is_guessed(
    root_app: Erlen, name: str, mimetype: str, encoding: str | None
) -> None:
    with root_app.test_request_context():
        rv = erlen.send_file(name)
        assert rv.headers["Content-Type"] == mimetype
        assert rv.headers.get("Content-Encoding") == encoding
        rv.close()
        rv = erlen.send_file(name, as_attachment=True)
        assert "Content-Encoding" not in rv.headers
        rv.close()


def test_absolute_path_and_pathlike(root_app: Erlen, files: Path) -> None:
    with root_app.test_request_context():
        assert body_of(erlen.send_file(str(files / "files/data.txt"))) == CONTENT
        assert body_of(erlen.send_file(files / "files" / "data.txt")) == CONTENT


def test_send_file_object(root_app: Erlen) -> None:
    with root_app.test_request_context():
        buffer = io.BytesIO(b"abcdef")
        rv = erlen.send_file(buffer, mimetype="text/plain")
        assert rv.headers["Content-Length"] == "6"
        assert "Content-Disposition" not in rv.headers
        assert "ETag" not in rv.headers
        assert "Last-Modified" not in rv.headers
        assert body_of(rv) == b"abcdef"
        assert buffer.closed


def test_bytesio_length_counts_from_its_position(root_app: Erlen) -> None:
    with root_app.test_request_context():
        buffer = io.BytesIO(b"abcdef")
        buffer.seek(2)
        rv = erlen.send_file(buffer, download_name="x.bin")
        assert rv.headers["Content-Length"] == "4"
        assert rv.headers["Content-Type"] == "application/octet-stream"
        assert body_of(rv) == b"cdef"


def test_real_file_object_has_no_length(root_app: Erlen, files: Path) -> None:
    with root_app.test_request_context():
        handle = open(files / "files/data.txt", "rb")
        rv = erlen.send_file(handle, download_name="d.json")
        assert "Content-Length" not in rv.headers
        assert rv.headers["Content-Type"] == "application/json"
        assert body_of(rv) == CONTENT
        assert handle.closed


def test_file_object_errors(root_app: Erlen) -> None:
    with root_app.test_request_context():
        with pytest.raises(TypeError, match="Unable to detect the MIME type"):
            erlen.send_file(io.BytesIO(b"x"))
        with pytest.raises(TypeError, match="No name provided for attachment"):
            erlen.send_file(io.BytesIO(b"x"), mimetype="text/plain", as_attachment=True)
        with pytest.raises(ValueError, match="binary mode"):
            erlen.send_file(io.StringIO("x"), download_name="x.txt")
        with pytest.raises(FileNotFoundError):
            erlen.send_file("files/missing.txt")


def test_x_sendfile(root_app: Erlen, files: Path) -> None:
    root_app.config["USE_X_SENDFILE"] = True
    path = str(files / "files" / "data.txt")
    with root_app.test_request_context():
        rv = erlen.send_file("files/data.txt")
        assert rv.headers["X-Sendfile"] == path
        assert rv.headers["Content-Length"] == str(len(CONTENT))
        assert body_of(rv) == b""
        etag = rv.headers["ETag"]
    with root_app.test_request_context(headers={"If-None-Match": etag}):
        rv = erlen.send_file("files/data.txt")
        assert rv.status_code == 304
        assert "X-Sendfile" not in rv.headers
    with root_app.test_request_context():
        # A file object has no path for the server to send.
        rv = erlen.send_file(io.BytesIO(b"abc"), mimetype="text/plain")
        assert "X-Sendfile" not in rv.headers
        assert body_of(rv) == b"abc"


def test_default_max_age_comes_from_the_app(root_app: Erlen) -> None:
    root_app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 120
    with root_app.test_request_context():
        rv = erlen.send_file("files/data.txt")
        assert rv.headers["Cache-Control"] == "public, max-age=120"
        assert "Expires" in rv.headers
        rv.close()


def test_uses_the_app_response_class(root_app: Erlen) -> None:
    class MyResponse(erlen.Response):
        pass

    root_app.response_class = MyResponse
    with root_app.test_request_context():
        rv = erlen.send_file("files/data.txt")
        assert type(rv) is MyResponse
        rv.close()


class _Wrapper:
    """A stand-in for a server's ``wsgi.file_wrapper``."""

    def __init__(self, file: t.IO[bytes], block_size: int) -> None:
        self.file = file
        self.block_size = block_size

    def __iter__(self) -> t.Iterator[bytes]:
        yield self.file.read()

    def close(self) -> None:
        self.file.close()


def test_wsgi_file_wrapper_is_used(root_app: Erlen) -> None:
    with root_app.test_request_context(environ_base={"wsgi.file_wrapper": _Wrapper}):
        rv = erlen.send_file("files/data.txt")
        assert type(rv.response) is _Wrapper
        assert rv.response.block_size == 8192
        assert body_of(rv) == CONTENT
        assert rv.response.file.closed


def test_ranges_seek_instead_of_reading_from_the_start(root_app: Erlen) -> None:
    with root_app.test_request_context(headers={"Range": "bytes=15-"}):
        rv = erlen.send_file("files/data.txt")
        assert rv.status_code == 206
        assert rv.headers["Content-Range"] == "bytes 15-19/20"
        assert body_of(rv) == b"fghij"
    with root_app.test_request_context(headers={"Range": "bytes=1-2"}):
        buffer = io.BytesIO(b"__abcdef")
        buffer.seek(2)
        rv = erlen.send_file(buffer, mimetype="text/plain")
        assert rv.headers["Content-Range"] == "bytes 1-2/6"
        assert body_of(rv) == b"bc"
        assert buffer.closed


def test_unsatisfiable_range_closes_the_file(root_app: Erlen) -> None:
    with root_app.test_request_context(headers={"Range": "bytes=100-"}):
        buffer = io.BytesIO(b"abc")
        with pytest.raises(RequestedRangeNotSatisfiable):
            erlen.send_file(buffer, mimetype="text/plain")
        assert buffer.closed


# -- send_from_directory ------------------------------------------------------


def test_send_from_directory(root_app: Erlen) -> None:
    with root_app.test_request_context():
        rv = erlen.send_from_directory("files", "sub/inner.json", max_age=5)
        assert rv.headers["Content-Type"] == "application/json"
        assert rv.headers["Cache-Control"] == "public, max-age=5"
        assert body_of(rv) == b"{}"
        rv = erlen.send_from_directory("files", "résumé é.txt")
        assert (
            "filename*=UTF-8''r%C3%A9sum%C3%A9%20%C3%A9.txt"
            in (rv.headers["Content-Disposition"])
        )
        assert body_of(rv) == b"cv"


HOSTILE_PATHS = [
    "../secret.txt",
    "sub/../../secret.txt",
    "%2e%2e/secret.txt",
    "..%2fsecret.txt",
    "/etc/passwd",
    "//etc/passwd",
    "..\\secret.txt",
    "sub\\..\\..\\secret.txt",
    "data.txt\x00.png",
    "C:secret.txt",
    "C:\\Windows\\win.ini",
    "",
    ".",
    "sub",
    "missing.txt",
    "x" * 5000,
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_send_from_directory_refuses(root_app: Erlen, path: str) -> None:
    with root_app.test_request_context():
        with pytest.raises(NotFound):
            erlen.send_from_directory("files", path)


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_static_route_refuses(files: Path, path: str) -> None:
    app = Erlen("static_test", root_path=str(files), static_folder="files")
    client = app.test_client()
    rv = client.get("/files/" + path.replace("%", "%25"))
    assert rv.status_code in (404, 308)
    assert b"secret" not in rv.data


def test_symlinks_are_followed(root_app: Erlen, files: Path) -> None:
    os.symlink(files / "secret.txt", files / "files" / "link.txt")
    with root_app.test_request_context():
        assert body_of(erlen.send_from_directory("files", "link.txt")) == b"secret"


def test_static_file_fixture(app: Erlen, client: erlen.testing.ErlenClient) -> None:
    rv = client.get("/static/sf_hello.txt")
    assert rv.status_code == 200
    assert rv.data == b"Hello from the static folder.\n"
    assert rv.headers["Content-Type"] == "text/plain; charset=utf-8"
    rv.close()


def test_static_file_head_sends_no_body(
    app: Erlen, client: erlen.testing.ErlenClient
) -> None:
    rv = client.head("/static/sf_hello.txt")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["Content-Length"] == "30"
    rv.close()


def test_send_file_needs_a_request(root_app: Erlen, req_ctx: RequestContext) -> None:
    # the req_ctx fixture's app is not root_app; send_file uses the current one
    rv = erlen.send_file(os.path.join(os.path.dirname(__file__), "static/sf_hello.txt"))
    assert body_of(rv) == b"Hello from the static folder.\n"


# -- differential: the same requests through Flask 3.1 ------------------------


def _make_apps(root: str, **config: t.Any) -> list[t.Any]:
    import flask

    apps: list[t.Any] = []
    for module, cls in ((flask, flask.Flask), (erlen, Erlen)):
        app = cls("diff_" + module.__name__, root_path=root)
        app.config.update(config)

        def by_path(name: str, module: t.Any = module) -> t.Any:
            return module.send_from_directory("files", name)

        def by_object(module: t.Any = module) -> t.Any:
            return module.send_file(io.BytesIO(CONTENT), mimetype="text/plain")

        def attachment(module: t.Any = module) -> t.Any:
            return module.send_file(
                "files/data.txt", as_attachment=True, download_name="ä ö.txt"
            )

        app.add_url_rule("/f/<path:name>", "by_path", by_path)
        app.add_url_rule("/obj", "by_object", by_object)
        app.add_url_rule("/att", "attachment", attachment)
        apps.append(app)
    return apps


def _etag(root: str) -> str:
    app = Erlen("etag", root_path=root)
    with app.test_request_context():
        rv = erlen.send_from_directory("files", "data.txt")
        rv.close()
        return rv.headers["ETag"]


DIFF_REQUESTS: list[tuple[str, str, dict[str, str]]] = [
    ("GET", "/f/data.txt", {}),
    ("HEAD", "/f/data.txt", {}),
    ("GET", "/f/data.txt", {"Range": "bytes=0-4"}),
    ("GET", "/f/data.txt", {"Range": "bytes=-3"}),
    ("GET", "/f/data.txt", {"Range": "bytes=18-100"}),
    ("GET", "/f/data.txt", {"Range": "bytes=50-"}),
    ("GET", "/f/data.txt", {"Range": "bytes=5-2"}),
    ("GET", "/f/data.txt", {"Range": "bytes=0-1,4-5"}),
    ("GET", "/f/data.txt", {"Range": "lines=0-1"}),
    ("HEAD", "/f/data.txt", {"Range": "bytes=0-4"}),
    ("GET", "/f/data.txt", {"If-None-Match": "ETAG"}),
    ("GET", "/f/data.txt", {"If-None-Match": '"other", ETAG'}),
    ("GET", "/f/data.txt", {"If-None-Match": "*"}),
    ("GET", "/f/data.txt", {"If-None-Match": '"nope"'}),
    ("GET", "/f/data.txt", {"If-Modified-Since": "Tue, 14 Nov 2023 22:13:20 GMT"}),
    ("GET", "/f/data.txt", {"If-Modified-Since": "Mon, 13 Nov 2023 00:00:00 GMT"}),
    ("GET", "/f/data.txt", {"If-Modified-Since": "garbage"}),
    ("GET", "/f/data.txt", {"Range": "bytes=0-4", "If-Range": "ETAG"}),
    ("GET", "/f/data.txt", {"Range": "bytes=0-4", "If-Range": '"stale"'}),
    (
        "GET",
        "/f/data.txt",
        {"Range": "bytes=0-4", "If-Range": "Tue, 14 Nov 2023 22:13:20 GMT"},
    ),
    ("GET", "/f/data.txt", {"If-Match": '"nope"'}),
    ("GET", "/f/sub/inner.json", {}),
    ("GET", "/f/archive.tar.gz", {}),
    ("GET", "/f/r%C3%A9sum%C3%A9%20%C3%A9.txt", {}),
    ("GET", "/f/../secret.txt", {}),
    ("GET", "/f/missing", {}),
    ("GET", "/obj", {}),
    ("GET", "/obj", {"Range": "bytes=2-3"}),
    ("HEAD", "/obj", {}),
    ("GET", "/att", {}),
]


@pytest.mark.parametrize(("method", "url", "headers"), DIFF_REQUESTS)
def test_matches_flask(
    files: Path, method: str, url: str, headers: dict[str, str]
) -> None:
    _compare(str(files), method, url, headers)


@pytest.mark.parametrize(
    ("method", "url", "headers"),
    [
        ("GET", "/f/data.txt", {}),
        ("GET", "/f/data.txt", {"Range": "bytes=0-4"}),
        ("GET", "/f/data.txt", {"Range": "bytes=50-"}),
        ("GET", "/f/data.txt", {"If-None-Match": "ETAG"}),
        ("GET", "/obj", {}),
    ],
)
def test_x_sendfile_matches_flask(
    files: Path, method: str, url: str, headers: dict[str, str]
) -> None:
    _compare(str(files), method, url, headers, USE_X_SENDFILE=True)


def _compare(
    root: str, method: str, url: str, headers: dict[str, str], **config: t.Any
) -> None:
    etag = _etag(root)
    headers = {key: value.replace("ETAG", etag) for key, value in headers.items()}
    results = []
    for app in _make_apps(root, **config):
        rv = app.test_client().open(url, method=method, headers=headers)
        results.append(
            (
                rv.status_code,
                sorted(
                    (key, value)
                    for key, value in rv.headers.items()
                    if key not in ("Date", "Expires")
                ),
                rv.get_data(),
            )
        )
        rv.close()
    flask_result, erlen_result = results
    assert erlen_result == flask_result
