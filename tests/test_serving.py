"""The development server: request handling, HTTPS, reloader, debugger and the CLI."""

from __future__ import annotations

import collections.abc as cabc
import io
import logging
import os
import queue
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import types
import typing as t
import urllib.error
import urllib.request

import pytest

from erlen import serving
from erlen.debughelpers import DebuggedApplication
from erlen.debughelpers import render_traceback_html
from erlen.serving import BaseWSGIServer
from erlen.serving import StatReloaderLoop
from erlen.serving import ThreadedWSGIServer
from erlen.serving import get_args_for_reloading
from erlen.serving import make_server
from erlen.serving import run_simple
from erlen.serving import run_with_reloader
from erlen.serving import select_address_family

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

# A self-signed certificate for localhost/127.0.0.1, valid until 2126, made with
# openssl for these tests only.
TEST_CERT = """\
-----BEGIN CERTIFICATE-----
MIIDJzCCAg+gAwIBAgIUMaTIKz4sRhE2n5sdMGObO0+b7aYwDQYJKoZIhvcNAQEL
BQAwFDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNDE0NDMxMFoYDzIxMjYx
MDMxMTQ0MzEwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwggEiMA0GCSqGSIb3DQEB
AQUAA4IBDwAwggEKAoIBAQDB6lH8ySm2eNgsMJCCjHgJBSGKMGzMVi1rQoUqjcMQ
b0laiY5zZoaklMKZlMfwuOFQ/yv1UsmWrMy+genZo9RZ4fNq0wxRkoGYskI6NgMK
v4udObVpcmXh4l+gcVvz9SMjReF2mbzLdQ6rTD0Gtd+n5EEXNeOTIyGy8tfr5XEo
AYUuuGVKtbKVvyRIGC6ewx4a74ZXhvuueDuOwHxzuzKRpu1Uk9IYQpxKVq3he3gk
X15Ak+6ih++2tcIa5DoJ9bnudKyaakIdrdyD5/NmRHd948+0XIds1A4vKpQHv0vB
LJLEKNPdKHAqkKWdPlaDlJGcibKScGRko1qrKy/s7kErAgMBAAGjbzBtMB0GA1Ud
DgQWBBT/lgLlH2F+eCE5W3RrkqplHySk+DAfBgNVHSMEGDAWgBT/lgLlH2F+eCE5
W3RrkqplHySk+DAPBgNVHRMBAf8EBTADAQH/MBoGA1UdEQQTMBGCCWxvY2FsaG9z
dIcEfwAAATANBgkqhkiG9w0BAQsFAAOCAQEAiW5MshfS1O+9F29Uc3B9qZmqbHvc
HLt9L7rOdkI09MLxTvMIYxzasRSyij936W02WeujulhAblcX4CzD0FXy/3Jm6Txz
dkXKL9lOygk+6j1fVg30oys0gDNYe9Y12qZ/UxdEVQlSip+W4NqtyANzgIi8uGoD
PJDY/apIaX4E4kDrLLyBEfy2ARo9EoxXDmEFawb+ab+iy8yQhIok69g3Hto6H+Wl
JFoGrmyjiiHStHE6LlE/fm/OG4FQw+LfW0qhhaXhYSchAFp2dDN71tj1T+dQQIkF
0kNWRjF8MMCiONBMvJ/NawwuGksa9MeyhiiDp0158ZcXxu0aWlGE+NK3JQ==
-----END CERTIFICATE-----
"""
TEST_KEY = """\
-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDB6lH8ySm2eNgs
MJCCjHgJBSGKMGzMVi1rQoUqjcMQb0laiY5zZoaklMKZlMfwuOFQ/yv1UsmWrMy+
genZo9RZ4fNq0wxRkoGYskI6NgMKv4udObVpcmXh4l+gcVvz9SMjReF2mbzLdQ6r
TD0Gtd+n5EEXNeOTIyGy8tfr5XEoAYUuuGVKtbKVvyRIGC6ewx4a74ZXhvuueDuO
wHxzuzKRpu1Uk9IYQpxKVq3he3gkX15Ak+6ih++2tcIa5DoJ9bnudKyaakIdrdyD
5/NmRHd948+0XIds1A4vKpQHv0vBLJLEKNPdKHAqkKWdPlaDlJGcibKScGRko1qr
Ky/s7kErAgMBAAECggEAWjGVWdjtFGjHz2H1TSttx3BCBeb5K9+nd3y0uLLAOHwy
p7BUeBuHY7SngMzBZJdxgX12YkBT8EfGYZPGg8reQcJFOHoagDR/H9lF0ZJ+vriS
BRqq5PVnKvXiWZtwVBvAcK8Xq9TdCdsT7BvlRKJCeXJCzjtr8uuDyJqIULni9GJV
XpTRc6vBfnPHnrNG4c2RBluvNybjCiCEaC2Yrcd1f5uIY+/5eBq4ake+fgJc0OjW
nTDxGzKudyXUh7Os3r3R9tUgbEA3BmKR1D5jSsYKGLkimVYLN4o+CWWDcZqQcSUc
9aSreG9vlZ21wKw6lw2cmqt1JQbJodG6GjalvdlK2QKBgQDe0/658a1Ew0h16NxC
pCF9JEeHSEUox4HnbxF0PtfDdF9Zp7ji0Ub7jjuLL73xEPsQXo2C7Vc4WGqIO968
TVCuBKjt3Rfi2vliY8DIH/OnXwcemzxAlMm/0MbVPkWDcuptqx/KmNvQAVpYlBQc
jovfQbpvRGyw6w+9nKg9VLSc+QKBgQDeyHSTmPvjlcI3/HATBZmUmhWrKY9DOYEJ
x9zyUUxvZ09csBb1NK53+3LT7/5hZy8lsVo8sXE3vt8SXqPDodLBrPD6A/d/FKtL
w7py9OiWYm67C883XX5AeyQCDDZhvo85KLny5asiosy3Ap9ziZfj0oODHFS2rHrL
CJFRQ5mMQwKBgQCpdFB/ucHJzDSbrnVqnIT3NRLMV3J4u5gXl0iPvYa6FhK5DKq2
mu4/OYAgrjLlU8OKRE2bpsCwkdSaO+V8D9PuMo8BLSUQGPSUFUYzKtFRlBvG88jT
WBNBMxUyb8PPXiHXOs7XdH2dZpn9SMcunFzUcJjGKyP5OxliWfM7iOI9iQKBgE4r
AZRkQkV5X3srbNuPxHJ6mg3DeEv7GkanROQVGH+iPRtlgbipsmnQ5Vptw9DDVqyg
DOxsyi/oHfchE87psbxZBPiEecuyIeRkmcAKJK3XfcjNfPiNKmZPjrPVOyOSrEg+
/Pe4FBMEElZIalAswAmk7JYNU8AAxtkEeZCM6oxnAoGBAKHIQoQz2bEpPltcYTbZ
fnzj2A+t2XEGNSXbOHWhftey0p7OMkr6GrTJE0M93XSn2jMlG0cPqgGDX9EGYqVX
DRPUf+f97+gWnpPRKlhZaZ8bhWn2fa/cjr8kW8iWDu1j4Cg8hk9IliImkusGPQGZ
sRw1zzvxUSrw+ruyljx+arvq
-----END PRIVATE KEY-----
"""


def echo_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    """Answer with selected environ values, one per line."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    keys = (
        "REQUEST_METHOD",
        "PATH_INFO",
        "QUERY_STRING",
        "REQUEST_URI",
        "RAW_URI",
        "HTTP_X_TOKEN",
        "HTTP_X_MULTI",
        "wsgi.url_scheme",
        "wsgi.multithread",
    )
    lines = [f"{k}={environ.get(k)}" for k in keys]
    lines.append(f"REMOTE_PORT_IS_DIGIT={environ['REMOTE_PORT'].isdigit()}")
    lines.append(f"BODY={body.decode()}")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return ["\n".join(lines).encode()]


@pytest.fixture
def serve() -> cabc.Iterator[t.Callable[..., BaseWSGIServer]]:
    """Start servers on 127.0.0.1:0 in threads; shut them all down afterwards."""
    started: list[tuple[BaseWSGIServer, threading.Thread]] = []

    def start(app: t.Any = echo_app, **kwargs: t.Any) -> BaseWSGIServer:
        server = make_server("127.0.0.1", 0, app, **kwargs)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        started.append((server, thread))
        return server

    yield start
    for server, thread in started:
        server.shutdown()
        server.server_close()
        thread.join(10)


def fetch(url: str, **kwargs: t.Any) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, **kwargs)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers), exc.read()


def parse_lines(body: bytes) -> dict[str, str]:
    return dict(line.split("=", 1) for line in body.decode().splitlines())


# -- the server and handler --------------------------------------------------------


@pytest.mark.parametrize("threaded", [False, True])
def test_server_builds_environ(
    serve: t.Callable[..., BaseWSGIServer], threaded: bool
) -> None:
    server = serve(threaded=threaded)
    assert isinstance(server, ThreadedWSGIServer) is threaded
    status, headers, body = fetch(
        f"http://127.0.0.1:{server.port}/a%20b/c?x=1&y=%20",
        data=b"payload",
        headers={"X-Token": "abc", "X-Multi": "one"},
    )
    values = parse_lines(body)
    assert status == 200
    assert values["REQUEST_METHOD"] == "POST"
    assert values["PATH_INFO"] == "/a b/c"
    assert values["QUERY_STRING"] == "x=1&y=%20"
    assert values["REQUEST_URI"] == values["RAW_URI"] == "/a%20b/c?x=1&y=%20"
    assert values["HTTP_X_TOKEN"] == "abc"
    assert values["wsgi.url_scheme"] == "http"
    assert values["wsgi.multithread"] == str(threaded)
    assert values["REMOTE_PORT_IS_DIGIT"] == "True"
    assert values["BODY"] == "payload"


def raw_request(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_underscore_headers_are_dropped_and_repeats_joined(
    serve: t.Callable[..., BaseWSGIServer],
) -> None:
    server = serve()
    response = raw_request(
        server.port,
        b"GET / HTTP/1.1\r\nHost: x\r\nX_Token: spoofed\r\nX-Multi: a\r\n"
        b"X-Multi: b\r\nConnection: close\r\n\r\n",
    )
    values = parse_lines(response.split(b"\r\n\r\n", 1)[1])
    assert values["HTTP_X_TOKEN"] == "None"
    assert values["HTTP_X_MULTI"] == "a,b"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", b"414"),
        (b"GET / HTTP/1.1\r\n" + b"X-A: b\r\n" * 101 + b"\r\n", b"431"),
        (b"GET / HTTP/1.1\r\nX-Long: " + b"v" * 70_000 + b"\r\n\r\n", b"431"),
        (b"\x00\xff garbage\r\n\r\n", b"400"),
        (b"GET / HTTP/9.9\r\n\r\n", b"505"),
        (b"GET /\r\n\r\n", b"200"),  # HTTP/0.9 style: the body comes back bare
    ],
)
def test_hostile_requests_get_errors(
    serve: t.Callable[..., BaseWSGIServer], raw: bytes, status: bytes
) -> None:
    server = serve()
    response = raw_request(server.port, raw)
    if status == b"200":
        assert b"PATH_INFO=/" in response
    elif response.startswith(b"HTTP/"):
        assert response.split(b"\r\n", 1)[0].split()[1] == status
    else:  # an error to a request line without a version has no status line
        assert b"Error code: " + status in response


def test_server_survives_a_truncated_request(
    serve: t.Callable[..., BaseWSGIServer],
) -> None:
    server = serve()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(b"GET / HT")
    assert fetch(f"http://127.0.0.1:{server.port}/")[0] == 200


def test_requests_are_logged(
    serve: t.Callable[..., BaseWSGIServer], caplog: pytest.LogCaptureFixture
) -> None:
    server = serve()
    with caplog.at_level(logging.INFO, "erlen.serving"):
        fetch(f"http://127.0.0.1:{server.port}/logged")
        deadline = time.monotonic() + 10
        while not caplog.records and time.monotonic() < deadline:
            time.sleep(0.01)
    message = caplog.records[0].getMessage()
    assert message.startswith("127.0.0.1 - - [")
    assert '"GET /logged HTTP/1.1" 200' in message


def failing_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    raise RuntimeError("app failed")


def test_app_error_gives_500(
    serve: t.Callable[..., BaseWSGIServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = serve(failing_app)
    status, _, _ = fetch(f"http://127.0.0.1:{server.port}/")
    assert status == 500
    assert "RuntimeError: app failed" in capsys.readouterr().err


def test_passthrough_errors_reraise() -> None:
    server = make_server("127.0.0.1", 0, failing_app, passthrough_errors=True)
    try:
        thread = threading.Thread(
            target=lambda: raw_request(server.port, b"GET / HTTP/1.0\r\n\r\n"),
            daemon=True,
        )
        thread.start()
        with pytest.raises(RuntimeError, match="app failed"):
            server.handle_request()
        thread.join(10)
    finally:
        server.server_close()


def test_https_with_certificate_pair(
    serve: t.Callable[..., BaseWSGIServer],
    tmp_path: t.Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cert = tmp_path / "cert.pem"
    key = tmp_path / "key.pem"
    cert.write_text(TEST_CERT)
    key.write_text(TEST_KEY)
    server = serve(ssl_context=(str(cert), str(key)))
    client_context = ssl.create_default_context(cafile=str(cert))
    with urllib.request.urlopen(
        f"https://localhost:{server.port}/", context=client_context, timeout=10
    ) as response:
        values = parse_lines(response.read())
    assert values["wsgi.url_scheme"] == "https"
    with caplog.at_level(logging.INFO, "erlen.serving"):
        server.log_startup()
    assert f" * Running on https://127.0.0.1:{server.port}" in caplog.text


def test_ssl_context_object_and_unknown_string(tmp_path: t.Any) -> None:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server = make_server("127.0.0.1", 0, echo_app, ssl_context=context)
    try:
        assert server.ssl_context is context
    finally:
        server.server_close()
    with pytest.raises(ValueError, match="Unknown ssl_context 'nope'"):
        make_server("127.0.0.1", 0, echo_app, ssl_context="nope")  # type: ignore[arg-type]


def test_adhoc_certificate_needs_cryptography(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cryptography", None)
    monkeypatch.setitem(sys.modules, "cryptography.x509", None)
    with pytest.raises(TypeError, match="requires the cryptography library"):
        make_server("127.0.0.1", 0, echo_app, ssl_context="adhoc")


def test_threads_and_processes_are_exclusive() -> None:
    with pytest.raises(ValueError, match="multi-thread and multi-process"):
        make_server("127.0.0.1", 0, echo_app, threaded=True, processes=2)


def test_forking_server_settings() -> None:
    server = make_server("127.0.0.1", 0, echo_app, processes=3)
    try:
        assert isinstance(server, serving.ForkingWSGIServer)
        assert server.multiprocess is True
        assert server.max_children == 3
    finally:
        server.server_close()


@pytest.mark.parametrize(
    ("host", "family"),
    [
        ("127.0.0.1", socket.AF_INET),
        ("localhost", socket.AF_INET),
        ("::1", socket.AF_INET6),
    ],
)
def test_select_address_family(host: str, family: socket.AddressFamily) -> None:
    assert select_address_family(host, 0) == family


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("0.0.0.0", [" * Running on all addresses (0.0.0.0)", "://127.0.0.1:"]),
        ("::", [" * Running on all addresses (::)", "://[::1]:"]),
        ("::1", [" * Running on http://[::1]:"]),
    ],
)
def test_log_startup_for_wildcard_hosts(
    host: str,
    expected: list[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(serving, "get_interface_ip", lambda family: "10.1.2.3")
    server = make_server("127.0.0.1", 0, echo_app)
    try:
        server.host = host
        with caplog.at_level(logging.INFO, "erlen.serving"):
            server.log_startup()
    finally:
        server.server_close()
    assert "WARNING: This is a development server." in caplog.text
    for line in expected:
        assert line in caplog.text


def test_get_interface_ip(monkeypatch: pytest.MonkeyPatch) -> None:
    assert isinstance(serving.get_interface_ip(socket.AF_INET), str)

    class NoRoute:
        def __init__(self, *args: t.Any) -> None:
            pass

        def __enter__(self) -> NoRoute:
            return self

        def __exit__(self, *args: t.Any) -> None:
            pass

        def connect(self, address: t.Any) -> None:
            raise OSError("unreachable")

    monkeypatch.setattr(socket, "socket", NoRoute)
    assert serving.get_interface_ip(socket.AF_INET) == "127.0.0.1"
    assert serving.get_interface_ip(socket.AF_INET6) == "::1"


def test_log_adds_a_handler_when_none_is_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logger = logging.getLogger("erlen.serving")
    monkeypatch.setattr(logger, "level", logging.NOTSET)
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setattr(logger, "propagate", False)
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    serving._log(logging.INFO, "hello log")
    assert logger.level == logging.INFO
    assert stream.getvalue() == "hello log\n"


# -- run_simple --------------------------------------------------------------------


def test_run_simple_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError, match="port must be an integer"):
        run_simple("127.0.0.1", "5000", echo_app)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Unsupported reloader type 'watchdog'"):
        run_simple("127.0.0.1", 0, echo_app, reloader_type="watchdog")


@pytest.fixture
def captured_servers(monkeypatch: pytest.MonkeyPatch) -> list[BaseWSGIServer]:
    """Make run_simple's servers on 127.0.0.1:0 whatever host it is given."""
    servers: list[BaseWSGIServer] = []
    real_make_server = serving.make_server

    def fake_make_server(
        host: str, port: int, app: t.Any, *args: t.Any, **kwargs: t.Any
    ) -> BaseWSGIServer:
        server = real_make_server("127.0.0.1", 0, app, *args, **kwargs)
        servers.append(server)
        return server

    monkeypatch.setattr(serving, "make_server", fake_make_server)
    return servers


def run_in_thread(**kwargs: t.Any) -> threading.Thread:
    thread = threading.Thread(target=run_simple, kwargs=kwargs, daemon=True)
    thread.start()
    return thread


def wait_for(servers: list[BaseWSGIServer]) -> BaseWSGIServer:
    deadline = time.monotonic() + 10
    while not servers and time.monotonic() < deadline:
        time.sleep(0.01)
    return servers[0]


def test_run_simple_serves_with_debugger_and_static_files(
    captured_servers: list[BaseWSGIServer],
    tmp_path: t.Any,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "hello.txt").write_text("static hello")
    with caplog.at_level(logging.INFO, "erlen.serving"):
        thread = run_in_thread(
            hostname="0.0.0.0",
            port=0,
            application=failing_app,
            use_debugger=True,
            static_files={"/static": str(tmp_path)},
            threaded=True,
        )
        server = wait_for(captured_servers)
        try:
            status, headers, body = fetch(f"http://127.0.0.1:{server.port}/boom")
            static = fetch(f"http://127.0.0.1:{server.port}/static/hello.txt")
        finally:
            server.shutdown()
            thread.join(10)
    assert status == 500
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"RuntimeError: app failed" in body
    assert static[2] == b"static hello"
    text = caplog.text
    assert "WARNING: This is a development server." in text
    assert "Press CTRL+C to quit" in text
    assert " * Debugger is active!" in text
    assert "The debugger is reachable from other hosts." in text
    assert "RuntimeError: app failed" in capsys.readouterr().err


def test_run_simple_in_reloader_child_uses_inherited_socket(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    monkeypatch.setenv("ERLEN_RUN_MAIN", "true")
    monkeypatch.setenv("ERLEN_SERVER_FD", str(listener.fileno()))
    servers: list[BaseWSGIServer] = []
    real_make_server = serving.make_server

    def spy(*args: t.Any, **kwargs: t.Any) -> BaseWSGIServer:
        server = real_make_server(*args, **kwargs)
        servers.append(server)
        return server

    monkeypatch.setattr(serving, "make_server", spy)
    try:
        with caplog.at_level(logging.INFO, "erlen.serving"):
            thread = run_in_thread(
                hostname="127.0.0.1", port=12345, application=echo_app
            )
            server = wait_for(servers)
            assert server.port == port
            assert fetch(f"http://127.0.0.1:{port}/child")[0] == 200
            server.shutdown()
            thread.join(10)
        assert "development server" not in caplog.text  # the parent printed it
    finally:
        listener.close()


def test_run_simple_with_reloader_hands_the_socket_on(
    monkeypatch: pytest.MonkeyPatch, captured_servers: list[BaseWSGIServer]
) -> None:
    calls: list[dict[str, t.Any]] = []

    def fake_run_with_reloader(main_func: t.Any, **kwargs: t.Any) -> None:
        calls.append(kwargs)

    monkeypatch.setattr(serving, "run_with_reloader", fake_run_with_reloader)
    monkeypatch.delenv("ERLEN_SERVER_FD", raising=False)
    run_simple(
        "127.0.0.1",
        0,
        echo_app,
        use_reloader=True,
        use_debugger=True,
        extra_files=["x"],
        exclude_patterns=["*.y"],
        reloader_interval=0.5,
    )
    server = captured_servers[0]
    assert (
        os.environ["ERLEN_SERVER_FD"] == str(server.fileno()) or server.fileno() == -1
    )
    assert calls == [
        {"extra_files": ["x"], "exclude_patterns": ["*.y"], "interval": 0.5}
    ]
    monkeypatch.delenv("ERLEN_SERVER_FD")


# -- the reloader ------------------------------------------------------------------


def bump_mtime(path: t.Any) -> None:
    stat = os.stat(path)
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))


def test_stat_reloader_detects_changes(tmp_path: t.Any) -> None:
    watched = tmp_path / "watched.cfg"
    ignored = tmp_path / "ignored.tmp"
    watched.write_text("a")
    ignored.write_text("a")
    reloader = StatReloaderLoop(
        [str(watched), str(ignored), str(tmp_path / "missing")], ["*.tmp"], 0
    )
    files = set(reloader.iter_watched_files())
    assert str(watched) in files
    assert str(ignored) not in files
    assert serving.__file__ in files
    assert reloader.check() is None
    bump_mtime(ignored)
    assert reloader.check() is None
    bump_mtime(watched)
    assert reloader.check() == str(watched)


def test_module_files_map_bytecode_to_source(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("fake_compiled")
    fake.__file__ = "/somewhere/fake_compiled.pyc"
    monkeypatch.setitem(sys.modules, "fake_compiled", fake)
    assert "/somewhere/fake_compiled.py" in set(serving._iter_module_files())


def test_stat_reloader_run_exits_with_3(
    tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    watched = tmp_path / "w.txt"
    watched.write_text("a")
    reloader = StatReloaderLoop([str(watched)], interval=0)
    reloader.check()
    sleeps = []

    def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        if len(sleeps) == 2:
            bump_mtime(watched)

    monkeypatch.setattr(time, "sleep", fake_sleep)
    with (
        caplog.at_level(logging.INFO, "erlen.serving"),
        pytest.raises(SystemExit) as info,
    ):
        reloader.run()
    assert info.value.code == 3
    assert len(sleeps) == 2
    assert f" * Detected change in {str(watched)!r}, reloading" in caplog.text


def test_restart_with_reloader_loops_while_exit_code_is_3(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    codes = iter([3, 3, 7])
    seen: list[tuple[list[str], str | None, bool]] = []

    def fake_call(args: list[str], env: dict[str, str], close_fds: bool) -> int:
        seen.append((args, env.get("ERLEN_RUN_MAIN"), close_fds))
        return next(codes)

    monkeypatch.setattr(subprocess, "call", fake_call)
    with caplog.at_level(logging.INFO, "erlen.serving"):
        assert StatReloaderLoop().restart_with_reloader() == 7
    assert len(seen) == 3
    assert all(run_main == "true" and not close_fds for _, run_main, close_fds in seen)
    assert seen[0][0][0] == sys.executable
    assert caplog.text.count(" * Restarting with stat") == 3


@pytest.fixture
def no_signal(monkeypatch: pytest.MonkeyPatch) -> list[t.Any]:
    installed: list[t.Any] = []
    monkeypatch.setattr(signal, "signal", lambda *args: installed.append(args))
    return installed


def test_run_with_reloader_parent_exits_with_child_status(
    monkeypatch: pytest.MonkeyPatch, no_signal: list[t.Any]
) -> None:
    monkeypatch.delenv("ERLEN_RUN_MAIN", raising=False)
    monkeypatch.setattr(StatReloaderLoop, "restart_with_reloader", lambda self: 5)
    with pytest.raises(SystemExit) as info:
        run_with_reloader(lambda: None)
    assert info.value.code == 5
    assert no_signal[0][0] == signal.SIGTERM
    with pytest.raises(SystemExit) as info:
        no_signal[0][1](signal.SIGTERM, None)
    assert info.value.code == 0


def test_run_with_reloader_child_serves_in_a_thread(
    monkeypatch: pytest.MonkeyPatch, no_signal: list[t.Any]
) -> None:
    monkeypatch.setenv("ERLEN_RUN_MAIN", "true")
    served = threading.Event()

    def fake_run(self: StatReloaderLoop) -> None:
        assert served.wait(10)
        assert self.mtimes  # the baseline was taken before serving
        raise KeyboardInterrupt

    monkeypatch.setattr(StatReloaderLoop, "run", fake_run)
    run_with_reloader(served.set, extra_files=[__file__])


@pytest.mark.parametrize(
    ("spec_name", "argv", "expected_tail"),
    [
        ("erlen.__main__", ["/x/erlen/__main__.py", "run"], ["-m", "erlen", "run"]),
        ("pkg.tool", ["/x/pkg/tool.py", "--a"], ["-m", "pkg.tool", "--a"]),
        (None, [__file__, "run", "--port", "1"], [__file__, "run", "--port", "1"]),
    ],
)
def test_args_for_reloading(
    monkeypatch: pytest.MonkeyPatch,
    spec_name: str | None,
    argv: list[str],
    expected_tail: list[str],
) -> None:
    main = types.ModuleType("__main__")
    main.__spec__ = None if spec_name is None else importlib_spec(spec_name)
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.setattr(sys, "warnoptions", ["ignore::DeprecationWarning"])
    monkeypatch.setattr(sys, "_xoptions", {"dev": True, "utf8": "1"})
    args = get_args_for_reloading()
    assert args[:4] == [
        sys.executable,
        "-Wignore::DeprecationWarning",
        "-Xdev",
        "-Xutf8=1",
    ]
    assert args[4:] == expected_tail


def importlib_spec(name: str) -> t.Any:
    import importlib.machinery

    return importlib.machinery.ModuleSpec(name, None)


def test_args_for_reloading_windows_exe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any
) -> None:
    exe = tmp_path / "erlen.exe"
    exe.write_text("")
    main = types.ModuleType("__main__")
    main.__spec__ = None
    monkeypatch.setitem(sys.modules, "__main__", main)
    monkeypatch.setattr(sys, "argv", [str(tmp_path / "erlen"), "run"])
    assert get_args_for_reloading() == [str(exe), "run"]


# -- the debugger page -------------------------------------------------------------


class Recorder:
    """A start_response that can pretend the headers were already sent."""

    def __init__(self, sent: bool = False) -> None:
        self.calls: list[tuple[str, list[tuple[str, str]]]] = []
        self.sent = sent

    def __call__(
        self, status: str, headers: list[tuple[str, str]], exc_info: t.Any = None
    ) -> t.Callable[[bytes], object]:
        if exc_info is not None and self.sent:
            raise exc_info[1].with_traceback(exc_info[2])
        self.calls.append((status, headers))
        return lambda data: None


def run_debugged(app: t.Any, recorder: Recorder) -> tuple[bytes, str]:
    errors = io.StringIO()
    environ = {"wsgi.errors": errors}
    body = b"".join(DebuggedApplication(app)(environ, recorder))
    return body, errors.getvalue()


def test_debugger_page_escapes_everything() -> None:
    def app(environ: t.Any, start_response: t.Any) -> list[bytes]:
        raise ValueError("<script>alert('x')</script>" + "&" * 2_000_000)

    recorder = Recorder()
    body, errors = run_debugged(app, recorder)
    page = body.decode()
    assert recorder.calls[0][0] == "500 INTERNAL SERVER ERROR"
    assert (
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'",
    ) in recorder.calls[0][1]
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<h1>ValueError</h1>" in page
    assert 'in <code class="function">app</code>' in page
    assert "no interactive console" in page
    assert "ValueError: <script>" in errors


def test_debugger_replaces_a_started_unsent_response() -> None:
    def app(environ: t.Any, start_response: t.Any) -> cabc.Iterator[bytes]:
        start_response("200 OK", [])
        yield from ()  # the error comes when the server starts iterating
        raise KeyError("late")

    recorder = Recorder()
    body, _ = run_debugged(app, recorder)
    assert [status for status, _ in recorder.calls] == [
        "200 OK",
        "500 INTERNAL SERVER ERROR",
    ]
    assert b"KeyError" in body


def test_debugger_after_headers_were_sent_only_logs() -> None:
    closed = []

    class Body:
        def __iter__(self) -> cabc.Iterator[bytes]:
            yield b"partial"
            raise OSError("stream broke")

        def close(self) -> None:
            closed.append(True)

    def app(environ: t.Any, start_response: t.Any) -> Body:
        start_response("200 OK", [])
        return Body()

    body, errors = run_debugged(app, Recorder(sent=True))
    assert body == b"partial"
    assert "at a point where response headers were already sent" in errors
    assert "OSError: stream broke" in errors
    assert closed == [True]


def test_debugger_passes_good_responses_through() -> None:
    recorder = Recorder()

    def app(environ: t.Any, start_response: t.Any) -> list[bytes]:
        start_response("204 NO CONTENT", [])
        return [b"a", b"b"]

    body, errors = run_debugged(app, recorder)
    assert body == b"ab"
    assert errors == ""
    assert recorder.calls == [("204 NO CONTENT", [])]
    assert DebuggedApplication(echo_app, evalex=True).evalex is True


def test_debugger_page_shows_exception_chain() -> None:
    try:
        try:
            raise KeyError("first")
        except KeyError as exc:
            raise RuntimeError("second") from exc
    except RuntimeError as exc:
        caused = exc
    try:
        try:
            raise KeyError("inner")
        except KeyError:
            raise TypeError("outer") from None
    except TypeError as exc:
        suppressed = exc
    context = TypeError("during")
    context.__context__ = KeyError("ctx")
    page = render_traceback_html(caused)
    assert (
        page.index("KeyError: &#x27;first&#x27;")
        < page.index("direct cause")
        < page.rindex("RuntimeError: second")
    )
    assert "inner" not in render_traceback_html(suppressed)
    assert "During handling of the above exception" in render_traceback_html(context)
    assert "<h1>Exception</h1>" in render_traceback_html(Exception())


# -- the real thing: ``python -m erlen run --reload`` ------------------------------


class ServerProcess:
    """A ``python -m erlen ... run`` child whose stderr lines are collected."""

    def __init__(self, args: list[str], cwd: str) -> None:
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
        for key in ("ERLEN_RUN_MAIN", "ERLEN_SERVER_FD", "ERLEN_RUN_FROM_CLI"):
            env.pop(key, None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "erlen", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # one process group: parent and reloaded child
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def wait_for_line(self, needle: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if needle in line:
                return line
        raise AssertionError(f"{needle!r} not seen in {self.seen!r}")

    def stop(self) -> None:
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
        self.proc.wait(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def poll(url: str, expected: bytes, timeout: float = 30) -> tuple[int, bytes]:
    deadline = time.monotonic() + timeout
    last: tuple[int, bytes] = (0, b"")
    while time.monotonic() < deadline:
        try:
            last = fetch(url)[::2]
        except OSError:
            pass
        if expected in last[1]:
            return last
        time.sleep(0.1)
    raise AssertionError(f"{expected!r} never answered; last {last!r}")


APP_TEMPLATE = """\
from erlen import Erlen

app = Erlen(__name__)

@app.route("/")
def index():
    return {body}
"""


def test_run_reloads_changed_code(tmp_path: t.Any) -> None:
    module = tmp_path / "live_app.py"
    module.write_text(APP_TEMPLATE.format(body='"first version"'))
    extra = tmp_path / "settings.cfg"
    extra.write_text("x")
    server = ServerProcess(
        [
            "--app",
            "live_app",
            "--debug",  # debug mode lets errors reach the debugger page
            "run",
            "--port",
            "0",
            "--reload",
            "--extra-files",
            str(extra),
        ],
        cwd=str(tmp_path),
    )
    try:
        line = server.wait_for_line(" * Running on http://127.0.0.1:")
        url = line.strip().rsplit(" ", 1)[1] + "/"
        assert poll(url, b"first version")[0] == 200

        module.write_text(APP_TEMPLATE.format(body='"second, longer version"'))
        bump_mtime(module)
        server.wait_for_line(f" * Detected change in {str(module)!r}")
        assert poll(url, b"second, longer version")[0] == 200

        module.write_text(APP_TEMPLATE.format(body="1 / 0"))
        bump_mtime(module)
        status, body = poll(url, b"ZeroDivisionError")
        assert status == 500
        assert b"Erlen Debugger" in body

        bump_mtime(extra)
        server.wait_for_line(f" * Detected change in {str(extra)!r}")
    finally:
        server.stop()
    assert server.proc.returncode is not None
