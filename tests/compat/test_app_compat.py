"""Differential tests of the app core: the same app on Flask 3.1 and on erlen.

Each scenario is ``build(mod, app)``, which registers views with whichever
framework module it is given (``flask`` or ``erlen``), a config mapping and a
list of requests. Both apps answer through their own test clients; status,
headers (minus ``Date``) and body must be equal. Scenarios cover what
``test_core_compat.py`` does not: ``add_url_rule`` options, ``url_for``,
hook short-circuits, error handler resolution and every return-value form.
"""

# The views below are written once for two frameworks, so ``app`` is ``t.Any``
# and its decorators are untyped by necessity.
# mypy: disable-error-code="untyped-decorator"
from __future__ import annotations

import collections.abc as cabc
import typing as t
from http import HTTPStatus

import flask
import pytest
from differential import Request
from differential import compare

import erlen

Build = cabc.Callable[[t.Any, t.Any], None]


def make_app(mod: t.Any, build: Build, config: dict[str, t.Any]) -> t.Any:
    cls = getattr(mod, "Erlen", None) or mod.Flask
    app = cls("compat_app_core", **config.pop("__init__", {}))
    app.config.update(SECRET_KEY="compat", TESTING=False, DEBUG=False)
    app.config.update(config)
    build(mod, app)
    return app


def assert_same(
    build: Build, requests: list[Request], config: dict[str, t.Any] | None = None
) -> list[int]:
    """Assert both frameworks answer alike; return the status codes seen."""
    flask_app = make_app(flask, build, dict(config or {}))
    erlen_app = make_app(erlen, build, dict(config or {}))
    return compare(flask_app, erlen_app, requests)


# -- add_url_rule options ---------------------------------------------------------


def rule_options(mod: t.Any, app: t.Any) -> None:
    def plain() -> t.Any:
        return "plain"

    app.add_url_rule("/plain", view_func=plain)
    app.add_url_rule("/named", "custom_name", plain)
    app.add_url_rule(
        "/page/", "page", lambda page: f"page {page}", defaults={"page": 1}
    )
    app.add_url_rule("/page/<int:page>", "page")
    app.add_url_rule("/loose", "loose", lambda: "loose", strict_slashes=False)
    app.add_url_rule("/old", "old", redirect_to="/plain")
    app.add_url_rule("/old/<int:n>", "old_n", redirect_to="/page/<n>")
    app.add_url_rule("/merge/a", "merge", lambda: "merged")
    app.add_url_rule("/keep/a", "keep", lambda: "kept", merge_slashes=False)
    app.add_url_rule(
        "/no-options", "no_options", lambda: "x", provide_automatic_options=False
    )
    app.add_url_rule(
        "/own-options",
        "own_options",
        lambda: "own " + mod.request.method,
        methods=["GET", "OPTIONS"],
    )

    def with_methods() -> t.Any:
        return "attr " + mod.request.method

    with_methods.methods = ["POST", "put"]  # type: ignore[attr-defined]
    app.add_url_rule("/attr-methods", view_func=with_methods)

    def required() -> t.Any:
        return "required " + mod.request.method

    required.required_methods = ["DELETE"]  # type: ignore[attr-defined]
    app.add_url_rule("/required", view_func=required)

    def no_auto() -> t.Any:
        return "no auto"

    no_auto.provide_automatic_options = False  # type: ignore[attr-defined]
    app.add_url_rule("/no-auto", view_func=no_auto)

    @app.endpoint("by_decorator")
    def by_decorator() -> t.Any:
        return "decorated endpoint"

    app.add_url_rule("/by-decorator", "by_decorator")


RULE_REQUESTS: list[Request] = [
    ("GET", "/plain", {}),
    ("GET", "/named", {}),
    ("GET", "/page/", {}),
    ("GET", "/page/1", {}),
    ("GET", "/page/7", {}),
    ("GET", "/page", {}),
    ("GET", "/loose", {}),
    ("GET", "/loose/", {}),
    ("GET", "/old", {}),
    ("GET", "/old/4", {}),
    ("GET", "/merge//a", {}),
    ("GET", "/keep//a", {}),
    ("GET", "/keep/a", {}),
    ("OPTIONS", "/no-options", {}),
    ("OPTIONS", "/own-options", {}),
    ("GET", "/attr-methods", {}),
    ("POST", "/attr-methods", {}),
    ("PUT", "/attr-methods", {}),
    ("OPTIONS", "/attr-methods", {}),
    ("GET", "/required", {}),
    ("DELETE", "/required", {}),
    ("OPTIONS", "/required", {}),
    ("HEAD", "/required", {}),
    ("OPTIONS", "/no-auto", {}),
    ("GET", "/by-decorator", {}),
    ("PATCH", "/plain", {}),
    ("OPTIONS", "/missing", {}),
    ("OPTIONS", "*", {}),
]


@pytest.mark.parametrize(("method", "path", "kwargs"), RULE_REQUESTS)
def test_add_url_rule_options_match_flask(
    method: str, path: str, kwargs: dict[str, t.Any]
) -> None:
    assert_same(rule_options, [(method, path, kwargs)])


def test_provide_automatic_options_config_off_matches_flask() -> None:
    assert_same(
        rule_options,
        [("OPTIONS", "/plain", {}), ("GET", "/plain", {})],
        {"PROVIDE_AUTOMATIC_OPTIONS": False},
    )


def converters(mod: t.Any, app: t.Any) -> None:
    from werkzeug.routing import BaseConverter as WerkzeugConverter

    from erlen.routing import BaseConverter as ErlenConverter

    base = WerkzeugConverter if mod is flask else ErlenConverter

    class ListConverter(base):  # type: ignore[valid-type,misc]
        regex = r"\w+(?:,\w+)*"

        def to_python(self, value: str) -> list[str]:
            return value.split(",")

        def to_url(self, value: list[str]) -> t.Any:
            return ",".join(value)

    class EvenConverter(base):  # type: ignore[valid-type,misc]
        regex = r"\d+"

        def to_python(self, value: str) -> int:
            number = int(value)
            if number % 2:
                raise _validation_error(mod)
            return number

    app.url_map.converters["list"] = ListConverter
    app.url_map.converters["even"] = EvenConverter

    @app.route("/l/<list:items>")
    def items(items: list[str]) -> t.Any:
        return "|".join(items) + " " + mod.url_for("items", items=["x", "y"])

    @app.route("/e/<even:n>")
    def even(n: int) -> t.Any:
        return f"even {n}"

    @app.route("/s/<string(length=2):code>")
    def code(code: str) -> t.Any:
        return code

    @app.route("/i/<int(min=1, max=9):digit>")
    def digit(digit: int) -> t.Any:
        return str(digit)

    @app.route("/n/<int(signed=True):n>")
    def signed(n: int) -> t.Any:
        return str(n)


def _validation_error(mod: t.Any) -> Exception:
    if mod is flask:
        from werkzeug.routing import ValidationError

        return ValidationError()
    from erlen.routing import ValidationError as ErlenValidationError

    return ErlenValidationError()


@pytest.mark.parametrize(
    "path",
    [
        "/l/a,b,c",
        "/l/a",
        "/l/",
        "/e/4",
        "/e/3",
        "/s/ab",
        "/s/abc",
        "/i/5",
        "/i/0",
        "/i/10",
        "/n/-3",
        "/n/3",
    ],
)
def test_custom_converters_match_flask(path: str) -> None:
    assert_same(converters, [("GET", path, {})])


def hosts(mod: t.Any, app: t.Any) -> None:
    @app.route("/", host="a.example")
    def host_a() -> t.Any:
        return "a " + mod.url_for("host_b", _external=False)

    @app.route("/", host="b.example")
    def host_b() -> t.Any:
        return "b " + mod.url_for("host_a")

    @app.route("/<name>", host="<user>.example")
    def user(user: str, name: str) -> t.Any:
        return f"{user} {name}"


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/", {"base_url": "http://a.example"}),
        ("/", {"base_url": "http://b.example"}),
        ("/x", {"base_url": "http://joe.example"}),
        ("/", {"base_url": "http://c.other"}),
        ("/static/missing.txt", {"base_url": "http://static.example"}),
    ],
)
def test_host_matching_matches_flask(path: str, kwargs: dict[str, t.Any]) -> None:
    config = {"__init__": {"host_matching": True, "static_host": "static.example"}}
    assert_same(hosts, [("GET", path, kwargs)], config)


def subdomains(mod: t.Any, app: t.Any) -> None:
    @app.route("/")
    def index() -> t.Any:
        return "index " + mod.url_for("sub", _external=True)

    @app.route("/", subdomain="api")
    def sub() -> t.Any:
        return "api " + mod.url_for("index")

    @app.route("/u", subdomain="<tenant>")
    def tenant(tenant: str) -> t.Any:
        return "tenant " + tenant


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/", {"base_url": "http://example.test"}),
        ("/", {"base_url": "http://api.example.test"}),
        ("/u", {"base_url": "http://acme.example.test"}),
        ("/u", {"base_url": "http://example.test"}),
    ],
)
def test_subdomain_matching_matches_flask(path: str, kwargs: dict[str, t.Any]) -> None:
    config = {"__init__": {"subdomain_matching": True}, "SERVER_NAME": "example.test"}
    assert_same(subdomains, [("GET", path, kwargs)], config)


# -- url_for ----------------------------------------------------------------------


def urls(mod: t.Any, app: t.Any) -> None:
    @app.route("/")
    def index() -> t.Any:
        return "\n".join(
            [
                mod.url_for("index"),
                mod.url_for("index", _external=True),
                mod.url_for("index", _anchor="a b/c?"),
                mod.url_for("index", _scheme="https", _external=True),
                mod.url_for("item", id=3, q="x y", many=[1, 2]),
                mod.url_for("item", id=3, _method="POST"),
                mod.url_for("lang_page"),
                mod.url_for("static", filename="a b.css"),
                mod.url_for("index", next="/a?b=c&d"),
            ]
        )

    @app.route("/item/<int:id>", methods=["GET", "POST"])
    def item(id: int) -> t.Any:
        return str(id)

    @app.route("/<lang>/page")
    def lang_page(lang: str) -> t.Any:
        return lang + " " + mod.g.lang

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        if endpoint == "lang_page":
            values.setdefault("lang", "en")

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        if values is not None:
            mod.g.lang = values.get("lang", "none")


@pytest.mark.parametrize(
    ("path", "kwargs"),
    [
        ("/", {}),
        ("/", {"base_url": "https://example.com:8443/root"}),
        ("/de/page", {}),
    ],
)
def test_url_for_matches_flask(path: str, kwargs: dict[str, t.Any]) -> None:
    assert_same(urls, [("GET", path, kwargs)])


def test_url_for_outside_request_matches_flask() -> None:
    config = {
        "SERVER_NAME": "example.org:8080",
        "APPLICATION_ROOT": "/app",
        "PREFERRED_URL_SCHEME": "https",
    }
    results = []
    for mod in (flask, erlen):
        app = make_app(mod, urls, dict(config))
        with app.app_context():
            results.append(
                [
                    mod.url_for("index"),
                    mod.url_for("item", id=1, _external=False),
                    mod.url_for("item", id=1, _scheme="http"),
                    mod.url_for("lang_page", _anchor="top"),
                ]
            )
    assert results[0] == results[1]
    assert results[1][0] == "https://example.org:8080/app/"


def test_build_error_messages_match_flask() -> None:
    messages = []
    for mod in (flask, erlen):
        app = make_app(mod, urls, {})
        with app.test_request_context():
            row = []
            for endpoint, values in [
                ("nowhere", {}),
                ("item", {}),
                ("item", {"_method": "DELETE", "id": 1}),
                ("indx", {}),
            ]:
                with pytest.raises(LookupError) as info:
                    mod.url_for(endpoint, **values)
                row.append(str(info.value))
            messages.append(row)
    assert messages[1] == messages[0]


# -- hooks ------------------------------------------------------------------------


def hook_short_circuits(mod: t.Any, app: t.Any) -> None:
    log: list[str] = []

    @app.before_request
    def first() -> t.Any:
        log.append("before1")
        if mod.request.args.get("stop") == "before":
            return "stopped in before", 202
        if mod.request.args.get("raise") == "before":
            raise ValueError("before")
        return None

    @app.before_request
    def second() -> None:
        log.append("before2")

    @app.after_request
    def after(response: t.Any) -> t.Any:
        log.append("after")
        if mod.request.args.get("raise") == "after":
            raise KeyError("after")
        response.headers["X-Log"] = ",".join(log)
        log.clear()
        return response

    @app.teardown_request
    def teardown(exc: BaseException | None) -> None:
        log.append(f"teardown {type(exc).__name__}")

    @app.errorhandler(ValueError)
    def value_error(e: ValueError) -> t.Any:
        return f"handled {e}", 418

    @app.errorhandler(KeyError)
    def key_error(e: KeyError) -> t.Any:
        return "key error handled", 409

    hook_view(mod, app)


def hook_view(mod: t.Any, app: t.Any) -> None:
    @app.route("/")
    def index() -> t.Any:
        if mod.request.args.get("raise") == "view":
            raise ValueError("view")

        @mod.after_this_request
        def extra(response: t.Any) -> t.Any:
            response.headers["X-Extra"] = "1"
            return response

        return "view"


@pytest.mark.parametrize(
    "query",
    ["", "stop=before", "raise=before", "raise=view", "raise=after"],
)
def test_hook_short_circuits_match_flask(query: str) -> None:
    assert_same(hook_short_circuits, [("GET", f"/?{query}", {})])


# -- errors -----------------------------------------------------------------------


class AppError(Exception):
    """The base class of the app's own errors."""


class SpecificError(AppError):
    """A subclass whose handler is looked up through the MRO."""


def errors(mod: t.Any, app: t.Any) -> None:
    http = _exceptions(mod)

    @app.errorhandler(AppError)
    def app_error(e: AppError) -> t.Any:
        return f"app error {type(e).__name__}", 400

    @app.errorhandler(404)
    def not_found(e: t.Any) -> t.Any:
        return f"custom 404: {e.description}", 404

    @app.errorhandler(http.MethodNotAllowed)
    def not_allowed(e: t.Any) -> t.Any:
        return f"405 handled: {sorted(e.valid_methods)}", 405

    @app.errorhandler(http.HTTPException)
    def any_http(e: t.Any) -> t.Any:
        return mod.jsonify(code=e.code, name=e.name), e.code

    error_views(mod, app)


def error_views(mod: t.Any, app: t.Any) -> None:
    http = _exceptions(mod)

    class Teapot(http.HTTPException):  # type: ignore[misc,name-defined]
        code = 418
        description = "short and stout"

    @app.route("/specific")
    def specific() -> t.Any:
        raise SpecificError()

    @app.route("/abort/<int:code>")
    def do_abort(code: int) -> t.Any:
        mod.abort(code)

    @app.route("/abort-text")
    def abort_text() -> t.Any:
        mod.abort(403, description="go away")

    @app.route("/abort-response")
    def abort_response() -> t.Any:
        mod.abort(mod.make_response("made", 429))

    @app.route("/teapot")
    def teapot() -> t.Any:
        raise Teapot()

    @app.route("/crash")
    def crash() -> t.Any:
        raise RuntimeError("secret detail")

    @app.route("/post", methods=["POST"])
    def post() -> t.Any:
        return "post"

    @app.route("/key")
    def key() -> t.Any:
        return mod.request.args["missing"]


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/specific", 400),
        ("/abort/400", 400),
        ("/abort/401", 401),
        ("/abort/404", 404),
        ("/abort/410", 410),
        ("/abort-text", 403),
        ("/abort-response", 429),
        ("/teapot", 418),
        ("/nowhere", 404),
        ("/post", 405),
        ("/key", 400),
        ("/crash", 500),
    ],
)
def test_error_handlers_match_flask(path: str, code: int) -> None:
    assert assert_same(errors, [("GET", path, {})]) == [code]


def unhandled(mod: t.Any, app: t.Any) -> None:
    @app.route("/crash")
    def crash() -> t.Any:
        raise RuntimeError("secret detail")

    @app.route("/key")
    def key() -> t.Any:
        return mod.request.args["missing"]

    @app.route("/abort")
    def do_abort() -> t.Any:
        mod.abort(400)

    @app.route("/abort-unknown")
    def abort_unknown() -> t.Any:
        mod.abort(299)


@pytest.mark.parametrize("path", ["/crash", "/key", "/abort", "/nowhere"])
def test_default_error_pages_match_flask(path: str) -> None:
    assert_same(unhandled, [("GET", path, {})])


@pytest.mark.parametrize("path", ["/crash", "/abort-unknown"])
def test_500_with_handler_matches_flask(path: str) -> None:
    def build(mod: t.Any, app: t.Any) -> None:
        unhandled(mod, app)

        @app.errorhandler(500)
        def server_error(e: t.Any) -> t.Any:
            original = e.original_exception
            return f"500 for {type(original).__name__}", 500

    assert_same(build, [("GET", path, {})])


def test_abort_unknown_code_raises_lookup_error_in_both() -> None:
    for mod in (flask, erlen):
        app = make_app(mod, unhandled, {"PROPAGATE_EXCEPTIONS": True})
        with pytest.raises(LookupError, match="no exception for 299"):
            app.test_client().get("/abort-unknown")


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({"TRAP_HTTP_EXCEPTIONS": True, "PROPAGATE_EXCEPTIONS": False}, "/abort"),
        ({"TRAP_BAD_REQUEST_ERRORS": True}, "/abort"),
        ({"TRAP_BAD_REQUEST_ERRORS": True}, "/key"),
        ({"TRAP_BAD_REQUEST_ERRORS": False, "DEBUG": True}, "/abort"),
    ],
)
def test_trap_settings_match_flask(config: dict[str, t.Any], path: str) -> None:
    assert_same(unhandled, [("GET", path, {})], config)


# -- return values ------------------------------------------------------------------


def returns(mod: t.Any, app: t.Any) -> None:  # noqa: C901 - one route per case
    @app.route("/bytes-status")
    def bytes_status() -> t.Any:
        return b"raw", 201

    @app.route("/str-headers")
    def str_headers() -> t.Any:
        return "text", {"X-A": "1"}

    @app.route("/str-header-list")
    def str_header_list() -> t.Any:
        return "text", [("X-A", "1"), ("X-A", "2")]

    @app.route("/three")
    def three() -> t.Any:
        return "body", 203, {"X-B": "2", "Content-Type": "text/x-custom"}

    @app.route("/status-string")
    def status_string() -> t.Any:
        return "body", "299 Made Up"

    @app.route("/status-bare")
    def status_bare() -> t.Any:
        return "body", "299"

    @app.route("/status-enum")
    def status_enum() -> t.Any:
        return "body", HTTPStatus.ACCEPTED

    @app.route("/status-bytes")
    def status_bytes() -> t.Any:
        return "body", b"201 Made"

    @app.route("/list")
    def as_list() -> t.Any:
        return [1, "two", None]

    @app.route("/dict-status")
    def dict_status() -> t.Any:
        return {"a": 1}, 400

    @app.route("/generator")
    def generator() -> t.Any:
        def parts() -> cabc.Iterator[str]:
            yield "a"
            yield "b"

        return parts()

    @app.route("/generator-status")
    def generator_status() -> t.Any:
        return iter([b"x", b"y"]), 206, {"X-C": "3"}

    @app.route("/response-tuple")
    def response_tuple() -> t.Any:
        return mod.Response("r", status=200), 404, {"X-D": "4"}

    @app.route("/response-headers")
    def response_headers() -> t.Any:
        return mod.Response("r"), [("X-E", "5")]

    @app.route("/wsgi")
    def wsgi() -> t.Any:
        def app(environ: t.Any, start_response: t.Any) -> list[bytes]:
            headers = [("X-W", environ["PATH_INFO"]), ("Content-Type", "text/x")]
            start_response("202 Accepted", headers)
            return [b"from wsgi"]

        return app

    @app.route("/http-exception")
    def http_exception() -> t.Any:
        return _not_found(mod)

    @app.route("/make-response")
    def make_response() -> t.Any:
        return mod.make_response("made", 201, {"X-M": "1"})

    @app.route("/make-response-empty")
    def make_response_empty() -> t.Any:
        return mod.make_response()

    @app.route("/redirect")
    def redirect() -> t.Any:
        return mod.redirect("/target?x=1")

    @app.route("/redirect-307")
    def redirect_307() -> t.Any:
        return mod.redirect(mod.url_for("redirect"), 307)

    @app.route("/bytearray")
    def as_bytearray() -> t.Any:
        return bytearray(b"ba"), 200


def _exceptions(mod: t.Any) -> t.Any:
    import werkzeug.exceptions

    import erlen.exceptions

    return werkzeug.exceptions if mod is flask else erlen.exceptions


def _not_found(mod: t.Any) -> t.Any:
    return _exceptions(mod).NotFound("gone")


@pytest.mark.parametrize(
    "path",
    [
        "/bytes-status",
        "/str-headers",
        "/str-header-list",
        "/three",
        "/status-string",
        "/status-bare",
        "/status-enum",
        "/list",
        "/dict-status",
        "/generator",
        "/generator-status",
        "/response-tuple",
        "/response-headers",
        "/wsgi",
        "/http-exception",
        "/make-response",
        "/make-response-empty",
        "/redirect",
        "/redirect-307",
        "/bytearray",
    ],
)
def test_return_forms_match_flask(path: str) -> None:
    (code,) = assert_same(returns, [("GET", path, {})])
    assert code != 500


def test_bytes_status_is_a_type_error_in_both() -> None:
    for mod in (flask, erlen):
        app = make_app(mod, returns, {"PROPAGATE_EXCEPTIONS": True})
        with pytest.raises(TypeError):
            app.test_client().get("/status-bytes")


HOSTILE_PATHS = [
    "/%FF",
    "/%00",
    "/%C3",
    "/a%2Fb",
    "/..%2F..%2Fetc",
    "/item/%F0%9F%98%80",
    "/item/1%0A",
    "/" + "a/" * 20_000,
    "/" * 5_000 + "plain",
    "/page/" + "9" * 5_000,
    "/plain?" + "&".join(["q=1"] * 5_000),
]


@pytest.mark.parametrize("path", HOSTILE_PATHS, ids=range(len(HOSTILE_PATHS)))
def test_hostile_paths_match_flask(path: str) -> None:
    (code,) = assert_same(rule_options, [("GET", path, {})])
    assert code < 500
