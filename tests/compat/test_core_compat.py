"""Differential tests: the same app on Flask 3.1 and on erlen must answer alike.

Each case is a function ``build(mod, app)`` that registers routes with the
framework module it is given (``flask`` or ``erlen``), plus a list of requests.
Both apps get the same requests through their own test clients; status, headers
(minus ``Date``) and body must be equal.
"""

from __future__ import annotations

import collections.abc as cabc
import json
import typing as t

import flask
import pytest
from differential import compare

import erlen

Build = cabc.Callable[[t.Any, t.Any], None]


def make_app(mod: t.Any, build: Build) -> t.Any:
    cls = getattr(mod, "Erlen", None) or mod.Flask
    app = cls("compat_app")
    app.config.update(SECRET_KEY="compat", TESTING=False)
    build(mod, app)
    return app


def assert_same(
    build: Build, requests: list[tuple[str, str, dict[str, t.Any]]]
) -> None:
    compare(make_app(flask, build), make_app(erlen, build), requests)


def routes(mod: t.Any, app: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        return "index"

    @app.route("/items/")
    def items() -> str:
        return "items"

    @app.route("/items/<int:item_id>")
    def item(item_id: int) -> str:
        return f"item {item_id}"

    @app.route("/files/<path:name>")
    def files(name: str) -> str:
        return name

    @app.route("/u/<uuid:value>")
    def by_uuid(value: t.Any) -> str:
        return str(value)

    @app.route("/f/<float:value>")
    def by_float(value: float) -> str:
        return repr(value)

    @app.route("/pick/<any(a, b):choice>")
    def pick(choice: str) -> str:
        return choice

    @app.route("/post", methods=["POST"])
    def post_only() -> str:
        return "posted"

    @app.put("/put")
    def put_only() -> str:
        return "put"


ROUTING_REQUESTS = [
    ("GET", "/", {}),
    ("HEAD", "/", {}),
    ("OPTIONS", "/", {}),
    ("GET", "/items", {}),
    ("GET", "/items/", {}),
    ("GET", "/items/?q=1", {}),
    ("GET", "/items/12", {}),
    ("GET", "/items/-1", {}),
    ("GET", "/items/abc", {}),
    ("GET", "/files/a/b/c.txt", {}),
    ("GET", "/u/6fa459ea-ee8a-3ca4-894e-db77e160355e", {}),
    ("GET", "/u/not-a-uuid", {}),
    ("GET", "/f/1.5", {}),
    ("GET", "/pick/a", {}),
    ("GET", "/pick/c", {}),
    ("GET", "/post", {}),
    ("POST", "/post", {}),
    ("DELETE", "/post", {}),
    ("OPTIONS", "/post", {}),
    ("PUT", "/put", {}),
    ("GET", "/missing", {}),
    ("GET", "/%C3%A9t%C3%A9", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), ROUTING_REQUESTS)
def test_routing_matches_flask(
    method: str, path: str, kwargs: dict[str, t.Any]
) -> None:
    assert_same(routes, [(method, path, kwargs)])


def return_values(mod: t.Any, app: t.Any) -> None:  # noqa: C901 - one route per case
    @app.route("/str")
    def as_str() -> t.Any:
        return "text"

    @app.route("/bytes")
    def as_bytes() -> t.Any:
        return b"\x00bytes"

    @app.route("/dict")
    def as_dict() -> t.Any:
        return {"b": 1, "a": [1, 2], "c": None}

    @app.route("/list")
    def as_list() -> t.Any:
        return [1, "two", {"three": 3}]

    @app.route("/tuple-status")
    def tuple_status() -> t.Any:
        return "created", 201

    @app.route("/tuple-headers")
    def tuple_headers() -> t.Any:
        return "with headers", {"X-Thing": "1"}

    @app.route("/tuple-three")
    def tuple_three() -> t.Any:
        return "all", "202 Fine", [("X-A", "a")]

    @app.route("/gen")
    def generator() -> t.Any:
        def gen() -> t.Iterator[str]:
            yield "a"
            yield "b"

        return gen()

    @app.route("/response")
    def response() -> t.Any:
        rv = mod.Response("custom", status=418, mimetype="text/plain")
        rv.set_cookie("c", "v", max_age=10, httponly=True, samesite="Lax")
        return rv

    @app.route("/jsonify")
    def as_jsonify() -> t.Any:
        return mod.jsonify(z=1, a="é")

    @app.route("/make")
    def made() -> t.Any:
        return mod.make_response(("body", 404, {"X-Y": "z"}))

    @app.route("/redirect")
    def to_redirect() -> t.Any:
        return mod.redirect(mod.url_for("as_str", q="1"))

    @app.route("/abort")
    def aborted() -> t.Any:
        mod.abort(403)

    @app.route("/none")
    def none() -> t.Any:
        return None


RETURN_PATHS = [
    "/str",
    "/bytes",
    "/dict",
    "/list",
    "/tuple-status",
    "/tuple-headers",
    "/tuple-three",
    "/gen",
    "/response",
    "/jsonify",
    "/make",
    "/redirect",
    "/abort",
    "/none",
]


@pytest.mark.parametrize("path", RETURN_PATHS)
def test_return_value_conversion_matches_flask(path: str) -> None:
    assert_same(return_values, [("GET", path, {})])


def hooks(mod: t.Any, app: t.Any) -> None:
    calls: list[str] = []

    @app.before_request
    def before() -> t.Any:
        calls.append("before")
        if mod.request.args.get("stop"):
            return "stopped by hook", 299
        return None

    @app.after_request
    def after(response: t.Any) -> t.Any:
        calls.append("after")
        response.headers["X-Calls"] = ",".join(calls)
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        calls.clear()

    @app.errorhandler(404)
    def not_found(e: t.Any) -> t.Any:
        return f"custom 404: {e.code}", 404

    @app.errorhandler(ValueError)
    def value_error(e: t.Any) -> t.Any:
        return mod.jsonify(error=str(e)), 400

    @app.route("/ok")
    def ok() -> t.Any:
        calls.append("view")
        return "ok"

    @app.route("/raise")
    def raising() -> t.Any:
        raise ValueError("bad value")

    @app.route("/crash")
    def crash() -> t.Any:
        raise RuntimeError("boom")


HOOK_REQUESTS = [
    ("GET", "/ok", {}),
    ("GET", "/ok?stop=1", {}),
    ("GET", "/nowhere", {}),
    ("GET", "/raise", {}),
    ("GET", "/crash", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), HOOK_REQUESTS)
def test_hooks_and_error_handlers_match_flask(
    method: str, path: str, kwargs: dict[str, t.Any]
) -> None:
    assert_same(hooks, [(method, path, kwargs)])


def blueprints(mod: t.Any, app: t.Any) -> None:
    parent = mod.Blueprint("parent", __name__, url_prefix="/parent")
    child = mod.Blueprint("child", __name__, url_prefix="/child")
    order: list[str] = []

    @app.before_request
    def app_before() -> None:
        order.append("app")

    @parent.before_request
    def parent_before() -> None:
        order.append("parent")

    @child.before_request
    def child_before() -> None:
        order.append("child")

    @child.route("/view")
    def view() -> t.Any:
        return mod.jsonify(
            order=order,
            endpoint=mod.request.endpoint,
            blueprint=mod.request.blueprint,
            blueprints=mod.request.blueprints,
            relative=mod.url_for(".view"),
        )

    @child.errorhandler(404)
    def child_404(e: t.Any) -> t.Any:
        return "child 404", 404

    @child.route("/missing")
    def missing() -> t.Any:
        mod.abort(404)

    @app.teardown_request
    def reset(exc: BaseException | None) -> None:
        order.clear()

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    app.register_blueprint(parent, name="again", url_prefix="/again")


@pytest.mark.parametrize(
    "path", ["/parent/child/view", "/again/child/view", "/parent/child/missing"]
)
def test_nested_blueprints_match_flask(path: str) -> None:
    assert_same(blueprints, [("GET", path, {})])


def request_data(mod: t.Any, app: t.Any) -> None:
    @app.route("/echo", methods=["GET", "POST"])
    def echo() -> t.Any:
        r = mod.request
        return mod.jsonify(
            method=r.method,
            path=r.path,
            full_path=r.full_path,
            url=r.url,
            base_url=r.base_url,
            url_root=r.url_root,
            host_url=r.host_url,
            host=r.host,
            args=r.args.to_dict(flat=False),
            cookies=r.cookies.to_dict(),
            mimetype=r.mimetype,
            is_json=r.is_json,
            json=r.get_json(silent=True),
            content_length=r.content_length,
            remote_addr=r.remote_addr,
            access_route=list(r.access_route),
            user_agent=r.user_agent.string,
            is_secure=r.is_secure,
            scheme=r.scheme,
        )


DATA_REQUESTS = [
    ("GET", "/echo?a=1&a=2&b=%C3%A9&c", {}),
    ("GET", "/echo?x=%25&y=a+b&z=%ZZ", {}),
    ("GET", "/echo", {"headers": {"Cookie": 'a=1; b="two"'}}),
    ("POST", "/echo", {"json": {"x": [1, 2]}}),
    ("POST", "/echo", {"data": "not json", "content_type": "application/json"}),
    ("GET", "/echo", {"headers": {"X-Forwarded-For": "1.2.3.4, 5.6.7.8"}}),
    ("GET", "/echo", {"base_url": "https://example.org:8443/root"}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), DATA_REQUESTS)
def test_request_attributes_match_flask(
    method: str, path: str, kwargs: dict[str, t.Any]
) -> None:
    assert_same(request_data, [(method, path, kwargs)])


def test_json_error_statuses_match_flask() -> None:
    def build(mod: t.Any, app: t.Any) -> None:
        @app.post("/json")
        def as_json() -> t.Any:
            return mod.jsonify(mod.request.get_json())

    assert_same(
        build,
        [
            ("POST", "/json", {"data": "{bad", "content_type": "application/json"}),
            ("POST", "/json", {"data": "{}", "content_type": "text/plain"}),
            (
                "POST",
                "/json",
                {"data": json.dumps([1]), "content_type": "application/json"},
            ),
        ],
    )
