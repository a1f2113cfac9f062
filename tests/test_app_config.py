"""App attributes backed by config, lazily built parts, and the WSGI entry."""

from __future__ import annotations

import collections.abc as cabc
import json
import typing as t
from datetime import timedelta
from pathlib import Path

import flask
import pytest

from erlen import Erlen
from erlen import Response
from erlen import g
from erlen import request
from erlen.ctx import has_request_context
from erlen.json.provider import DefaultJSONProvider
from erlen.sessions import SecureCookieSessionInterface


def test_defaults_match_flask() -> None:
    app = Erlen("x")
    reference = flask.Flask("x")
    assert app.testing is reference.testing is False
    assert app.secret_key is reference.secret_key is None
    assert app.permanent_session_lifetime == reference.permanent_session_lifetime
    assert app.permanent_session_lifetime == timedelta(days=31)
    assert app.debug is reference.debug
    assert app.propagate_exceptions is False
    assert set(reference.config) <= set(app.config)


def test_config_attributes_read_and_write_config() -> None:
    app = Erlen("x")
    app.testing = True
    app.secret_key = "s3cret"
    assert app.config["TESTING"] is True
    assert app.config["SECRET_KEY"] == "s3cret"
    app.config["SECRET_KEY"] = b"bytes"
    assert app.secret_key == b"bytes"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (60, timedelta(seconds=60)),
        (timedelta(hours=1), timedelta(hours=1)),
        (None, None),
    ],
)
def test_permanent_session_lifetime_converts_seconds(
    value: t.Any, expected: timedelta | None
) -> None:
    app = Erlen("x")
    app.config["PERMANENT_SESSION_LIFETIME"] = value
    assert app.permanent_session_lifetime == expected
    app.permanent_session_lifetime = timedelta(minutes=5)
    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=5)


def test_debug_setter_updates_config_and_jinja_reload() -> None:
    app = Erlen("x")
    app.debug = False
    env: t.Any = app.jinja_env
    reloads = [env.auto_reload]
    app.debug = True
    assert app.config["DEBUG"] is True
    reloads.append(env.auto_reload)
    app.config["TEMPLATES_AUTO_RELOAD"] = False
    app.debug = False
    reloads.append(env.auto_reload)
    assert reloads == [False, True, True]


def test_debug_setter_before_jinja_env_exists() -> None:
    app = Erlen("x")
    app.debug = True
    assert "jinja_env" not in app.__dict__
    assert app.jinja_env.auto_reload is True


def test_name_is_the_import_name() -> None:
    assert Erlen("my.package").name == "my.package"


def test_json_provider_and_class() -> None:
    app = Erlen("x")
    assert app.json_provider_class is DefaultJSONProvider
    assert isinstance(app.json, DefaultJSONProvider)

    class Unsorted(DefaultJSONProvider):
        sort_keys = False

    other = Erlen("y")
    other.json_provider_class = Unsorted
    assert isinstance(other.json, Unsorted)
    assert other.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


def test_session_interface_is_settable() -> None:
    app = Erlen("x")
    default = app.session_interface
    assert isinstance(default, SecureCookieSessionInterface)
    assert app.session_interface is default

    class Custom(SecureCookieSessionInterface):
        pass

    custom = Custom()
    app.session_interface = custom
    assert app.session_interface is custom


def test_logger_is_named_after_the_app() -> None:
    app = Erlen("erlen_logger_test")
    assert app.logger.name == "erlen_logger_test"
    assert app.logger is app.logger


def test_jinja_environment_class_and_helpers(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "t.html").write_text("{{ value|double }}")
    app = Erlen("x", root_path=str(tmp_path))
    from erlen.templating import Environment

    assert app.jinja_environment is Environment

    class MyEnvironment(Environment):
        pass

    app.jinja_environment = MyEnvironment
    assert isinstance(app.jinja_env, MyEnvironment)
    assert app.select_jinja_autoescape("a.html") is True
    assert app.select_jinja_autoescape("a.txt") is False
    assert app.select_jinja_autoescape(None) is True
    assert app.create_global_jinja_loader().list_templates() == ["t.html"]


def test_template_filters_tests_and_globals(app: Erlen) -> None:
    @app.template_filter()
    def double(value: int) -> int:
        return value * 2

    @app.template_filter("triple")
    def three(value: int) -> int:
        return value * 3

    @app.template_test()
    def even(value: int) -> bool:
        return value % 2 == 0

    @app.template_test("odd")
    def is_odd(value: int) -> bool:
        return value % 2 == 1

    @app.template_global()
    def answer() -> int:
        return 42

    @app.template_global("name")
    def app_name() -> str:
        return "erlen"

    app.add_template_filter(str.upper, "up")
    source = (
        "{{ 2|double }} {{ 2|triple }} {{ 2 is even }} {{ 2 is odd }}"
        " {{ answer() }} {{ name() }} {{ 'a'|up }}"
    )
    with app.app_context():
        assert app.jinja_env.from_string(source).render() == (
            "4 6 True False 42 erlen A"
        )


def test_update_template_context_and_processors(app: Erlen) -> None:
    @app.context_processor
    def extra() -> dict[str, t.Any]:
        return {"extra": "value", "request": "overridden?"}

    with app.test_request_context("/ctx"):
        g.x = 1
        context: dict[str, t.Any] = {"extra": "given"}
        app.update_template_context(context)
        assert context["extra"] == "given"
        assert context["g"].x == 1
        assert context["request"] == "overridden?"
    with app.app_context():
        context = {}
        app.update_template_context(context)
        assert "g" in context
        assert "session" not in context


def test_shell_context(app: Erlen) -> None:
    @app.shell_context_processor
    def more() -> dict[str, t.Any]:
        return {"answer": 42}

    context = app.make_shell_context()
    assert context["app"] is app
    assert context["answer"] == 42
    assert "g" in context


def test_iter_blueprints(app: Erlen) -> None:
    from erlen import Blueprint

    first = Blueprint("first", __name__)
    second = Blueprint("second", __name__)
    app.register_blueprint(first)
    app.register_blueprint(second)
    assert list(app.iter_blueprints()) == [first, second]


def test_test_client_class(app: Erlen) -> None:
    from erlen.testing import ErlenClient

    class MyClient(ErlenClient):
        pass

    assert type(app.test_client()) is ErlenClient
    app.test_client_class = MyClient
    client = app.test_client(use_cookies=False)
    assert type(client) is MyClient


def test_make_config_and_aborter_hooks(tmp_path: Path) -> None:
    from erlen.config import Config

    class MyConfig(Config):
        pass

    class MyApp(Erlen):
        config_class = MyConfig

    app = MyApp("x", root_path=str(tmp_path))
    assert isinstance(app.config, MyConfig)
    assert app.config.root_path == str(tmp_path)


# -- the WSGI entry ------------------------------------------------------------------


def test_app_is_a_wsgi_callable(app: Erlen) -> None:
    @app.route("/")
    def index() -> str:
        return "wsgi"

    from erlen.test import create_environ

    statuses: list[str] = []

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
        statuses.append(status)
        return lambda data: None

    body = b"".join(app(create_environ("/"), start_response))
    assert (statuses, body) == (["200 OK"], b"wsgi")


def test_wsgi_app_can_be_wrapped_by_middleware(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        return request.environ["test.middleware"]  # type: ignore[no-any-return]

    inner = app.wsgi_app

    def middleware(
        environ: dict[str, t.Any], start_response: t.Any
    ) -> cabc.Iterable[bytes]:
        environ["test.middleware"] = "wrapped"
        return inner(environ, start_response)

    app.wsgi_app = middleware  # type: ignore[method-assign]
    assert client.get("/").text == "wrapped"


def test_with_client_keeps_the_request_context(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        g.value = "kept"
        return "ok"

    with client:
        client.get("/?q=1")
        assert has_request_context()
        assert request.args["q"] == "1"
        assert g.value == "kept"
    assert not has_request_context()


def test_async_view_and_hooks(app: Erlen, client: t.Any) -> None:
    @app.before_request
    async def before() -> None:
        g.before = "async before"

    @app.route("/")
    async def index() -> str:
        return g.before + " " + request.path  # type: ignore[no-any-return]

    assert client.get("/").text == "async before /"


def test_ensure_sync_returns_plain_functions(app: Erlen) -> None:
    assert app.ensure_sync(len) is len

    async def coroutine(x: int) -> int:
        return x + 1

    wrapped = app.ensure_sync(coroutine)
    assert wrapped(1) == 2
    assert wrapped.__name__ == "coroutine"


def test_run_serves_through_run_simple(
    app: Erlen, monkeypatch: pytest.MonkeyPatch
) -> None:
    import erlen.serving

    calls: list[tuple[str, int, t.Any, dict[str, t.Any]]] = []

    def run_simple(host: str, port: int, wsgi_app: t.Any, **options: t.Any) -> None:
        calls.append((host, port, wsgi_app, options))

    monkeypatch.setattr(erlen.serving, "run_simple", run_simple)
    monkeypatch.delenv("ERLEN_RUN_FROM_CLI", raising=False)
    app.run(debug=False, load_dotenv=False)
    assert calls[0][:3] == ("127.0.0.1", 5000, app)
    app.config["SERVER_NAME"] = "example.test:8123"
    app.run(load_dotenv=False)
    assert calls[1][:3] == ("example.test", 8123, app)
    app.run(host="0.0.0.0", port=9000, load_dotenv=False)
    assert calls[2][:3] == ("0.0.0.0", 9000, app)


def test_json_responses_use_the_provider(app: Erlen, client: t.Any) -> None:
    app.json.sort_keys = False  # type: ignore[attr-defined]

    @app.route("/")
    def index() -> dict[str, int]:
        return {"b": 1, "a": 2}

    assert list(json.loads(client.get("/").data)) == ["b", "a"]


def test_response_class_is_used_for_strings(app: Erlen, client: t.Any) -> None:
    class Custom(Response):
        default_mimetype = "text/plain"

    app.response_class = Custom

    @app.route("/")
    def index() -> str:
        return "plain"

    assert client.get("/").mimetype == "text/plain"


def test_unused_session_cookie_is_refreshed_when_permanent(
    app: Erlen, client: t.Any
) -> None:
    from erlen import session

    @app.route("/set")
    def set_session() -> str:
        session.permanent = True
        session["a"] = 1
        return "set"

    @app.route("/untouched")
    def untouched() -> str:
        return "untouched"

    client.get("/set")
    rv = client.get("/untouched")
    assert "session=" in rv.headers["Set-Cookie"]
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert "Set-Cookie" not in client.get("/untouched").headers


def test_session_cookie_without_secret_key_gives_a_null_session(
    app: Erlen, client: t.Any
) -> None:
    app.config["SECRET_KEY"] = None

    @app.route("/")
    def index() -> str:
        return "ok"

    client.set_cookie("session", "garbage")
    rv = client.get("/")
    assert rv.text == "ok"
    assert "Set-Cookie" not in rv.headers


def test_session_interface_returning_none_gives_a_null_session(app: Erlen) -> None:
    from erlen.sessions import NullSession

    class Refusing(SecureCookieSessionInterface):
        def open_session(self, app: t.Any, request: t.Any) -> None:
            return None

    app.session_interface = Refusing()
    with app.test_request_context() as ctx:
        assert isinstance(ctx.session, NullSession)
