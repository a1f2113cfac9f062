"""run_wsgi_app, TestResponse, Client, redirects and cookies of ``erlen.test``."""

from __future__ import annotations

import collections.abc as cabc
import json
import sys
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest

from erlen.test import Client
from erlen.test import ClientRedirectError
from erlen.test import Cookie
from erlen.test import EnvironBuilder
from erlen.test import TestResponse
from erlen.test import create_environ
from erlen.test import run_wsgi_app
from erlen.wrappers import Request
from erlen.wrappers import Response

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment


def echo_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    """Answer with the interesting parts of the request as JSON."""
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    data = {
        "method": environ["REQUEST_METHOD"],
        "script": environ["SCRIPT_NAME"],
        "path": environ["PATH_INFO"],
        "query": environ["QUERY_STRING"],
        "host": environ["HTTP_HOST"],
        "cookie": environ.get("HTTP_COOKIE"),
        "body": body.decode("latin-1"),
        "content_type": environ.get("CONTENT_TYPE"),
    }
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(data).encode()]


# -- run_wsgi_app ------------------------------------------------------------------


class Closing:
    def __init__(self, items: list[bytes]) -> None:
        self.items = items
        self.closed = False

    def __iter__(self) -> cabc.Iterator[bytes]:
        return iter(self.items)

    def close(self) -> None:
        self.closed = True


def test_run_wsgi_app_with_late_start_response() -> None:
    def app(
        environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterator[bytes]:
        yield b""
        start_response("201 CREATED", [("X-Late", "yes")])
        yield b"a"
        yield b"b"

    app_iter, status, headers = run_wsgi_app(app, create_environ())
    assert status == "201 CREATED"
    assert headers["X-Late"] == "yes"
    assert b"".join(app_iter) == b"ab"


@pytest.mark.parametrize("buffered", [True, False])
def test_run_wsgi_app_closes_the_iterable(buffered: bool) -> None:
    body = Closing([b"x", b"y"])

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Closing:
        start_response("200 OK", [])
        return body

    app_iter, _status, _headers = run_wsgi_app(app, create_environ(), buffered=buffered)
    assert body.closed is buffered
    assert list(app_iter) == [b"x", b"y"]
    if not buffered:
        app_iter.close()  # type: ignore[attr-defined]
        assert body.closed


def test_run_wsgi_app_write_callable_comes_first() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        write = start_response("200 OK", [])
        write(b"written ")
        return [b"returned"]

    for buffered in (True, False):
        app_iter, _s, _h = run_wsgi_app(app, create_environ(), buffered=buffered)
        assert b"".join(app_iter) == b"written returned"


def test_run_wsgi_app_reraises_exc_info() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        try:
            raise KeyError("boom")
        except KeyError:
            start_response("500 ERROR", [], sys.exc_info())
        return []

    with pytest.raises(KeyError, match="boom"):
        run_wsgi_app(app, create_environ())


def test_run_wsgi_app_without_start_response() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        return [b"x"]

    with pytest.raises(RuntimeError, match="did not call start_response"):
        run_wsgi_app(app, create_environ())


def test_run_wsgi_app_accepts_builder_and_request() -> None:
    for source in (EnvironBuilder("/b"), Request(create_environ("/b"))):
        app_iter, status, _h = run_wsgi_app(echo_app, source)  # type: ignore[arg-type]
        assert json.loads(b"".join(app_iter))["path"] == "/b"
    with pytest.raises(TypeError, match="Expected an environ"):
        run_wsgi_app(echo_app, "/nope")  # type: ignore[arg-type]


# -- TestResponse --------------------------------------------------------------------


def test_response_carries_request_and_parses_json() -> None:
    client = Client(echo_app)
    response = client.post("/p", data="hi", content_type="text/plain")
    assert isinstance(response, TestResponse)
    assert response.status_code == 200
    assert response.request.path == "/p"
    assert response.history == ()
    assert response.json["body"] == "hi"
    assert response.get_json()["method"] == "POST"
    assert json.loads(response.text)["method"] == "POST"


def test_response_has_no_default_mimetype() -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [])
        return [b"{}"]

    response = Client(app).get()
    assert "Content-Type" not in response.headers
    assert response.json is None
    assert response.get_json(force=True) == {}


def test_json_module_is_used_when_set() -> None:
    class Loader:
        @staticmethod
        def loads(data: bytes) -> t.Any:
            return ("custom", json.loads(data))

    response = Client(echo_app).get("/")
    response.json_module = Loader
    assert response.json[0] == "custom"
    response.headers["Content-Type"] = "text/plain"
    assert response.get_json() is None
    response.set_data(b"{bad")
    assert response.get_json(force=True, silent=True) is None
    with pytest.raises(ValueError):
        response.get_json(force=True)


def test_response_wrapper_is_mixed_with_test_response() -> None:
    class AppResponse(Response):
        marker = "app"

    client = Client(echo_app, AppResponse)
    response = client.get("/")
    assert isinstance(response, AppResponse)
    assert isinstance(response, TestResponse)
    assert response.marker == "app"
    assert Client(echo_app, Response).response_wrapper is TestResponse

    class OwnTestResponse(TestResponse):
        pass

    assert Client(echo_app, OwnTestResponse).response_wrapper is OwnTestResponse


# -- Client.open ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "method", ["get", "post", "put", "delete", "patch", "options", "head", "trace"]
)
def test_method_shortcuts(method: str) -> None:
    response = getattr(Client(echo_app), method)("/m", method="IGNORED")
    assert response.request.method == method.upper()


def test_open_accepts_builder_environ_and_request() -> None:
    client = Client(echo_app)
    builder = EnvironBuilder("/from-builder")
    assert client.open(builder).json["path"] == "/from-builder"
    assert client.open(create_environ("/from-dict")).json["path"] == "/from-dict"
    request = Request(create_environ("/from-request"))
    assert client.open(request).request is request


def test_client_environ_base_is_merged() -> None:
    client = Client(echo_app)
    client.environ_base = {"HTTP_HOST": "base.example", "REMOTE_ADDR": "10.0.0.1"}
    response = client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert response.json["host"] == "localhost"
    assert response.request.environ["REMOTE_ADDR"] == "10.0.0.2"
    assert repr(client).startswith("<Client <function echo_app")


def test_buffered_response_is_read() -> None:
    body = Closing([b"a", b"b"])

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Closing:
        start_response("200 OK", [])
        return body

    response = Client(app).get(buffered=True)
    assert body.closed
    assert response.get_data() == b"ab"


# -- redirects -------------------------------------------------------------------------


def redirect_app(
    environ: WSGIEnvironment, start_response: StartResponse
) -> list[bytes]:
    path = environ["PATH_INFO"]
    targets = {
        "/301": ("301 MOVED", "/target"),
        "/302": ("302 FOUND", "http://localhost/target?q=1"),
        "/303": ("303 SEE OTHER", "/target"),
        "/307": ("307 TEMPORARY REDIRECT", "/target"),
        "/308": ("308 PERMANENT REDIRECT", "target"),
        "/loop": ("302 FOUND", "/loop"),
        "/chain": ("302 FOUND", "/301"),
        "/external": ("302 FOUND", "http://other.example/"),
        "/sub": ("302 FOUND", "http://api.localhost/target"),
        "/root": ("302 FOUND", "/app/target"),
        "/outside": ("302 FOUND", "/elsewhere"),
    }
    if path in targets and not environ["SCRIPT_NAME"].endswith("/x"):
        status, location = targets[path]
        start_response(status, [("Location", location)])
        return [b"redirecting"]
    return echo_app(environ, start_response)


@pytest.mark.parametrize(
    ("path", "method", "body", "query"),
    [
        ("/301", "GET", "", ""),
        ("/302", "GET", "", "q=1"),
        ("/303", "GET", "", ""),
        ("/307", "POST", "payload", ""),
        ("/308", "POST", "payload", ""),
    ],
)
def test_follow_redirects_method_and_body(
    path: str, method: str, body: str, query: str
) -> None:
    response = Client(redirect_app).post(
        path, data="payload", content_type="text/plain", follow_redirects=True
    )
    assert response.json["path"] == "/target"
    assert response.json["method"] == method
    assert response.json["body"] == body
    assert response.json["query"] == query
    assert [r.status_code for r in response.history] == [int(path[1:])]
    assert response.request.path == "/target"


def test_redirect_not_followed_by_default() -> None:
    response = Client(redirect_app).get("/301")
    assert response.status_code == 301
    assert response.headers["Location"] == "/target"


def test_redirect_chain_history() -> None:
    response = Client(redirect_app).get("/chain", follow_redirects=True, buffered=True)
    assert [r.status_code for r in response.history] == [302, 301]
    assert response.history[0].get_data() == b"redirecting"


def test_redirect_loop_raises() -> None:
    with pytest.raises(ClientRedirectError, match="Loop detected: A 302 redirect"):
        Client(redirect_app).get("/loop", follow_redirects=True)


def test_external_and_subdomain_redirects() -> None:
    client = Client(redirect_app)
    with pytest.raises(RuntimeError, match="external redirects is not supported"):
        client.get("/external", follow_redirects=True)
    with pytest.raises(RuntimeError, match="subdomain redirects is not enabled"):
        client.get("/sub", follow_redirects=True)
    client = Client(redirect_app, allow_subdomain_redirects=True)
    response = client.get("/sub", follow_redirects=True)
    assert response.json["host"] == "api.localhost"


def test_redirect_keeps_or_drops_the_script_root() -> None:
    client = Client(redirect_app)
    response = client.get(
        "/root", base_url="http://localhost/app", follow_redirects=True
    )
    assert (response.json["script"], response.json["path"]) == ("/app", "/target")
    response = client.get(
        "/outside", base_url="http://localhost/app", follow_redirects=True
    )
    assert (response.json["script"], response.json["path"]) == ("", "/elsewhere")


# -- cookies -------------------------------------------------------------------------


def cookie_app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    request = Request(environ)
    cookies = sorted(request.cookies.items(multi=True))
    response = Response(json.dumps(cookies), mimetype="application/json")
    if request.path == "/set":
        response.set_cookie("a", "x y", path="/sub")
        response.set_cookie("b", '"q"')
        response.set_cookie(
            "c",
            "1",
            domain=".localhost",
            max_age=100,
            secure=True,
            httponly=True,
            samesite="Lax",
        )
    elif request.path == "/del":
        response.delete_cookie("b")
    elif request.path == "/sub/set-default-path":
        response.headers.add("Set-Cookie", "d=1")
    elif request.path == "/old":
        response.headers.add("Set-Cookie", "e=1; Expires=Thu, 01 Jan 2015 00:00:00 GMT")
    return response(environ, start_response)  # type: ignore[return-value]


def cookies_sent(client: Client, path: str = "/", **kwargs: t.Any) -> list[list[str]]:
    return client.get(path, **kwargs).json


def test_cookies_match_werkzeug_behaviour() -> None:
    from werkzeug.test import Client as WerkzeugClient

    ours, theirs = Client(cookie_app), WerkzeugClient(cookie_app)
    for client in (ours, theirs):
        client.get("/set")
    for path in ("/", "/sub", "/sub/x", "/subx"):
        assert cookies_sent(ours, path) == theirs.get(path).json
    for key, path in (("a", "/sub"), ("b", "/"), ("c", "/"), ("a", "/")):
        mine, other = ours.get_cookie(key, path=path), theirs.get_cookie(key, path=path)
        if other is None:
            assert mine is None
            continue
        assert mine is not None
        for field in (
            "key",
            "value",
            "decoded_key",
            "decoded_value",
            "max_age",
            "domain",
            "origin_only",
            "path",
            "secure",
            "http_only",
            "same_site",
        ):
            assert getattr(mine, field) == getattr(other, field), field
    for client in (ours, theirs):
        client.get("/del")
    assert cookies_sent(ours) == theirs.get("/").json == [["c", "1"]]


def test_domain_cookie_reaches_subdomains_only_when_not_origin_only() -> None:
    client = Client(cookie_app)
    client.get("/set")
    assert cookies_sent(client, base_url="http://foo.localhost/") == [["c", "1"]]
    assert cookies_sent(client, base_url="http://notlocalhost/") == []


def test_set_get_delete_cookie() -> None:
    client = Client(cookie_app)
    client.set_cookie("z", "é")
    cookie = client.get_cookie("z")
    assert isinstance(cookie, Cookie)
    assert cookie.decoded_value == "é"
    assert cookies_sent(client) == [["z", "é"]]
    client.set_cookie("wide", "1", domain="example.com", origin_only=False)
    assert cookies_sent(client, base_url="http://www.example.com/") == [["wide", "1"]]
    client.delete_cookie("z")
    client.delete_cookie("missing")
    assert client.get_cookie("z") is None
    client.set_cookie("gone", "1", max_age=0)
    assert client.get_cookie("gone") is None


def test_default_cookie_path_is_the_request_directory() -> None:
    client = Client(cookie_app)
    client.get("/sub/set-default-path")
    cookie = client.get_cookie("d", path="/sub")
    assert cookie is not None and cookie.origin_only
    assert cookies_sent(client, "/sub/other") == [["d", "1"]]
    assert cookies_sent(client, "/") == []


def test_expired_cookies_are_not_stored_or_sent() -> None:
    client = Client(cookie_app)
    client.get("/old")
    assert client.get_cookie("e") is None
    client.set_cookie(
        "soon", "1", expires=datetime.now(timezone.utc) + timedelta(days=1)
    )
    cookie = client.get_cookie("soon")
    assert cookie is not None and cookie.expires is not None
    cookie.expires = datetime.now(timezone.utc) - timedelta(seconds=1)
    assert cookies_sent(client) == []
    assert client.get_cookie("soon") is None


def test_cookies_disabled() -> None:
    client = Client(cookie_app, use_cookies=False)
    client.get("/set")
    with pytest.raises(TypeError, match="Cookies are disabled"):
        client.get_cookie("b")
    with pytest.raises(TypeError, match="Cookies are disabled"):
        client.set_cookie("b", "1")
    with pytest.raises(TypeError, match="Cookies are disabled"):
        client.delete_cookie("b")
    assert cookies_sent(client, headers={"Cookie": "own=1"}) == [["own", "1"]]


def test_stale_cookie_header_is_replaced_or_removed() -> None:
    client = Client(cookie_app)
    environ = create_environ(headers={"Cookie": "stale=1"})
    assert client.open(environ).json == []


@pytest.mark.parametrize(
    "header",
    [
        "",
        "=",
        ";;;",
        "novalue",
        "k=v; Max-Age=abc; Expires=garbage; Domain=; Path=relative",
        "k=v; Max-Age=-5",
        "k=\x01\x7f; path=/x\x7f",
        "k=" + "v" * 100_000 + "; Path=/" * 50_000,
    ],
)
def test_hostile_set_cookie_headers(header: str) -> None:
    def app(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
        start_response("200 OK", [("Set-Cookie", header)])
        return []

    client = Client(app)
    client.get("/a/b")
    for cookie in client._cookies.values():  # type: ignore[union-attr]
        assert cookie.path.startswith("/")
        assert cookie.domain == "localhost"
