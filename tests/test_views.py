"""Class-based views: :class:`erlen.views.View` and :class:`erlen.views.MethodView`.

The second half runs the same views on Flask 3.1 and compares the answers.
"""

# mypy: disable-error-code="untyped-decorator, misc"
# (the differential half passes the framework module as ``t.Any``: its
# decorators are untyped and its classes are ``Any`` bases)
from __future__ import annotations

import collections.abc as cabc
import functools
import typing as t

import flask
import flask.views
import pytest

import erlen
import erlen.views
from erlen import Erlen
from erlen import request
from erlen.views import MethodView
from erlen.views import View

if t.TYPE_CHECKING:
    from erlen.testing import ErlenClient


def test_view_dispatches_with_url_arguments(app: Erlen, client: ErlenClient) -> None:
    class Greet(View):
        def dispatch_request(self, name: str) -> str:  # type: ignore[override]
            return f"hello {name} via {request.method}"

    app.add_url_rule("/greet/<name>", view_func=Greet.as_view("greet"))
    assert client.get("/greet/ada").data == b"hello ada via GET"
    assert client.post("/greet/ada").status_code == 405


def test_view_methods_attribute_limits_the_rule(
    app: Erlen, client: ErlenClient
) -> None:
    class Submit(View):
        methods = ["POST", "PUT"]

        def dispatch_request(self) -> str:
            return request.method

    app.add_url_rule("/submit", view_func=Submit.as_view("submit"))
    assert client.post("/submit").data == b"POST"
    assert client.put("/submit").data == b"PUT"
    rv = client.get("/submit")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == {"POST", "PUT", "OPTIONS"}


def test_as_view_sets_function_attributes() -> None:
    class Documented(View):
        """The docstring."""

        methods = ["GET"]
        provide_automatic_options = False

    view = Documented.as_view("named")
    assert view.__name__ == "named"
    assert view.__doc__ == "The docstring."
    assert view.__module__ == __name__
    assert view.view_class is Documented  # type: ignore[attr-defined]
    assert view.methods == ["GET"]  # type: ignore[attr-defined]
    assert view.provide_automatic_options is False  # type: ignore[attr-defined]


def test_base_view_dispatch_is_not_implemented(app: Erlen) -> None:
    app.config["TESTING"] = False
    app.add_url_rule("/", view_func=View.as_view("bare"))
    assert app.test_client().get("/").status_code == 500
    with pytest.raises(NotImplementedError):
        View().dispatch_request()


def test_constructor_arguments_and_new_instance_per_request(
    app: Erlen, client: ErlenClient
) -> None:
    instances: list[object] = []

    class Counter(View):
        def __init__(self, prefix: str, *, suffix: str) -> None:
            self.prefix = prefix
            self.suffix = suffix
            self.calls = 0

        def dispatch_request(self) -> str:
            instances.append(self)
            self.calls += 1
            return f"{self.prefix}{self.calls}{self.suffix}"

    app.add_url_rule("/", view_func=Counter.as_view("count", "<", suffix=">"))
    assert [client.get("/").data for _ in range(3)] == [b"<1>"] * 3
    assert len({id(i) for i in instances}) == 3


def test_init_every_request_false_shares_one_instance(
    app: Erlen, client: ErlenClient
) -> None:
    created: list[object] = []

    class Shared(View):
        init_every_request = False

        def __init__(self) -> None:
            created.append(self)
            self.calls = 0

        def dispatch_request(self) -> str:
            self.calls += 1
            return str(self.calls)

    view = Shared.as_view("shared")
    assert len(created) == 1  # built by as_view, before any request
    app.add_url_rule("/", view_func=view)
    assert [client.get("/").data for _ in range(3)] == [b"1", b"2", b"3"]
    assert len(created) == 1


def test_view_class_is_read_at_call_time(app: Erlen, client: ErlenClient) -> None:
    class First(View):
        def dispatch_request(self) -> str:
            return "first"

    class Second(View):
        def dispatch_request(self) -> str:
            return "second"

    view = First.as_view("swap")
    app.add_url_rule("/", view_func=view)
    view.view_class = Second  # type: ignore[attr-defined]
    assert client.get("/").data == b"second"


def test_decorators_apply_in_order_and_see_the_name(
    app: Erlen, client: ErlenClient
) -> None:
    seen_names: list[str] = []

    def tag(label: str) -> cabc.Callable[[t.Any], t.Any]:
        def decorator(f: t.Any) -> t.Any:
            seen_names.append(f.__name__)

            @functools.wraps(f)
            def wrapper(**kwargs: t.Any) -> t.Any:
                return f"{label}({f(**kwargs)})"

            return wrapper

        return decorator

    class Decorated(View):
        decorators = [tag("inner"), tag("outer")]

        def dispatch_request(self) -> str:
            return "body"

    view = Decorated.as_view("decorated")
    app.add_url_rule("/", view_func=view)
    assert client.get("/").data == b"outer(inner(body))"
    assert seen_names == ["decorated", "decorated"]
    assert view.view_class is Decorated  # type: ignore[attr-defined]
    assert app.view_functions["decorated"] is view


def test_provide_automatic_options_false_sends_options_to_the_view(
    app: Erlen, client: ErlenClient
) -> None:
    class Manual(View):
        methods = ["GET", "OPTIONS"]
        provide_automatic_options = False

        def dispatch_request(self) -> str:
            return f"manual {request.method}"

    class Automatic(View):
        methods = ["GET"]

        def dispatch_request(self) -> str:
            return "auto"

    app.add_url_rule("/manual", view_func=Manual.as_view("manual"))
    app.add_url_rule("/auto", view_func=Automatic.as_view("auto"))
    assert client.options("/manual").data == b"manual OPTIONS"
    rv = client.options("/auto")
    assert rv.data == b""
    assert set(rv.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}


# -- MethodView -------------------------------------------------------------------


class Base(MethodView):
    def get(self) -> str:
        return "base get"

    def post(self) -> str:
        return "base post"


class Child(Base):
    def delete(self) -> str:
        return "child delete"


class Explicit(Base):
    methods = ["GET"]


class WithPlainBase(MethodView, View):
    def put(self) -> str:
        return "put"


class Declares(View):
    methods = ["PATCH"]


class Mixed(MethodView, Declares):
    def get(self) -> str:
        return "mixed"


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (MethodView, None),
        (Base, {"GET", "POST"}),
        (Child, {"GET", "POST", "DELETE"}),
        (Explicit, ["GET"]),
        (WithPlainBase, {"PUT"}),
        (Mixed, {"GET", "PATCH"}),
    ],
)
def test_method_view_methods_derive_from_class_and_bases(
    cls: type[View], expected: t.Any
) -> None:
    assert cls.methods == expected


def test_method_view_without_handlers_keeps_methods_none() -> None:
    class Empty(MethodView):
        pass

    assert Empty.methods is None


def test_method_view_dispatches_per_method(app: Erlen, client: ErlenClient) -> None:
    app.add_url_rule("/", view_func=Child.as_view("child"))
    assert client.get("/").data == b"base get"
    assert client.post("/").data == b"base post"
    assert client.delete("/").data == b"child delete"
    assert client.put("/").status_code == 405


def test_method_view_head_falls_back_to_get(app: Erlen, client: ErlenClient) -> None:
    calls: list[str] = []

    class Only(MethodView):
        def get(self) -> str:
            calls.append(request.method)
            return "content"

    class WithHead(MethodView):
        def get(self) -> str:
            return "content"

        def head(self) -> tuple[str, int, dict[str, str]]:
            return "", 204, {"X-Head": "own"}

    app.add_url_rule("/only", view_func=Only.as_view("only"))
    app.add_url_rule("/head", view_func=WithHead.as_view("head"))
    rv = client.head("/only")
    assert (rv.status_code, rv.data, calls) == (200, b"", ["HEAD"])
    assert rv.headers["Content-Length"] == "7"
    rv = client.head("/head")
    assert (rv.status_code, rv.headers["X-Head"]) == (204, "own")


def test_method_view_missing_handler_is_an_assertion_error(app: Erlen) -> None:
    class PostOnly(MethodView):
        methods = ["GET", "POST"]

        def post(self) -> str:
            return "posted"

    app.add_url_rule("/", view_func=PostOnly.as_view("post_only"))
    with pytest.raises(AssertionError, match="Unimplemented method 'GET'"):
        app.test_client().get("/")


def test_method_view_passes_url_arguments(app: Erlen, client: ErlenClient) -> None:
    class Item(MethodView):
        def get(self, item_id: int) -> str:
            return f"item {item_id + 1}"

    app.add_url_rule("/items/<int:item_id>", view_func=Item.as_view("item"))
    assert client.get("/items/41").data == b"item 42"


def test_method_view_in_a_blueprint_with_decorators(
    app: Erlen, client: ErlenClient
) -> None:
    def add_header(f: t.Any) -> t.Any:
        @functools.wraps(f)
        def wrapper(**kwargs: t.Any) -> t.Any:
            rv = erlen.make_response(f(**kwargs))
            rv.headers["X-Decorated"] = "yes"
            return rv

        return wrapper

    class Api(MethodView):
        decorators = [add_header]

        def get(self) -> str:
            return erlen.url_for(".api")

    bp = erlen.Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/api", view_func=Api.as_view("api"))
    app.register_blueprint(bp)
    rv = client.get("/bp/api")
    assert (rv.data, rv.headers["X-Decorated"]) == (b"/bp/api", "yes")


# -- differential tests against Flask ----------------------------------------------


def build_views(mod: t.Any, views: t.Any) -> t.Any:
    """The same class-based views, written against ``mod`` and its ``views``."""
    app = (getattr(mod, "Erlen", None) or mod.Flask)("views_compat")
    app.config["TESTING"] = False

    class Plain(views.View):
        methods = ["GET", "POST"]

        def dispatch_request(self, word: str) -> t.Any:
            return f"{mod.request.method} {word}"

    class Resource(views.MethodView):
        def get(self, rid: int) -> t.Any:
            return {"id": rid}

        def put(self, rid: int) -> t.Any:
            return "", 204

    class Sub(Resource):
        def delete(self, rid: int) -> t.Any:
            return f"deleted {rid}", 202

    class NoAuto(views.MethodView):
        provide_automatic_options = False

        def get(self) -> t.Any:
            return "get"

        def options(self) -> t.Any:
            return "custom options", 200, {"Allow": "GET"}

    class Once(views.View):
        init_every_request = False

        def __init__(self) -> None:
            self.count = 0

        def dispatch_request(self) -> t.Any:
            self.count += 1
            return str(self.count)

    def shout(f: t.Any) -> t.Any:
        @functools.wraps(f)
        def wrapper(**kwargs: t.Any) -> t.Any:
            return str(f(**kwargs)).upper()

        return wrapper

    class Loud(views.MethodView):
        decorators = [shout]

        def get(self) -> t.Any:
            return f"quiet {mod.request.endpoint}"

    app.add_url_rule("/plain/<word>", view_func=Plain.as_view("plain"))
    app.add_url_rule("/res/<int:rid>", view_func=Resource.as_view("res"))
    app.add_url_rule("/sub/<int:rid>", view_func=Sub.as_view("sub"))
    app.add_url_rule("/noauto", view_func=NoAuto.as_view("noauto"))
    app.add_url_rule("/once", view_func=Once.as_view("once"))
    app.add_url_rule("/loud", view_func=Loud.as_view("loud"))
    return app


VIEW_REQUESTS = [
    ("GET", "/plain/hi"),
    ("POST", "/plain/hi"),
    ("PUT", "/plain/hi"),
    ("OPTIONS", "/plain/hi"),
    ("HEAD", "/plain/hi"),
    ("GET", "/res/3"),
    ("HEAD", "/res/3"),
    ("PUT", "/res/3"),
    ("DELETE", "/res/3"),
    ("OPTIONS", "/res/3"),
    ("DELETE", "/sub/4"),
    ("PATCH", "/sub/4"),
    ("OPTIONS", "/sub/4"),
    ("OPTIONS", "/noauto"),
    ("HEAD", "/noauto"),
    ("GET", "/once"),
    ("GET", "/once"),
    ("GET", "/loud"),
]


def test_views_answer_like_flask() -> None:
    flask_app = build_views(flask, flask.views)
    erlen_app = build_views(erlen, erlen.views)

    def answer(app: t.Any, method: str, path: str) -> tuple[t.Any, ...]:
        rv = app.test_client().open(path, method=method)
        headers = sorted(
            (k, ", ".join(sorted(v.split(", "))) if k == "Allow" else v)
            for k, v in rv.headers.items()
        )
        return rv.status, headers, rv.get_data()

    for method, path in VIEW_REQUESTS:
        expected = answer(flask_app, method, path)
        assert answer(erlen_app, method, path) == expected, f"{method} {path}"


@pytest.mark.parametrize("name", ["Resource", "Sub", "NoAuto", "Plain", "Loud", "Once"])
def test_view_function_attributes_match_flask(name: str) -> None:
    flask_app = build_views(flask, flask.views)
    erlen_app = build_views(erlen, erlen.views)
    endpoint = name.lower()
    if endpoint == "resource":
        endpoint = "res"

    def describe(app: t.Any) -> tuple[t.Any, ...]:
        view = app.view_functions[endpoint]
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        methods = view.methods
        return (
            view.__name__,
            view.view_class.__name__,
            sorted(methods) if methods is not None else None,
            view.provide_automatic_options,
            sorted(rule.methods),
        )

    assert describe(erlen_app) == describe(flask_app)
