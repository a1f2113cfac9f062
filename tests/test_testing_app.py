"""ErlenClient and the app-aware EnvironBuilder of ``erlen.testing``."""

from __future__ import annotations

import typing as t

import pytest

import erlen
from erlen import Erlen
from erlen import session
from erlen.globals import _cv_request
from erlen.testing import EnvironBuilder
from erlen.testing import ErlenClient
from erlen.testing import WSGIEnvironBuilder
from erlen.wrappers import Request


def test_test_client_is_an_erlen_client(app: Erlen, client: ErlenClient) -> None:
    @app.route("/")
    def index() -> str:
        return f"{erlen.request.remote_addr} {erlen.request.user_agent.string}"

    assert isinstance(client, ErlenClient)
    response = client.get("/")
    assert response.text == f"127.0.0.1 erlen/{erlen.__version__}"
    assert isinstance(response, app.response_class)


@pytest.mark.parametrize(
    ("config", "kwargs", "expected_url"),
    [
        ({}, {}, "http://localhost/p"),
        ({"SERVER_NAME": "example.com"}, {}, "http://example.com/p"),
        (
            {"SERVER_NAME": "example.com"},
            {"subdomain": "api"},
            "http://api.example.com/p",
        ),
        ({"PREFERRED_URL_SCHEME": "https"}, {}, "https://localhost/p"),
        ({}, {"url_scheme": "https"}, "https://localhost/p"),
        ({"APPLICATION_ROOT": "/root"}, {}, "http://localhost/root/p"),
        ({}, {"base_url": "http://other:81/b"}, "http://other:81/b/p"),
    ],
)
def test_builder_uses_app_config(
    app: Erlen, config: dict[str, str], kwargs: dict[str, str], expected_url: str
) -> None:
    app.config.update(config)
    builder = EnvironBuilder(app, "/p", **kwargs)
    assert builder.get_request().url == expected_url


def test_builder_matches_flask(app: Erlen) -> None:
    from flask import Flask
    from flask.testing import EnvironBuilder as FlaskBuilder

    flask_app = Flask(__name__)
    settings = {"SERVER_NAME": "ex.com:8080", "APPLICATION_ROOT": "/r"}
    flask_app.config.update(settings)
    app.config.update(settings)
    for path in ("/a?x=1", "https://h.example/b", "/c"):
        theirs = FlaskBuilder(flask_app, path, subdomain="s").get_environ()
        ours = EnvironBuilder(app, path, subdomain="s").get_environ()
        for key in (
            "HTTP_HOST",
            "PATH_INFO",
            "SCRIPT_NAME",
            "QUERY_STRING",
            "wsgi.url_scheme",
            "SERVER_PORT",
            "REQUEST_URI",
        ):
            assert ours[key] == theirs[key], (path, key)


def test_builder_refuses_base_url_with_subdomain(app: Erlen) -> None:
    with pytest.raises(AssertionError, match="Cannot pass"):
        EnvironBuilder(app, base_url="http://x/", subdomain="a")


def test_json_uses_the_app_provider(app: Erlen, client: ErlenClient) -> None:
    # The default provider sorts keys; the standard library would not.

    @app.post("/echo")
    def echo() -> t.Any:
        return erlen.request.get_data()

    response = client.post("/echo", json={"b": 1, "a": 2})
    assert response.get_data() == b'{"a": 2, "b": 1}'
    assert response.request.content_type == "application/json"


def test_response_json_uses_the_app_provider(app: Erlen, client: ErlenClient) -> None:
    @app.route("/")
    def index() -> t.Any:
        return {"a": 1}

    response = client.get("/")
    assert response.json == {"a": 1}
    assert response.json_module is app.json


def test_open_with_builder_environ_and_request(app: Erlen, client: ErlenClient) -> None:
    @app.route("/<name>")
    def show(name: str) -> str:
        return f"{name} {erlen.request.remote_addr}"

    assert client.open(EnvironBuilder(app, "/builder")).text == "builder 127.0.0.1"
    plain = WSGIEnvironBuilder("/plain").get_environ()
    assert client.open(plain).text == "plain 127.0.0.1"
    request = Request(WSGIEnvironBuilder("/req").get_environ())
    assert client.open(request).text == "req 127.0.0.1"
    assert "REMOTE_ADDR" not in request.environ


def test_session_round_trip(app: Erlen, client: ErlenClient) -> None:
    @app.route("/set")
    def set_value() -> str:
        session["value"] = "42"
        return ""

    @app.route("/get")
    def get_value() -> str:
        return str(session.get("value"))

    client.get("/set")
    assert client.get("/get").text == "42"
    with client.session_transaction() as sess:
        assert sess["value"] == "42"
        sess["value"] = "changed"
    assert client.get("/get").text == "changed"


def test_session_transaction_without_changes_keeps_cookie(
    app: Erlen, client: ErlenClient
) -> None:
    with client.session_transaction() as sess:
        sess["a"] = 1
    cookie = client.get_cookie("session")
    assert cookie is not None
    with client.session_transaction() as sess:
        assert sess["a"] == 1
    assert client.get_cookie("session") == cookie


def test_session_transaction_needs_cookies(app: Erlen) -> None:
    client = app.test_client(use_cookies=False)
    with pytest.raises(TypeError, match="Cookies are disabled"):
        with client.session_transaction():
            pass


def test_session_transaction_without_secret_key(
    app: Erlen, client: ErlenClient
) -> None:
    app.secret_key = None
    with pytest.raises(RuntimeError, match="Session backend did not open a session"):
        with client.session_transaction():
            pass


def test_session_transaction_with_null_session(app: Erlen, client: ErlenClient) -> None:
    interface = app.session_interface

    class NullOpening(type(interface)):  # type: ignore[misc]
        def open_session(self, app: Erlen, request: Request) -> t.Any:
            return self.make_null_session(app)

    app.session_interface = NullOpening()
    with client.session_transaction() as sess:
        assert app.session_interface.is_null_session(sess)
    assert client.get_cookie("session") is None


def test_with_client_preserves_the_last_context(
    app: Erlen, client: ErlenClient
) -> None:
    @app.route("/<value>")
    def index(value: str) -> str:
        erlen.g.value = value
        return value

    with client:
        client.get("/first")
        assert erlen.request.path == "/first"
        assert erlen.g.value == "first"
        client.get("/second")
        assert erlen.request.path == "/second"
        assert erlen.g.value == "second"
    assert _cv_request.get(None) is None
    client.get("/third")
    assert _cv_request.get(None) is None


def test_with_client_cannot_nest(client: ErlenClient) -> None:
    with client:
        with pytest.raises(RuntimeError, match="Cannot nest"):
            with client:
                pass


def test_redirect_following_through_the_app(app: Erlen, client: ErlenClient) -> None:
    @app.route("/old")
    def old() -> t.Any:
        return erlen.redirect("/new")

    @app.route("/new")
    def new() -> str:
        return "new"

    response = client.get("/old", follow_redirects=True)
    assert response.text == "new"
    assert [r.status_code for r in response.history] == [302]
    with client:
        client.get("/old", follow_redirects=True)
        assert erlen.request.path == "/new"


def test_preserved_context_sees_the_session(app: Erlen, client: ErlenClient) -> None:
    @app.post("/login")
    def login() -> t.Any:
        session["user"] = "ada"
        return erlen.redirect("/home")

    @app.route("/home")
    def home() -> str:
        return str(session["user"])

    with client:
        response = client.post("/login", follow_redirects=True)
        assert response.text == "ada"
        assert session["user"] == "ada"
        current = erlen.request._get_current_object()  # type: ignore[attr-defined]
        with client.session_transaction() as sess:
            assert sess["user"] == "ada"
        assert erlen.request._get_current_object() is current  # type: ignore[attr-defined]


def test_client_can_be_reused_in_with_blocks(app: Erlen, client: ErlenClient) -> None:
    @app.route("/")
    def index() -> str:
        return "ok"

    for _ in range(2):
        with client:
            assert client.get("/").text == "ok"
            assert erlen.request.path == "/"
        assert _cv_request.get(None) is None


def test_full_url_request(app: Erlen, client: ErlenClient) -> None:
    @app.post("/action")
    def action() -> str:
        request = erlen.request
        return f"{request.host} {request.args['vodka']} {request.get_data()!r}"

    response = client.post("http://domain.com/action?vodka=42", data=b"gin")
    assert response.text == "domain.com 42 b'gin'"
