"""Behaviour of the app core through the public API and the test client."""

from __future__ import annotations

import typing as t

import pytest

import erlen
from erlen import Erlen
from erlen import g
from erlen import request
from erlen import session
from erlen import url_for
from erlen.ctx import after_this_request
from erlen.ctx import copy_current_request_context
from erlen.ctx import has_app_context
from erlen.ctx import has_request_context
from erlen.exceptions import NotFound
from erlen.routing import BuildError


def test_missing_trailing_slash_redirects_308(app: Erlen, client: t.Any) -> None:
    @app.get("/items/")
    def items() -> str:
        return "ok"

    rv = client.get("/items")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/items/"


def test_view_args_are_converted(app: Erlen, client: t.Any) -> None:
    @app.route("/add/<int:a>/<int:b>")
    def add(a: int, b: int) -> str:
        return str(a + b)

    assert client.get("/add/2/3").text == "5"
    assert client.get("/add/2/x").status_code == 404


def test_405_lists_allowed_methods(app: Erlen, client: t.Any) -> None:
    @app.post("/only-post")
    def only_post() -> str:
        return "ok"

    rv = client.get("/only-post")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


def test_head_response_has_no_body(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        return "hello"

    rv = client.head("/")
    assert rv.status_code == 200
    assert rv.data == b""
    assert rv.headers["Content-Length"] == "5"


def test_hooks_run_in_flask_order(app: Erlen, client: t.Any) -> None:
    order: list[str] = []

    @app.url_value_preprocessor
    def preprocess(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        order.append("url_value_preprocessor")

    @app.before_request
    def before_one() -> None:
        order.append("before_one")

    @app.before_request
    def before_two() -> None:
        order.append("before_two")

    @app.after_request
    def after_one(response: erlen.Response) -> erlen.Response:
        order.append("after_one")
        return response

    @app.after_request
    def after_two(response: erlen.Response) -> erlen.Response:
        order.append("after_two")
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        order.append("teardown")

    @app.teardown_appcontext
    def teardown_app(exc: BaseException | None) -> None:
        order.append("teardown_appcontext")

    @app.route("/")
    def index() -> str:
        order.append("view")

        @after_this_request
        def this_request(response: erlen.Response) -> erlen.Response:
            order.append("after_this_request")
            return response

        return "ok"

    client.get("/")
    assert order == [
        "url_value_preprocessor",
        "before_one",
        "before_two",
        "view",
        "after_this_request",
        "after_two",
        "after_one",
        "teardown",
        "teardown_appcontext",
    ]


def test_before_request_response_skips_view(app: Erlen, client: t.Any) -> None:
    @app.before_request
    def stop() -> str:
        return "stopped"

    @app.route("/")
    def index() -> str:
        raise AssertionError("the view must not run")

    assert client.get("/").text == "stopped"


def test_setup_after_first_request_is_an_error(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        return "ok"

    client.get("/")
    with pytest.raises(AssertionError, match="can no longer be called"):
        app.add_url_rule("/late", "late", index)


def test_overwriting_an_endpoint_is_an_error(app: Erlen) -> None:
    @app.route("/a")
    def view() -> str:
        return "a"

    def other() -> str:
        return "b"

    with pytest.raises(AssertionError, match="overwriting an existing endpoint"):
        app.add_url_rule("/b", "view", other)


def test_methods_as_string_is_a_type_error(app: Erlen) -> None:
    with pytest.raises(TypeError, match="list of strings"):
        app.add_url_rule("/", "x", lambda: "x", methods="POST")


def test_error_handler_resolution_by_mro(app: Erlen, client: t.Any) -> None:
    class Base(Exception):
        pass

    class Child(Base):
        pass

    @app.errorhandler(Base)
    def handle_base(e: Exception) -> tuple[str, int]:
        return f"handled {type(e).__name__}", 409

    @app.route("/")
    def index() -> str:
        raise Child()

    rv = client.get("/")
    assert rv.status_code == 409
    assert rv.text == "handled Child"


def test_unhandled_error_is_500_without_traceback(app: Erlen) -> None:
    app.testing = False

    @app.route("/")
    def index() -> str:
        raise RuntimeError("secret detail")

    rv = app.test_client().get("/")
    assert rv.status_code == 500
    assert b"secret detail" not in rv.data
    assert b"Internal Server Error" in rv.data


def test_testing_propagates_exceptions(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        raise RuntimeError("propagated")

    with pytest.raises(RuntimeError, match="propagated"):
        client.get("/")


def test_register_error_handler_rejects_unknown_code(app: Erlen) -> None:
    with pytest.raises(ValueError, match="not a recognized HTTP error code"):
        app.register_error_handler(999, lambda e: "x")


def test_g_helpers(app_ctx: t.Any) -> None:
    g.value = 1
    assert "value" in g
    assert g.get("value") == 1
    assert g.get("missing", 2) == 2
    assert g.setdefault("other", 3) == 3
    assert g.pop("other") == 3
    assert g.pop("other", None) is None
    assert list(g) == ["value"]


def test_proxies_outside_context_explain_the_fix() -> None:
    assert not has_app_context()
    assert not has_request_context()
    with pytest.raises(RuntimeError, match="app.app_context"):
        g.x  # noqa: B018
    with pytest.raises(RuntimeError, match="outside of request context"):
        request.path  # noqa: B018


def test_request_context_makes_request_available(app: Erlen) -> None:
    with app.test_request_context("/path?x=1"):
        assert request.path == "/path"
        assert request.args["x"] == "1"
        assert has_request_context()
        assert has_app_context()


def test_copy_current_request_context_keeps_request(app: Erlen) -> None:
    with app.test_request_context("/copied"):

        @copy_current_request_context
        def later() -> str:
            return request.path

    assert later() == "/copied"


def test_url_for_builds_paths_queries_and_anchors(app: Erlen) -> None:
    @app.route("/user/<name>")
    def user(name: str) -> str:
        return name

    with app.test_request_context():
        assert url_for("user", name="ada") == "/user/ada"
        assert url_for("user", name="ada", page=2) == "/user/ada?page=2"
        assert url_for("user", name="ada", _anchor="top") == "/user/ada#top"
        assert (
            url_for("user", name="ada", _external=True) == "http://localhost/user/ada"
        )
        with pytest.raises(BuildError, match="Could not build url"):
            url_for("nope")


def test_url_for_outside_request_needs_server_name(app: Erlen) -> None:
    @app.route("/")
    def index() -> str:
        return ""

    with app.app_context(), pytest.raises(RuntimeError, match="SERVER_NAME"):
        url_for("index")
    app.config["SERVER_NAME"] = "example.org"
    with app.app_context():
        assert url_for("index") == "http://example.org/"


def test_session_is_not_opened_when_unused(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        return "plain"

    rv = client.get("/")
    assert "Set-Cookie" not in rv.headers
    assert "Vary" not in rv.headers


def test_session_round_trip(app: Erlen, client: t.Any) -> None:
    @app.route("/inc")
    def inc() -> str:
        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    assert client.get("/inc").text == "1"
    assert client.get("/inc").text == "2"


def test_abort_raises_http_exception(app: Erlen) -> None:
    with app.test_request_context(), pytest.raises(NotFound):
        erlen.abort(404)


def test_config_attributes(app: Erlen) -> None:
    app.secret_key = "other"
    assert app.config["SECRET_KEY"] == "other"
    app.permanent_session_lifetime = 60  # type: ignore[assignment]
    assert app.permanent_session_lifetime.total_seconds() == 60


def test_automatic_options_lists_methods(app: Erlen, client: t.Any) -> None:
    @app.route("/", methods=["GET", "POST"])
    def index() -> str:
        return ""

    rv = client.options("/")
    assert rv.status_code == 200
    assert set(rv.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_test_cli_runner_runs_app_commands(app: Erlen) -> None:
    @app.cli.command("hello")
    def hello() -> None:
        print(f"hello from {erlen.current_app.name}")

    result = app.test_cli_runner().invoke(args=["hello"])
    assert result.exit_code == 0
    assert result.output == "hello from erlen_test\n"


def test_public_type_aliases_exist() -> None:
    import erlen.typing as et

    assert et.StatusCode is int
    assert "Response" in repr(et.ResponseReturnValue)
