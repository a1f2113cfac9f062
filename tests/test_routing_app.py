"""Routing through the app: rule options, converters, HEAD/OPTIONS, 405, 308."""

from __future__ import annotations

import typing as t

import pytest

from erlen import Erlen
from erlen import request
from erlen.routing import BaseConverter
from erlen.routing import ValidationError


def test_add_url_rule_endpoint_defaults_to_the_view_name(app: Erlen) -> None:
    def listing() -> str:
        return "list"

    app.add_url_rule("/list", view_func=listing)
    assert app.view_functions["listing"] is listing
    (rule,) = [r for r in app.url_map.iter_rules() if r.rule == "/list"]
    assert rule.endpoint == "listing"
    assert rule.methods == {"GET", "HEAD", "OPTIONS"}


def test_methods_are_upper_cased(app: Erlen, client: t.Any) -> None:
    @app.route("/m", methods=["post", "Patch"])
    def m() -> str:
        return request.method

    assert client.post("/m").text == "POST"
    assert client.patch("/m").text == "PATCH"
    assert client.get("/m").status_code == 405


@pytest.mark.parametrize("methods", ["GET", "POST"])
def test_methods_as_a_string_is_rejected(app: Erlen, methods: str) -> None:
    with pytest.raises(TypeError, match="Allowed methods must be a list"):
        app.add_url_rule("/x", "x", lambda: "", methods=methods)


def test_view_methods_attribute(app: Erlen, client: t.Any) -> None:
    def view() -> str:
        return request.method

    view.methods = ["PUT"]  # type: ignore[attr-defined]
    app.add_url_rule("/v", view_func=view)
    app.add_url_rule("/v2", "v2", view, methods=["DELETE"])
    assert client.put("/v").text == "PUT"
    assert client.get("/v").status_code == 405
    assert client.delete("/v2").text == "DELETE"
    assert client.put("/v2").status_code == 405


def test_view_required_methods_are_added(app: Erlen, client: t.Any) -> None:
    def view() -> str:
        return request.method

    view.required_methods = ["POST"]  # type: ignore[attr-defined]
    app.add_url_rule("/r", view_func=view, methods=["GET"])
    assert client.post("/r").text == "POST"
    assert client.get("/r").text == "GET"


# (methods, provide_automatic_options argument, view attribute, config) ->
# what OPTIONS answers: "auto" (empty 200 with Allow), "view" or 405. Checked
# against Flask 3.1: an explicit True does not add OPTIONS to the methods.
AUTOMATIC_OPTIONS = [
    (["GET"], None, None, True, "auto"),
    (["GET"], None, None, False, 405),
    (["GET"], False, None, True, 405),
    (["GET"], True, None, False, 405),
    (["GET"], None, False, True, 405),
    (["GET"], None, True, False, 405),
    (["GET"], False, True, True, 405),
    (["GET", "OPTIONS"], None, None, True, "view"),
    (["GET", "OPTIONS"], True, None, False, "auto"),
    (["GET", "OPTIONS"], None, True, True, "auto"),
    (["GET", "OPTIONS"], False, True, True, "view"),
]


@pytest.mark.parametrize(
    ("methods", "argument", "attribute", "config", "outcome"), AUTOMATIC_OPTIONS
)
def test_provide_automatic_options_resolution(
    app: Erlen,
    client: t.Any,
    methods: list[str],
    argument: bool | None,
    attribute: bool | None,
    config: bool,
    outcome: t.Any,
) -> None:
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = config

    def view() -> str:
        return "view " + request.method

    if attribute is not None:
        view.provide_automatic_options = attribute  # type: ignore[attr-defined]
    app.add_url_rule(
        "/o", "o", view, methods=methods, provide_automatic_options=argument
    )
    rv = client.options("/o")
    if outcome == "auto":
        assert rv.status_code == 200
        assert rv.data == b""
        assert set(rv.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    elif outcome == "view":
        assert rv.text == "view OPTIONS"
    else:
        assert rv.status_code == 405
        assert set(rv.headers["Allow"].split(", ")) == {"GET", "HEAD"}


def test_explicit_options_method_calls_the_view(app: Erlen, client: t.Any) -> None:
    @app.route("/own", methods=["GET", "OPTIONS"])
    def own() -> str:
        return "own options"

    rv = client.options("/own")
    assert rv.text == "own options"
    assert "Allow" not in rv.headers


def test_automatic_head_has_headers_but_no_body(app: Erlen, client: t.Any) -> None:
    @app.route("/h")
    def h() -> str:
        return "hello head"

    get = client.get("/h")
    head = client.head("/h")
    assert head.status_code == 200
    assert head.data == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"] == "10"


def test_405_allow_header_lists_all_rules_for_the_path(
    app: Erlen, client: t.Any
) -> None:
    @app.post("/thing")
    def create() -> str:
        return "created"

    @app.delete("/thing")
    def remove() -> str:
        return "removed"

    rv = client.get("/thing")
    assert rv.status_code == 405
    assert set(rv.headers["Allow"].split(", ")) == {"POST", "DELETE", "OPTIONS"}
    assert client.delete("/thing").text == "removed"
    options = client.options("/thing")
    assert set(options.headers["Allow"].split(", ")) == {"POST", "DELETE", "OPTIONS"}


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/dir", "http://localhost/dir/"),
        ("/dir?a=1&b=2", "http://localhost/dir/?a=1&b=2"),
    ],
)
def test_missing_slash_redirects_keep_the_query(
    app: Erlen, client: t.Any, path: str, location: str
) -> None:
    @app.route("/dir/")
    def directory() -> str:
        return "dir"

    rv = client.get(path)
    assert rv.status_code == 308
    assert rv.headers["Location"] == location
    assert client.get(path, follow_redirects=True).text == "dir"


def test_strict_slashes_false_serves_both(app: Erlen, client: t.Any) -> None:
    @app.route("/loose/", strict_slashes=False)
    def loose() -> str:
        return "loose"

    assert client.get("/loose").text == "loose"
    assert client.get("/loose/").text == "loose"


def test_defaults_and_redirect_to_the_canonical_url(app: Erlen, client: t.Any) -> None:
    @app.route("/page/", defaults={"n": 1})
    @app.route("/page/<int:n>")
    def page(n: int) -> str:
        return f"page {n}"

    assert client.get("/page/").text == "page 1"
    assert client.get("/page/2").text == "page 2"
    rv = client.get("/page/1")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/page/"


def test_redirect_to_string_and_callable(app: Erlen, client: t.Any) -> None:
    @app.route("/new/<int:n>")
    def new(n: int) -> str:
        return f"new {n}"

    app.add_url_rule("/old/<int:n>", "old", redirect_to="/new/<n>")
    app.add_url_rule(
        "/calc/<int:n>", "calc", redirect_to=lambda adapter, n: f"/new/{n * 2}"
    )
    rv = client.get("/old/5")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/new/5"
    assert client.get("/calc/5", follow_redirects=True).text == "new 10"


def test_merge_slashes(app: Erlen, client: t.Any) -> None:
    @app.route("/a/b")
    def merged() -> str:
        return "merged"

    @app.route("/x/y", merge_slashes=False)
    def kept() -> str:
        return "kept"

    rv = client.get("/a//b")
    assert rv.status_code == 308
    assert rv.headers["Location"] == "http://localhost/a/b"
    assert client.get("/x//y").status_code == 404


def test_subdomain_rules_need_subdomain_matching(app: Erlen, client: t.Any) -> None:
    app.config["SERVER_NAME"] = "example.test"
    app.subdomain_matching = True

    @app.route("/", subdomain="api")
    def api() -> str:
        return "api"

    @app.route("/", subdomain="<user>")
    def user(user: str) -> str:
        return f"user {user}"

    assert client.get("/", base_url="http://api.example.test").text == "api"
    assert client.get("/", base_url="http://joe.example.test").text == "user joe"
    assert client.get("/", base_url="http://example.test").status_code == 404
    with app.test_request_context(base_url="http://joe.example.test"):
        assert app.url_for("api", _external=True) == "http://api.example.test/"


def test_host_rules_with_host_matching() -> None:
    app = Erlen("hosts", host_matching=True, static_folder=None)

    @app.route("/", host="<tenant>.example")
    def tenant(tenant: str) -> str:
        return tenant

    client = app.test_client()
    assert client.get("/", base_url="http://acme.example").text == "acme"
    assert client.get("/", base_url="http://other.test").status_code == 404


def test_custom_converter(app: Erlen, client: t.Any) -> None:
    class ListConverter(BaseConverter):
        def to_python(self, value: str) -> list[str]:
            return value.split("+")

        def to_url(self, value: t.Any) -> str:
            return "+".join(BaseConverter.to_url(self, part) for part in value)

    class OddConverter(BaseConverter):
        regex = r"\d+"

        def to_python(self, value: str) -> int:
            if int(value) % 2 == 0:
                raise ValidationError()
            return int(value)

    app.url_map.converters["list"] = ListConverter
    app.url_map.converters["odd"] = OddConverter

    @app.route("/l/<list:parts>")
    def parts(parts: list[str]) -> str:
        return ",".join(parts) + " " + app.url_for("parts", parts=["a b", "c"])

    @app.route("/o/<odd:n>")
    def odd(n: int) -> str:
        return str(n)

    assert client.get("/l/x+y").text == "x,y /l/a%20b+c"
    assert client.get("/o/3").text == "3"
    assert client.get("/o/4").status_code == 404


def test_builtin_converters_with_arguments(app: Erlen, client: t.Any) -> None:
    @app.route("/s/<string(minlength=2, maxlength=3):s>")
    def s(s: str) -> str:
        return s

    @app.route("/f/<float(signed=True):f>")
    def f(f: float) -> str:
        return repr(f)

    @app.route("/a/<any(red, blue):color>")
    def a(color: str) -> str:
        return color

    assert client.get("/s/ab").text == "ab"
    assert client.get("/s/a").status_code == 404
    assert client.get("/s/abcd").status_code == 404
    assert client.get("/f/-1.5").text == "-1.5"
    assert client.get("/a/blue").text == "blue"
    assert client.get("/a/green").status_code == 404


def test_request_routing_attributes(app: Erlen, client: t.Any) -> None:
    @app.route("/r/<int:n>")
    def routed(n: int) -> str:
        rule = request.url_rule
        assert rule is not None
        return f"{request.endpoint} {rule.rule} {request.view_args}"

    assert client.get("/r/4").text == "routed /r/<int:n> {'n': 4}"


def test_trusted_hosts(app: Erlen, client: t.Any) -> None:
    app.config["TRUSTED_HOSTS"] = ["good.example"]

    @app.route("/")
    def index() -> str:
        return request.host

    assert client.get("/", base_url="http://good.example").text == "good.example"
    assert client.get("/", base_url="http://evil.example").status_code == 400


def test_non_ascii_and_double_slash_paths_are_matched(
    app: Erlen, client: t.Any
) -> None:
    @app.route("/été")
    def summer() -> str:
        return "summer"

    @app.route("/<path:rest>")
    def rest(rest: str) -> str:
        return "rest " + rest

    assert client.get("/%C3%A9t%C3%A9").text == "summer"
    assert client.get("/a/b").text == "rest a/b"


def test_lower_case_method_is_matched(app: Erlen) -> None:
    @app.route("/", methods=["POST"])
    def index() -> str:
        return request.method

    rv = app.test_client().open("/", method="post")
    assert rv.text == "POST"


def test_many_routes_and_a_long_path_finish(app: Erlen, client: t.Any) -> None:
    for number in range(300):
        app.add_url_rule(f"/r{number}/<int:x>", f"r{number}", lambda x: str(x))
    assert client.get("/r299/7").text == "7"
    long_path = "/" + "a/" * 100_000
    assert client.get(long_path).status_code == 404
    assert client.get("/r1/" + "9" * 10_000).status_code in {200, 404}


def test_rule_without_view_function_is_a_key_error(app: Erlen, client: t.Any) -> None:
    app.add_url_rule("/orphan", "orphan")
    with pytest.raises(KeyError, match="orphan"):
        client.get("/orphan")


def test_overwriting_an_endpoint_is_an_assertion_error(app: Erlen) -> None:
    app.add_url_rule("/a", "same", lambda: "a")
    with pytest.raises(AssertionError, match="overwriting an existing endpoint"):
        app.add_url_rule("/b", "same", lambda: "b")


def test_blueprint_endpoints_use_their_hooks_and_url_defaults(
    app: Erlen, client: t.Any
) -> None:
    from erlen import Blueprint
    from erlen import url_for

    parent = Blueprint("parent", __name__, url_prefix="/p")
    child = Blueprint("child", __name__, url_prefix="/c")
    events: list[str] = []

    @child.url_defaults
    def child_defaults(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("lang", "en")

    @parent.before_request
    def parent_before() -> None:
        events.append("parent before")

    @child.route("/<lang>/")
    def page(lang: str) -> str:
        return f"{lang} {url_for('.page')} {url_for('parent.child.page', lang='de')}"

    parent.register_blueprint(child)
    app.register_blueprint(parent)
    assert client.get("/p/c/fr/").text == "fr /p/c/en/ /p/c/de/"
    assert events == ["parent before"]
