from __future__ import annotations

import typing as t

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix as WzProxyFix

from erlen.middleware.proxy_fix import ProxyFix

Environ = dict[str, t.Any]


def _capture(environ: Environ, start_response: t.Any) -> list[bytes]:
    start_response("200 OK", [])
    return [b"ok"]


def _base_environ(**headers: str) -> Environ:
    environ: Environ = {
        "REQUEST_METHOD": "GET",
        "REMOTE_ADDR": "10.0.0.1",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "internal:8080",
        "SERVER_NAME": "internal",
        "SERVER_PORT": "8080",
        "SCRIPT_NAME": "",
        "PATH_INFO": "/",
    }
    environ.update(headers)
    return environ


def _run(middleware_class: t.Any, kwargs: dict[str, int], environ: Environ) -> Environ:
    seen: list[Environ] = []

    def app(environ: Environ, start_response: t.Any) -> list[bytes]:
        seen.append(environ)
        return _capture(environ, start_response)

    body = middleware_class(app, **kwargs)(environ, lambda *args: None)
    assert list(body) == [b"ok"]
    return seen[0]


CASES: list[tuple[dict[str, int], dict[str, str]]] = [
    ({}, {}),
    ({}, {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}),
    ({}, {"HTTP_X_FORWARDED_FOR": "evil, 1.2.3.4"}),
    ({"x_for": 2}, {"HTTP_X_FORWARDED_FOR": "evil, 1.2.3.4, 5.6.7.8"}),
    ({"x_for": 3}, {"HTTP_X_FORWARDED_FOR": "1.2.3.4, 5.6.7.8"}),
    ({"x_for": 0}, {"HTTP_X_FORWARDED_FOR": "1.2.3.4"}),
    ({}, {"HTTP_X_FORWARDED_FOR": ""}),
    ({}, {"HTTP_X_FORWARDED_FOR": " , ,1.2.3.4 ,"}),
    ({}, {"HTTP_X_FORWARDED_PROTO": "https"}),
    ({"x_proto": 0}, {"HTTP_X_FORWARDED_PROTO": "https"}),
    ({"x_host": 1}, {"HTTP_X_FORWARDED_HOST": "example.com"}),
    ({"x_host": 1}, {"HTTP_X_FORWARDED_HOST": "example.com:8443"}),
    ({"x_host": 1}, {"HTTP_X_FORWARDED_HOST": "[::1]"}),
    ({"x_host": 1}, {"HTTP_X_FORWARDED_HOST": "[::1]:9000"}),
    ({"x_host": 1}, {"HTTP_X_FORWARDED_HOST": "a.com, b.com"}),
    ({"x_port": 1}, {"HTTP_X_FORWARDED_PORT": "443"}),
    ({"x_port": 1}, {"HTTP_X_FORWARDED_PORT": "443", "HTTP_HOST": "[::1]:80"}),
    ({"x_port": 1}, {"HTTP_X_FORWARDED_PORT": "443", "HTTP_HOST": "[::1]"}),
    ({"x_port": 1}, {"HTTP_X_FORWARDED_PORT": "443", "HTTP_HOST": ""}),
    (
        {"x_host": 1, "x_port": 1},
        {"HTTP_X_FORWARDED_HOST": "example.com:1", "HTTP_X_FORWARDED_PORT": "2"},
    ),
    ({"x_prefix": 1}, {"HTTP_X_FORWARDED_PREFIX": "/app"}),
    ({"x_prefix": 1}, {"HTTP_X_FORWARDED_PREFIX": "/app/"}),
    (
        {"x_for": 1, "x_proto": 1, "x_host": 1, "x_port": 1, "x_prefix": 1},
        {
            "HTTP_X_FORWARDED_FOR": "a, b",
            "HTTP_X_FORWARDED_PROTO": "http, https",
            "HTTP_X_FORWARDED_HOST": "h1, h2:81",
            "HTTP_X_FORWARDED_PORT": "1, 444",
            "HTTP_X_FORWARDED_PREFIX": "/x, /y",
        },
    ),
]


@pytest.mark.parametrize(("kwargs", "headers"), CASES)
def test_matches_werkzeug(kwargs: dict[str, int], headers: dict[str, str]) -> None:
    ours = _run(ProxyFix, kwargs, _base_environ(**headers))
    theirs = _run(WzProxyFix, kwargs, _base_environ(**headers))
    assert ours["werkzeug.proxy_fix.orig"] == theirs["werkzeug.proxy_fix.orig"]
    assert ours["erlen.proxy_fix.orig"] is ours["werkzeug.proxy_fix.orig"]
    del ours["erlen.proxy_fix.orig"]
    assert ours == theirs


def test_stores_original_values() -> None:
    environ = _run(
        ProxyFix,
        {"x_host": 1},
        _base_environ(HTTP_X_FORWARDED_FOR="1.1.1.1", HTTP_X_FORWARDED_HOST="e.com"),
    )
    assert environ["REMOTE_ADDR"] == "1.1.1.1"
    assert environ["HTTP_HOST"] == "e.com"
    assert environ["SERVER_NAME"] == "e.com"
    assert environ["SERVER_PORT"] == "8080"
    assert environ["erlen.proxy_fix.orig"] == {
        "REMOTE_ADDR": "10.0.0.1",
        "wsgi.url_scheme": "http",
        "HTTP_HOST": "internal:8080",
        "SERVER_NAME": "internal",
        "SERVER_PORT": "8080",
        "SCRIPT_NAME": "",
    }


def test_missing_environ_keys_are_recorded_as_none() -> None:
    environ = _run(ProxyFix, {}, {"PATH_INFO": "/"})
    assert environ["erlen.proxy_fix.orig"]["HTTP_HOST"] is None
    assert "REMOTE_ADDR" not in environ


def test_defaults() -> None:
    fix = ProxyFix(_capture)
    assert (fix.x_for, fix.x_proto, fix.x_host, fix.x_port, fix.x_prefix) == (
        1,
        1,
        0,
        0,
        0,
    )
    assert fix.app is _capture


@pytest.mark.parametrize("name", ["x_for", "x_proto", "x_host", "x_port", "x_prefix"])
def test_negative_count_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match=f"{name} must be 0 or more, got -1"):
        ProxyFix(_capture, **{name: -1})


@pytest.mark.parametrize(
    "header",
    [
        '"evil, 1.2.3.4',  # an unbalanced quote from the client
        '"1.1.1.1", 1.2.3.4',
        "\x00\r\n, 1.2.3.4",
        "a" * 100_000 + ", 1.2.3.4",
    ],
)
def test_client_supplied_prefix_cannot_hide_proxy_entry(header: str) -> None:
    environ = _run(ProxyFix, {}, _base_environ(HTTP_X_FORWARDED_FOR=header))
    assert environ["REMOTE_ADDR"] == "1.2.3.4"


def test_spoofed_header_without_enough_entries_is_ignored() -> None:
    environ = _run(
        ProxyFix, {"x_for": 2}, _base_environ(HTTP_X_FORWARDED_FOR="1.2.3.4")
    )
    assert environ["REMOTE_ADDR"] == "10.0.0.1"


def test_huge_header_finishes() -> None:
    header = ", ".join(["1.1.1.1"] * 300_000)
    environ = _run(
        ProxyFix, {"x_for": 300_000}, _base_environ(HTTP_X_FORWARDED_FOR=header)
    )
    assert environ["REMOTE_ADDR"] == "1.1.1.1"
    environ = _run(ProxyFix, {}, _base_environ(HTTP_X_FORWARDED_FOR="," * 3_000_000))
    assert environ["REMOTE_ADDR"] == "10.0.0.1"
