from __future__ import annotations

import os
import pathlib
import typing as t

import pytest
from werkzeug.middleware.shared_data import SharedDataMiddleware as WzSharedData

from erlen.http.dates import http_date
from erlen.middleware.shared_data import SharedDataMiddleware

Environ = dict[str, t.Any]


def _fallback(environ: Environ, start_response: t.Any) -> list[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"fallback"]


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "static" / "css").mkdir(parents=True)
    (tmp_path / "static" / "index.html").write_text("<h1>hi</h1>")
    (tmp_path / "static" / "css" / "site.css").write_text("body{}")
    (tmp_path / "static" / "data.unknownext").write_bytes(b"\x00\x01")
    (tmp_path / "static" / "secret.key").write_text("key")
    (tmp_path / "static" / "ünï.txt").write_text("unicode")
    (tmp_path / "outside.txt").write_text("do not serve")
    (tmp_path / "robots.txt").write_text("User-agent: *")
    return tmp_path


def _call(app: t.Any, path: str, **extra: t.Any) -> tuple[str, dict[str, str], bytes]:
    environ: Environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, **extra}
    started: list[tuple[str, list[tuple[str, str]]]] = []

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        started.append((status, headers))

    iterable = app(environ, start_response)
    try:
        body = b"".join(iterable)
    finally:
        close = getattr(iterable, "close", None)
        if close is not None:
            close()
    status, headers = started[0]
    return status, dict(headers), body


def _both(tree: pathlib.Path, **kwargs: t.Any) -> tuple[t.Any, t.Any]:
    exports = {
        "/static": str(tree / "static"),
        "/robots.txt": str(tree / "robots.txt"),
    }
    return (
        SharedDataMiddleware(_fallback, exports, **kwargs),
        WzSharedData(_fallback, exports, **kwargs),
    )


@pytest.mark.parametrize(
    "path",
    [
        "/static/index.html",
        "/static/css/site.css",
        "/static/data.unknownext",
        "/static/ünï.txt".encode().decode("latin-1"),
        "/robots.txt",
        "/static",
        "/static/",
        "/static/missing.txt",
        "/static/css",
        "/static/../outside.txt",
        "/static/css/../../outside.txt",
        "/static//etc/passwd",
        "/static/%2e%2e/outside.txt",
        "/static/..%2foutside.txt",
        "/static/\x00index.html",
        "/static/css\\..\\..\\outside.txt",
        "/other",
        "/staticx/index.html",
        "/robots.txt/x",
    ],
)
@pytest.mark.parametrize("cache", [True, False])
def test_matches_werkzeug(tree: pathlib.Path, path: str, cache: bool) -> None:
    ours, theirs = _both(tree, cache=cache)
    status, headers, body = _call(ours, path)
    ref_status, ref_headers, ref_body = _call(theirs, path)
    assert (status, body) == (ref_status, ref_body)
    for name in ("Content-Type", "Content-Length", "Last-Modified", "Cache-Control"):
        assert headers.get(name) == ref_headers.get(name)
    assert set(headers) == set(ref_headers)
    assert b"do not serve" not in body


def test_serves_file_with_headers(tree: pathlib.Path) -> None:
    ours, _ = _both(tree)
    status, headers, body = _call(ours, "/static/css/site.css")
    assert status == "200 OK"
    assert body == b"body{}"
    assert headers["Content-Type"] == "text/css; charset=utf-8"
    assert headers["Content-Length"] == "6"
    assert headers["Cache-Control"] == "max-age=43200, public"
    assert headers["Etag"].startswith('"erlen-')
    mtime = os.stat(tree / "static" / "css" / "site.css").st_mtime
    assert headers["Last-Modified"] == http_date(mtime)
    assert "Expires" in headers and "Date" in headers


def test_unknown_type_uses_fallback_mimetype(tree: pathlib.Path) -> None:
    app = SharedDataMiddleware(
        _fallback, {"/s": str(tree / "static")}, fallback_mimetype="text/x-custom"
    )
    assert _call(app, "/s/data.unknownext")[1]["Content-Type"] == (
        "text/x-custom; charset=utf-8"
    )


def test_conditional_requests_get_304(tree: pathlib.Path) -> None:
    ours, _ = _both(tree)
    _, headers, _ = _call(ours, "/static/index.html")
    status, headers304, body = _call(
        ours, "/static/index.html", HTTP_IF_NONE_MATCH=headers["Etag"]
    )
    assert status == "304 Not Modified"
    assert body == b""
    assert headers304["Etag"] == headers["Etag"]
    status, _, _ = _call(
        ours, "/static/index.html", HTTP_IF_MODIFIED_SINCE=headers["Last-Modified"]
    )
    assert status == "304 Not Modified"
    status, _, body = _call(ours, "/static/index.html", HTTP_IF_NONE_MATCH='"other"')
    assert status == "200 OK"
    assert body == b"<h1>hi</h1>"


def test_no_cache_never_answers_304(tree: pathlib.Path) -> None:
    ours, _ = _both(tree, cache=False)
    status, headers, _ = _call(ours, "/static/index.html", HTTP_IF_NONE_MATCH="*")
    assert status == "200 OK"
    assert headers["Cache-Control"] == "public"
    assert "Etag" not in headers


def test_disallow_pattern(tree: pathlib.Path) -> None:
    app = SharedDataMiddleware(
        _fallback, {"/static": str(tree / "static")}, disallow="*.key"
    )
    assert _call(app, "/static/secret.key")[2] == b"fallback"
    assert _call(app, "/static/index.html")[2] == b"<h1>hi</h1>"
    assert app.is_allowed("a.txt")
    assert not app.is_allowed("a.key")


def test_exports_as_pairs_are_tried_in_order(tree: pathlib.Path) -> None:
    (tree / "other").mkdir()
    (tree / "other" / "only.txt").write_text("other")
    (tree / "other" / "index.html").write_text("shadowed")
    app = SharedDataMiddleware(
        _fallback,
        [("/s", str(tree / "static")), ("/s", str(tree / "other"))],
    )
    assert _call(app, "/s/index.html")[2] == b"<h1>hi</h1>"
    assert _call(app, "/s/only.txt")[2] == b"other"


def test_directory_export_at_its_own_path_falls_through(tree: pathlib.Path) -> None:
    app = SharedDataMiddleware(_fallback, {"/static/": str(tree / "static")})
    assert _call(app, "/static/")[2] == b"fallback"
    assert _call(app, "/static/index.html")[2] == b"<h1>hi</h1>"


def test_package_export() -> None:
    app = SharedDataMiddleware(_fallback, {"/pkg": ("erlen", "middleware")})
    status, headers, body = _call(app, "/pkg/__init__.py")
    assert status == "200 OK"
    assert b"WSGI middleware" in body
    assert _call(app, "/pkg/../security.py")[2] == b"fallback"


def test_unknown_package_is_refused() -> None:
    with pytest.raises(ValueError, match="no files on disk"):
        SharedDataMiddleware(_fallback, {"/p": ("erlen_no_such_pkg_x", "static")})


def test_bad_export_type_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown export 42 for '/x'"):
        SharedDataMiddleware(_fallback, {"/x": 42})  # type: ignore[dict-item]


def test_uses_server_file_wrapper(tree: pathlib.Path) -> None:
    wrapped: list[t.Any] = []

    def file_wrapper(file: t.Any, size: int) -> list[bytes]:
        wrapped.append(size)
        with file:
            return [file.read()]

    ours, _ = _both(tree)
    _, _, body = _call(ours, "/robots.txt", **{"wsgi.file_wrapper": file_wrapper})
    assert body == b"User-agent: *"
    assert wrapped == [8192]


def test_file_closed_when_iteration_stops_early(tree: pathlib.Path) -> None:
    (tree / "static" / "big.bin").write_bytes(b"x" * 100_000)
    ours, _ = _both(tree)
    iterable = ours({"PATH_INFO": "/static/big.bin"}, lambda *args: None)
    assert len(next(iter(iterable))) == 8192
    iterable.close()


def test_hostile_paths_finish_and_never_escape(tree: pathlib.Path) -> None:
    ours, _ = _both(tree)
    for path in [
        "/static/" + "../" * 200_000 + "outside.txt",
        "/static/" + "a/" * 200_000,
        "/static/" + "\udcff" * 1000,
        "/static/" + "x" * 1_000_000,
    ]:
        status, _, body = _call(ours, path)
        assert status == "404 Not Found"
        assert body == b"fallback"
