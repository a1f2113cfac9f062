"""Tests for erlen.middleware.profiler.ProfilerMiddleware."""

from __future__ import annotations

import io
import os
import pstats
import typing as t
from pathlib import Path

import pytest

from erlen.middleware.profiler import MAX_NAME_PART_LENGTH
from erlen.middleware.profiler import ProfilerMiddleware

Environ = dict[str, t.Any]


def _ignore_start(*args: t.Any) -> t.Any:
    return None


class _Body:
    """An app iterable that records whether it was closed."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = False

    def __iter__(self) -> t.Iterator[bytes]:
        return iter(self.chunks)

    def close(self) -> None:
        self.closed = True


def _environ(path: str = "/", method: str = "GET") -> Environ:
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "SCRIPT_NAME": ""}


def _hello(environ: Environ, start_response: t.Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello", b" ", b"world"]


def _call(
    middleware: ProfilerMiddleware, environ: Environ
) -> tuple[list[t.Any], bytes]:
    started: list[t.Any] = []

    def recorder(*args: t.Any) -> t.Any:
        started.append(args)

    body = middleware(environ, recorder)
    return started, b"".join(body)


def test_body_is_buffered_and_start_response_passed_through(tmp_path: Path) -> None:
    stream = io.StringIO()
    middleware = ProfilerMiddleware(_hello, stream=stream)
    body = middleware(_environ("/a"), _ignore_start)
    assert body == [b"hello world"]
    started, data = _call(middleware, _environ("/a"))
    assert started == [("200 OK", [("Content-Type", "text/plain")])]
    assert data == b"hello world"


def test_stats_are_written_to_the_stream_with_the_path() -> None:
    stream = io.StringIO()
    _call(ProfilerMiddleware(_hello, stream=stream), _environ("/items/42"))
    text = stream.getvalue()
    assert text.startswith("-" * 80 + "\nPATH: '/items/42'\n")
    assert "function calls" in text
    assert "Ordered by: internal time, call count" in text
    assert text.endswith("-" * 80 + "\n\n")


def test_sort_by_and_restrictions_are_applied() -> None:
    stream = io.StringIO()
    middleware = ProfilerMiddleware(
        _hello, stream=stream, sort_by=("cumulative",), restrictions=(2,)
    )
    _call(middleware, _environ())
    text = stream.getvalue()
    assert "Ordered by: cumulative time" in text
    assert "due to restriction <2>" in text


def test_profile_file_is_written_and_readable(tmp_path: Path) -> None:
    stream = io.StringIO()
    middleware = ProfilerMiddleware(_hello, stream=stream, profile_dir=str(tmp_path))
    _call(middleware, _environ("/a/b", "POST"))
    (name,) = os.listdir(tmp_path)
    method, path, elapsed, started, suffix = (
        name.rsplit(".", 4)[0:1] + name.split(".")[2:]
    )
    assert name.startswith("POST.a.b.")
    assert name.endswith("ms." + started + ".prof")
    assert method == "POST.a"
    assert elapsed.endswith("ms") and elapsed[:-2].isdigit()
    assert started.isdigit()
    assert suffix == "prof"
    stats = pstats.Stats(str(tmp_path / name))
    assert stats.total_calls > 0  # type: ignore[attr-defined]
    assert "PATH: '/a/b'" in stream.getvalue()


def test_stream_none_writes_only_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    middleware = ProfilerMiddleware(_hello, stream=None, profile_dir=str(tmp_path))
    _call(middleware, _environ())
    assert capsys.readouterr().out == ""
    (name,) = os.listdir(tmp_path)
    assert name.startswith("GET.root.")


def test_custom_format_string(tmp_path: Path) -> None:
    middleware = ProfilerMiddleware(
        _hello,
        stream=None,
        profile_dir=str(tmp_path),
        filename_format="{method}-{path}.prof",
    )
    _call(middleware, _environ("/x/y", "PUT"))
    assert os.listdir(tmp_path) == ["PUT-x.y.prof"]


def test_callable_format_gets_timing_in_environ(tmp_path: Path) -> None:
    seen: list[Environ] = []

    def name(environ: Environ) -> str:
        seen.append(environ)
        return "custom.prof"

    middleware = ProfilerMiddleware(
        _hello, stream=None, profile_dir=str(tmp_path), filename_format=name
    )
    _call(middleware, _environ())
    assert os.listdir(tmp_path) == ["custom.prof"]
    details = seen[0]["werkzeug.profiler"]
    assert seen[0]["erlen.profiler"] is details
    assert set(details) == {"elapsed", "time"}
    assert details["elapsed"] >= 0
    assert details["time"] > 0
    pstats.Stats(str(tmp_path / "custom.prof"))


def test_app_iterable_is_closed_even_when_iteration_fails() -> None:
    body = _Body([b"a"])

    def app(environ: Environ, start_response: t.Any) -> _Body:
        start_response("200 OK", [])
        return body

    _, data = _call(ProfilerMiddleware(app, stream=None), _environ())
    assert data == b"a"
    assert body.closed

    class Broken(_Body):
        def __iter__(self) -> t.Iterator[bytes]:
            raise RuntimeError("boom")

    broken = Broken([])
    with pytest.raises(RuntimeError, match="boom"):
        _call(ProfilerMiddleware(lambda e, s: broken, stream=None), _environ())
    assert broken.closed


def test_generator_body_is_consumed_inside_the_profile() -> None:
    def app(environ: Environ, start_response: t.Any) -> t.Iterator[bytes]:
        start_response("200 OK", [])
        yield b"x"
        yield b"y"

    stream = io.StringIO()
    _, data = _call(ProfilerMiddleware(app, stream=stream), _environ())
    assert data == b"xy"
    assert "(app)" in stream.getvalue()


def test_matches_werkzeug_file_names(tmp_path: Path) -> None:
    from werkzeug.middleware.profiler import ProfilerMiddleware as Reference

    fmt = "{method}.{path}.prof"
    for path in ["/", "/a/b", "/a/", "/items/42", "/x-y_z.txt"]:
        ours = tmp_path / "ours"
        theirs = tmp_path / "theirs"
        ours.mkdir()
        theirs.mkdir()
        _call(
            ProfilerMiddleware(
                _hello, stream=None, profile_dir=str(ours), filename_format=fmt
            ),
            _environ(path),
        )
        Reference(_hello, stream=None, profile_dir=str(theirs), filename_format=fmt)(
            _environ(path), _ignore_start
        )
        assert os.listdir(ours) == os.listdir(theirs)
        for folder in (ours, theirs):
            for name in os.listdir(folder):
                os.remove(folder / name)
            folder.rmdir()


# SECURITY: request paths and methods that try to leave profile_dir.
@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/..", "GET.__.prof"),
        ("GET", "/.", "GET._.prof"),
        ("GET", "/../../etc/passwd", "GET.......etc.passwd.prof"),
        ("GET", "/a\\..\\..\\b", "GET.a_.._.._b.prof"),
        ("GET", "/c:/windows", "GET.c_.windows.prof"),
        ("GET", "/a\x00b", "GET.a_b.prof"),
        ("GET", "/a\r\nb", "GET.a__b.prof"),
        ("GET", "/café", "GET.caf_.prof"),
        ("../..", "/x", "_____.x.prof"),
        ("", "/x", "UNKNOWN.x.prof"),
        ("GET", "/" + "a" * 5000, "GET." + "a" * MAX_NAME_PART_LENGTH + ".prof"),
    ],
)
def test_hostile_paths_stay_inside_profile_dir(
    tmp_path: Path, method: str, path: str, expected: str
) -> None:
    profile_dir = tmp_path / "profiles"
    profile_dir.mkdir()
    middleware = ProfilerMiddleware(
        _hello,
        stream=None,
        profile_dir=str(profile_dir),
        filename_format="{method}.{path}.prof",
    )
    _call(middleware, _environ(path, method))
    assert os.listdir(profile_dir) == [expected]
    assert sorted(os.listdir(tmp_path)) == ["profiles"]


@pytest.mark.parametrize("path", ["/..", "/.", "/../..", "//"])
def test_path_alone_as_file_name_cannot_name_a_directory(
    tmp_path: Path, path: str
) -> None:
    profile_dir = tmp_path / "profiles"
    profile_dir.mkdir()
    middleware = ProfilerMiddleware(
        _hello, stream=None, profile_dir=str(profile_dir), filename_format="{path}"
    )
    _call(middleware, _environ(path))
    (name,) = os.listdir(profile_dir)
    assert (profile_dir / name).is_file()
    assert sorted(os.listdir(tmp_path)) == ["profiles"]


def test_huge_path_is_handled_quickly(tmp_path: Path) -> None:
    middleware = ProfilerMiddleware(_hello, stream=None, profile_dir=str(tmp_path))
    _call(middleware, _environ("/" + "a/." * 1_000_000))
    (name,) = os.listdir(tmp_path)
    assert len(name) < 255
