"""Helpers used in views: url_for, redirect, abort, flash, streaming, env flags."""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from pathlib import Path

import pytest

from erlen import Erlen
from erlen import Response
from erlen import abort
from erlen import flash
from erlen import get_flashed_messages
from erlen import make_response
from erlen import redirect
from erlen import request
from erlen import stream_with_context
from erlen import url_for
from erlen.exceptions import Aborter
from erlen.exceptions import Forbidden
from erlen.exceptions import HTTPException
from erlen.exceptions import NotFound
from erlen.helpers import get_debug_flag
from erlen.helpers import get_load_dotenv
from erlen.helpers import get_template_attribute
from erlen.helpers import send_file
from erlen.helpers import send_from_directory
from erlen.routing import BuildError

# -- url_for ----------------------------------------------------------------------


@pytest.fixture
def url_app(app: Erlen) -> Erlen:
    @app.route("/")
    def index() -> str:
        return "index"

    @app.route("/item/<int:item_id>", methods=["GET", "POST"])
    def item(item_id: int) -> str:
        return str(item_id)

    app.add_url_rule("/item/<int:item_id>/edit", "item", item, methods=["PUT"])
    return app


@pytest.mark.parametrize(
    ("endpoint", "values", "expected"),
    [
        ("index", {}, "/"),
        ("index", {"q": "a b"}, "/?q=a+b"),
        ("index", {"many": [1, 2]}, "/?many=1&many=2"),
        ("index", {"_external": True}, "http://localhost/"),
        ("index", {"_anchor": "top"}, "/#top"),
        ("index", {"_anchor": "a b&c"}, "/#a%20b&c"),
        ("index", {"_anchor": "ü"}, "/#%C3%BC"),
        ("index", {"_scheme": "https"}, "https://localhost/"),
        ("index", {"_scheme": "https", "_external": True}, "https://localhost/"),
        ("item", {"item_id": 3}, "/item/3"),
        ("item", {"item_id": 3, "_method": "GET"}, "/item/3"),
        ("item", {"item_id": 3, "_method": "PUT"}, "/item/3/edit"),
        ("item", {"item_id": 3, "next": "/x?y"}, "/item/3?next=/x?y"),
    ],
)
def test_url_for_in_a_request(
    url_app: Erlen, endpoint: str, values: dict[str, t.Any], expected: str
) -> None:
    with url_app.test_request_context():
        assert url_for(endpoint, **values) == expected
        assert url_app.url_for(endpoint, **values) == expected


def test_url_for_scheme_without_external_is_an_error(url_app: Erlen) -> None:
    with url_app.test_request_context():
        with pytest.raises(ValueError, match="'_external' must be True"):
            url_for("index", _scheme="https", _external=False)


def test_url_for_uses_the_request_host_and_script_root(url_app: Erlen) -> None:
    with url_app.test_request_context(base_url="https://example.com:8443/app"):
        assert url_for("item", item_id=1) == "/app/item/1"
        assert url_for("item", item_id=1, _external=True) == (
            "https://example.com:8443/app/item/1"
        )


def test_url_for_relative_endpoint_without_blueprint(url_app: Erlen) -> None:
    with url_app.test_request_context():
        assert url_for(".index") == "/"


@pytest.mark.parametrize(
    ("config", "external", "path"),
    [
        ({"SERVER_NAME": "example.org"}, "http://example.org/item/2", "/item/2"),
        (
            {"SERVER_NAME": "example.org:8080", "PREFERRED_URL_SCHEME": "https"},
            "https://example.org:8080/item/2",
            "/item/2",
        ),
        (
            {"SERVER_NAME": "example.org", "APPLICATION_ROOT": "/root"},
            "http://example.org/root/item/2",
            "/root/item/2",
        ),
    ],
)
def test_url_for_in_an_app_context_uses_server_name(
    url_app: Erlen, config: dict[str, t.Any], external: str, path: str
) -> None:
    url_app.config.update(config)
    with url_app.app_context():
        assert url_for("item", item_id=2) == external
        assert url_for("item", item_id=2, _external=False) == path


def test_url_for_without_context_or_server_name(url_app: Erlen) -> None:
    with pytest.raises(RuntimeError, match="outside an active request"):
        url_app.url_for("index")
    with url_app.app_context():
        with pytest.raises(RuntimeError, match="without 'SERVER_NAME'"):
            url_for("index")
    url_app.config["SERVER_NAME"] = "example.org"
    assert url_app.url_for("index") == "http://example.org/"


def test_url_for_of_another_app_binds_that_app(url_app: Erlen) -> None:
    other = Erlen("other")
    other.config["SERVER_NAME"] = "other.example"
    other.add_url_rule("/o", "o", lambda: "o")
    with url_app.app_context():
        assert other.url_for("o") == "http://other.example/o"


def test_build_error_message_names_the_problem(url_app: Erlen) -> None:
    with url_app.test_request_context():
        with pytest.raises(BuildError) as info:
            url_for("nowhere")
        assert "Could not build url for endpoint 'nowhere'" in str(info.value)
        with pytest.raises(BuildError) as info:
            url_for("item")
        assert "Did you forget to specify values ['item_id']?" in str(info.value)
        with pytest.raises(BuildError) as info:
            url_for("indx")
        assert "Did you mean 'index' instead?" in str(info.value)
        assert isinstance(info.value, LookupError)


def test_url_build_error_handlers(url_app: Erlen) -> None:
    calls: list[tuple[str, dict[str, t.Any]]] = []

    def first(error: Exception, endpoint: str, values: dict[str, t.Any]) -> t.Any:
        calls.append((endpoint, dict(values)))
        return None

    def second(error: Exception, endpoint: str, values: dict[str, t.Any]) -> t.Any:
        if endpoint == "external":
            return "https://elsewhere.example/"
        raise BuildError(endpoint, values, None)

    url_app.url_build_error_handlers.extend([first, second])
    with url_app.test_request_context():
        assert url_for("external", _anchor="a") == "https://elsewhere.example/"
        assert calls[0] == (
            "external",
            {"_anchor": "a", "_method": None, "_scheme": None, "_external": False},
        )
        with pytest.raises(BuildError) as info:
            url_for("unknown")
        assert info.value.endpoint == "unknown"


def test_url_build_error_without_handlers_reraises(url_app: Erlen) -> None:
    error = BuildError("x", {}, None)
    with url_app.app_context():
        with pytest.raises(BuildError) as info:
            url_app.handle_url_build_error(error, "x", {})
    assert info.value is error


def test_url_defaults_and_value_preprocessors(app: Erlen, client: t.Any) -> None:
    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang", "en")

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        assert values is not None
        request.environ["test.lang"] = values.pop("lang")

    @app.route("/<lang>/page")
    def page() -> str:
        return str(request.environ["test.lang"]) + " " + url_for("page")

    assert client.get("/de/page").text == "de /en/page"


# -- redirect and abort --------------------------------------------------------------


def test_redirect_outside_an_app_uses_the_given_class() -> None:
    class Custom(Response):
        pass

    rv = redirect("/target", 301, Response=Custom)
    assert type(rv) is Custom
    assert rv.status_code == 301
    assert rv.headers["Location"] == "/target"
    assert type(redirect("/x")) is Response


def test_redirect_inside_an_app_uses_app_redirect(app: Erlen) -> None:
    class Custom(Response):
        pass

    app.response_class = Custom
    with app.app_context():
        rv = redirect("/there", 303)
    assert type(rv) is Custom
    assert rv.status_code == 303
    assert b"/there" in rv.get_data()


def test_abort_outside_an_app_raises_the_exception() -> None:
    with pytest.raises(NotFound):
        abort(404)
    with pytest.raises(Forbidden, match="no entry"):
        abort(403, "no entry")
    response = Response("custom", 418)
    with pytest.raises(HTTPException) as info:
        abort(response)
    assert info.value.get_response() is response


def test_abort_uses_the_app_aborter(app: Erlen) -> None:
    class Custom(HTTPException):
        code = 299
        description = "short and stout"

    class MyAborter(Aborter):
        pass

    app.aborter_class = MyAborter
    app.aborter = app.make_aborter()
    assert isinstance(app.aborter, MyAborter)
    app.aborter.mapping[299] = Custom

    @app.route("/")
    def index() -> str:
        abort(299)

    rv = app.test_client().get("/")
    assert rv.status_code == 299
    assert b"short and stout" in rv.data
    with pytest.raises(LookupError, match="no exception for 299"):
        abort(299)


# -- make_response -----------------------------------------------------------------


def test_make_response_helper_forms(app: Erlen) -> None:
    with app.test_request_context():
        empty = make_response()
        assert empty.status_code == 200
        assert empty.get_data() == b""
        assert make_response("body").get_data() == b"body"
        rv = make_response("body", 201, {"X-A": "1"})
        assert (rv.status_code, rv.headers["X-A"]) == (201, "1")
        assert make_response(("tuple", 202)).status_code == 202
        assert make_response({"a": 1}).json == {"a": 1}


# -- flashing --------------------------------------------------------------------


def test_flash_and_get_flashed_messages_across_requests(
    app: Erlen, client: t.Any
) -> None:
    @app.route("/flash")
    def do_flash() -> str:
        flash("plain")
        flash("bad thing", "error")
        flash("note", "info")
        return "flashed"

    @app.route("/show")
    def show() -> str:
        first = get_flashed_messages()
        again = get_flashed_messages(with_categories=True)
        errors = get_flashed_messages(category_filter=["error"])
        pairs = get_flashed_messages(True, ["error", "info"])
        return repr((first, again, errors, pairs))

    client.get("/flash")
    text = client.get("/show").text
    assert text == repr(
        (
            ["plain", "bad thing", "note"],
            [("message", "plain"), ("error", "bad thing"), ("info", "note")],
            ["bad thing"],
            [("error", "bad thing"), ("info", "note")],
        )
    )
    assert client.get("/show").text == repr(([], [], [], []))


def test_flash_sends_message_flashed(app: Erlen) -> None:
    from erlen import signals

    seen: list[tuple[t.Any, str, str]] = []

    def receiver(sender: t.Any, message: str, category: str) -> None:
        seen.append((sender, message, category))

    with signals.message_flashed.connected_to(receiver, app):
        with app.test_request_context():
            flash("hi", "info")
    assert seen == [(app, "hi", "info")]


# -- stream_with_context -------------------------------------------------------------


def test_stream_with_context_keeps_the_request(app: Erlen, client: t.Any) -> None:
    closed: list[bool] = []

    @app.route("/wrap")
    def wrap() -> t.Any:
        def generate() -> cabc.Iterator[str]:
            try:
                yield "path="
                yield request.path
            finally:
                closed.append(True)

        return stream_with_context(generate())

    @app.route("/decorate")
    def decorate() -> t.Any:
        @stream_with_context
        def generate(prefix: str) -> cabc.Iterator[str]:
            yield prefix
            yield request.args["q"]

        return Response(generate("q="))

    assert client.get("/wrap").text == "path=/wrap"
    assert closed == [True]
    assert client.get("/decorate?q=1").text == "q=1"


def test_stream_with_context_needs_a_request() -> None:
    def generate() -> cabc.Iterator[str]:
        yield "x"

    with pytest.raises(RuntimeError, match="'stream_with_context' can only be used"):
        stream_with_context(generate())


def test_stream_with_context_on_an_iterator_without_close(
    app: Erlen, client: t.Any
) -> None:
    @app.route("/")
    def index() -> t.Any:
        return stream_with_context(iter(["a", request.method]))

    assert client.get("/").text == "aGET"


# -- environment flags and template attributes --------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"ERLEN_DEBUG": "1"}, True),
        ({"ERLEN_DEBUG": "0"}, False),
        ({"ERLEN_DEBUG": "false"}, False),
        ({"ERLEN_DEBUG": "No"}, False),
        ({"FLASK_DEBUG": "yes"}, True),
        ({"FLASK_DEBUG": ""}, False),
    ],
)
def test_get_debug_flag(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: bool
) -> None:
    monkeypatch.delenv("ERLEN_DEBUG", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert get_debug_flag() is expected
    assert Erlen("x").debug is expected


@pytest.mark.parametrize(
    ("env", "default", "expected"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"ERLEN_SKIP_DOTENV": "1"}, True, False),
        ({"ERLEN_SKIP_DOTENV": "0"}, True, True),
        ({"FLASK_SKIP_DOTENV": "false"}, False, True),
        ({"FLASK_SKIP_DOTENV": "yes"}, True, False),
    ],
)
def test_get_load_dotenv(
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    default: bool,
    expected: bool,
) -> None:
    monkeypatch.delenv("ERLEN_SKIP_DOTENV", raising=False)
    monkeypatch.delenv("FLASK_SKIP_DOTENV", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert get_load_dotenv(default) is expected


def test_get_template_attribute(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "macros.html").write_text(
        "{% macro hello(name) %}Hello {{ name }}!{% endmacro %}{% set answer = 42 %}"
    )
    app = Erlen("x", root_path=str(tmp_path))
    with app.app_context():
        hello = get_template_attribute("macros.html", "hello")
        assert hello("World") == "Hello World!"
        assert get_template_attribute("macros.html", "answer") == 42


def test_send_file_helpers_delegate(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("file body")
    app = Erlen("x", root_path=str(tmp_path))
    with app.test_request_context():
        rv = send_file(str(tmp_path / "a.txt"))
        rv.direct_passthrough = False
        assert rv.get_data() == b"file body"
        assert rv.mimetype == "text/plain"
        rv.close()
        rv = send_from_directory(tmp_path, "a.txt")
        rv.direct_passthrough = False
        assert rv.get_data() == b"file body"
        rv.close()
        with pytest.raises(NotFound):
            send_from_directory(tmp_path, "../a.txt")
