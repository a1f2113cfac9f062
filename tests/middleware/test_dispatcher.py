from __future__ import annotations

import typing as t

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.middleware.dispatcher import DispatcherMiddleware as WzDispatcher

from erlen.middleware.dispatcher import DispatcherMiddleware

Environ = dict[str, t.Any]


def _app(name: str) -> t.Any:
    def app(environ: Environ, start_response: t.Any) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "text/plain")])
        seen = f"{name}|{environ['SCRIPT_NAME']}|{environ['PATH_INFO']}"
        return [seen.encode("utf-8", "surrogatepass")]

    return app


def _call(middleware: t.Any, path: str | None, script: str | None = None) -> str:
    environ: Environ = {}
    if path is not None:
        environ["PATH_INFO"] = path
    if script is not None:
        environ["SCRIPT_NAME"] = script
    body = b"".join(middleware(environ, lambda *args: None))
    return body.decode("utf-8", "surrogatepass")


MOUNTS = ["/api", "/api/v2", "/admin", "/a/b/c", "", "rel"]


def _both(mounts: list[str]) -> tuple[t.Any, t.Any]:
    table = {mount: _app(f"m{mount}") for mount in mounts}
    return (
        DispatcherMiddleware(_app("default"), dict(table)),
        WzDispatcher(_app("default"), dict(table)),
    )


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", "m||/"),
        ("/api", "m/api|/api|"),
        ("/api/", "m/api|/api|/"),
        ("/api/users/1", "m/api|/api|/users/1"),
        ("/api/v2/users", "m/api/v2|/api/v2|/users"),
        ("/api/v3", "m/api|/api|/v3"),
        ("/apix", "m||/apix"),
        ("/a/b/c/d", "m/a/b/c|/a/b/c|/d"),
        ("/a/b", "m||/a/b"),
        ("rel/x", "mrel|rel|/x"),
        ("rel", "mrel|rel|"),
        ("other", "default|other|"),
        ("", "m||"),
        ("//api", "m||//api"),
    ],
)
def test_dispatch(path: str, expected: str) -> None:
    ours, theirs = _both(MOUNTS)
    assert _call(ours, path) == expected
    assert _call(theirs, path) == expected


def test_unmatched_goes_to_default_app() -> None:
    middleware = DispatcherMiddleware(_app("default"), {"/api": _app("api")})
    assert _call(middleware, "/home/page") == "default||/home/page"
    assert _call(middleware, None) == "default||"


def test_script_name_is_extended() -> None:
    middleware = DispatcherMiddleware(_app("default"), {"/api": _app("api")})
    assert _call(middleware, "/api/x", script="/root") == "api|/root/api|/x"


def test_mounts_default_and_later_changes() -> None:
    middleware = DispatcherMiddleware(_app("default"))
    assert middleware.mounts == {}
    assert _call(middleware, "/late/x") == "default||/late/x"
    middleware.mounts["/late"] = _app("late")
    assert _call(middleware, "/late/x") == "late|/late|/x"


@settings(max_examples=400, deadline=None)
@given(
    mounts=st.lists(st.text(alphabet="/ab", max_size=6), max_size=5),
    path=st.text(alphabet="/ab\u00e9", max_size=12),
    script=st.sampled_from(["", "/root"]),
)
def test_matches_werkzeug(mounts: list[str], path: str, script: str) -> None:
    ours, theirs = _both(mounts)
    assert _call(ours, path, script) == _call(theirs, path, script)


def test_pathological_path_finishes() -> None:
    middleware = DispatcherMiddleware(
        _app("default"), {"/x" * 10: _app("deep"), "/api": _app("api")}
    )
    path = "/a" * 1_000_000
    assert _call(middleware, path) == f"default||{path}"
    deep = "/x" * 10 + "/y" * 1_000_000
    assert _call(middleware, deep) == "deep|" + "/x" * 10 + "|" + "/y" * 1_000_000
    slashes = "/" * 3_000_000
    assert _call(middleware, slashes) == f"default||{slashes}"
