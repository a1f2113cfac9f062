"""Differential tests: a ``create_app()`` factory with blueprints on Flask and erlen.

The same factory builds the app with the framework module it is given (``flask``
or ``erlen``). Both apps answer the same table of requests through their own test
clients; status, headers (minus ``Date``) and body must be equal. A second part
compares event logs of hooks and handlers along a chain of nested blueprints.
"""

# mypy: disable-error-code="untyped-decorator"
# (the framework module is passed in as ``t.Any``, so its decorators are untyped)
from __future__ import annotations

import collections.abc as cabc
import os
import typing as t

import flask
import pytest
from differential import Request
from differential import compare

import erlen

ROOT = os.path.join(os.path.dirname(os.path.dirname(__file__)), "apps", "bpf")


def app_class(mod: t.Any) -> t.Any:
    return getattr(mod, "Erlen", None) or mod.Flask


def assert_same(
    factory: cabc.Callable[[t.Any], t.Any], requests: list[Request]
) -> None:
    compare(factory(flask), factory(erlen), requests)


# -- the factory ------------------------------------------------------------------


def make_pages(mod: t.Any) -> t.Any:
    """Pages: its own template and static folders, no URL prefix."""
    pages = mod.Blueprint(
        "pages",
        __name__,
        root_path=ROOT,
        template_folder="bpf_pages_templates",
        static_folder="bpf_pages_static",
        static_url_path="/pages-static",
    )

    @pages.route("/pages/")
    def home() -> t.Any:
        return mod.render_template("bpf_pages.html")

    @pages.route("/pages/shared")
    def shared() -> t.Any:
        return mod.render_template("bpf_shared.html")

    @pages.route("/pages/missing")
    def missing() -> t.Any:
        mod.abort(404)

    @pages.route("/pages/bad")
    def bad() -> t.Any:
        raise ValueError("bad page")

    @pages.route("/pages/teapot")
    def teapot() -> t.Any:
        mod.abort(418)

    @pages.route("/pages/key")
    def key() -> t.Any:
        raise KeyError("pages key")

    @pages.errorhandler(404)
    def pages_404(e: t.Any) -> t.Any:
        return f"pages 404 {mod.request.blueprint}", 404

    @pages.errorhandler(ValueError)
    def pages_value(e: t.Any) -> t.Any:
        return f"pages value {e}", 400

    @pages.context_processor
    def pages_processor() -> dict[str, t.Any]:
        return {"from_pages_processor": "pp"}

    add_app_wide(mod, pages)
    return pages


def add_app_wide(mod: t.Any, pages: t.Any) -> None:
    """The ``app_*`` registrations and ``record`` callbacks of the pages blueprint."""

    @pages.app_template_filter("shout")
    def shout(value: str) -> str:
        return value.upper() + "!"

    @pages.app_template_global("bpf_global")
    def bpf_global() -> str:
        return "global"

    @pages.app_template_test("bpf_even")
    def bpf_even(value: int) -> bool:
        return value % 2 == 0

    @pages.app_context_processor
    def app_processor() -> dict[str, t.Any]:
        return {"from_app_processor": "ap"}

    @pages.after_app_request
    def stamp(response: t.Any) -> t.Any:
        response.headers["X-App-After"] = mod.request.endpoint or "-"
        return response

    @pages.before_app_request
    def before_any() -> None:
        mod.g.before_any = "yes"

    @pages.app_errorhandler(418)
    def any_teapot(e: t.Any) -> t.Any:
        return f"app teapot {mod.request.blueprint}", 418

    @pages.record
    def each(state: t.Any) -> None:
        state.app.config.setdefault("BPF_RECORDED", []).append(
            (state.name, state.url_prefix, state.first_registration)
        )

    @pages.record_once
    def once(state: t.Any) -> None:
        state.app.config.setdefault("BPF_ONCE", []).append(state.name)


def make_api(mod: t.Any) -> t.Any:
    """API: a URL prefix, blueprint defaults, URL value processing, a child."""
    api = mod.Blueprint("api", __name__, url_prefix="/api", url_defaults={"fmt": "j"})

    @api.route("/items")
    def items(fmt: str) -> t.Any:
        return {
            "fmt": fmt,
            "self": mod.url_for(".items"),
            "child": mod.url_for(".users.list"),
            "ext": mod.url_for(".items", _external=True),
            "bp": mod.request.blueprint,
            "bps": mod.request.blueprints,
            "before": mod.g.get("before_any"),
        }

    @api.route("/<lang>/hello")
    def hello(fmt: str) -> t.Any:
        return f"hello {mod.g.lang} {fmt} {mod.url_for('.hello')}"

    @api.route("/boom")
    def boom(fmt: str) -> t.Any:
        raise KeyError("api key")

    @api.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        if values is not None and "lang" in values:
            mod.g.lang = values.pop("lang")

    @api.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        if "lang" not in values and mod.g.get("lang"):
            values["lang"] = mod.g.lang

    users = mod.Blueprint("users", __name__)

    @users.route("/")
    def list(fmt: str = "-") -> t.Any:
        return f"users {fmt} {mod.request.blueprint} {','.join(mod.request.blueprints)}"

    @users.route("/<int:uid>")
    def show(uid: int, fmt: str = "-") -> t.Any:
        return f"user {uid} {fmt} {mod.url_for('.show', uid=uid + 1)}"

    @users.route("/raise")
    def fail(fmt: str = "-") -> t.Any:
        raise ValueError("user value")

    @users.errorhandler(KeyError)
    def users_key(e: t.Any) -> t.Any:
        return "users key handler", 409

    api.register_blueprint(users, url_prefix="/users")
    return api


def create_app(mod: t.Any) -> t.Any:
    """The factory under test, written once for both frameworks."""
    app = app_class(mod)("bpf_app", root_path=ROOT)
    app.config.update(SECRET_KEY="compat", TESTING=False)
    app.register_blueprint(make_pages(mod))
    api = make_api(mod)
    app.register_blueprint(api)
    app.register_blueprint(
        api, name="api_xml", url_prefix="/xml", url_defaults={"fmt": "x"}
    )

    @app.route("/")
    def index() -> t.Any:
        return mod.render_template("bpf_index.html")

    @app.route("/recorded")
    def recorded() -> t.Any:
        return {
            "each": app.config["BPF_RECORDED"],
            "once": app.config["BPF_ONCE"],
            "blueprints": sorted(app.blueprints),
            "endpoints": sorted(app.view_functions),
        }

    @app.errorhandler(404)
    def app_404(e: t.Any) -> t.Any:
        return f"app 404 {mod.request.blueprint}", 404

    @app.errorhandler(KeyError)
    def app_key(e: t.Any) -> t.Any:
        return f"app key {e}", 500

    @app.url_value_preprocessor
    def app_values(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        mod.g.app_saw = sorted(values or ())

    @app.url_defaults
    def app_defaults(endpoint: str, values: dict[str, t.Any]) -> None:
        if endpoint == "api_xml.users.show":
            values.setdefault("uid", 99)

    @app.route("/built")
    def built() -> t.Any:
        return mod.url_for("api_xml.users.show")

    return app


FACTORY_REQUESTS: list[Request] = [
    ("GET", "/", {}),
    ("GET", "/pages/", {}),
    ("GET", "/pages/shared", {}),
    ("GET", "/pages/missing", {}),
    ("GET", "/pages/bad", {}),
    ("GET", "/pages/teapot", {}),
    ("GET", "/pages/key", {}),
    ("GET", "/pages/nope", {}),
    ("GET", "/nowhere", {}),
    ("GET", "/api/items", {}),
    ("GET", "/xml/items", {}),
    ("GET", "/api/en/hello", {}),
    ("GET", "/xml/de/hello", {}),
    ("GET", "/api/boom", {}),
    ("GET", "/api/users/", {}),
    ("GET", "/api/users", {}),
    ("GET", "/xml/users/", {}),
    ("GET", "/api/users/7", {}),
    ("GET", "/xml/users/7", {}),
    ("GET", "/api/users/raise", {}),
    ("POST", "/api/users/7", {}),
    ("OPTIONS", "/api/users/7", {}),
    ("HEAD", "/pages/", {}),
    ("GET", "/recorded", {}),
    ("GET", "/built", {}),
    ("GET", "/pages/?x=%ff", {}),
]


def test_factory_app_answers_like_flask() -> None:
    assert_same(create_app, FACTORY_REQUESTS)


def test_blueprint_static_files_answer_like_flask() -> None:
    assert_same(
        create_app,
        [
            ("GET", "/pages-static/bpf_pages.css", {}),
            ("GET", "/pages-static/bpf_notes.txt", {}),
            ("HEAD", "/pages-static/bpf_pages.css", {}),
            ("GET", "/pages-static/missing.css", {}),
            ("GET", "/pages-static/../templates/bpf_shared.html", {}),
            ("GET", "/pages-static/bpf_pages.css", {"headers": {"Range": "bytes=0-3"}}),
        ],
    )


def test_factory_registrations_match_flask() -> None:
    flask_app = create_app(flask)
    erlen_app = create_app(erlen)

    def rules(app: t.Any) -> list[tuple[t.Any, ...]]:
        return sorted(
            (
                r.rule,
                r.endpoint,
                sorted(r.methods or ()),
                sorted((r.defaults or {}).items()),
                r.subdomain,
            )
            for r in app.url_map.iter_rules()
        )

    assert rules(erlen_app) == rules(flask_app)
    assert sorted(erlen_app.blueprints) == sorted(flask_app.blueprints)
    assert erlen_app.config["BPF_RECORDED"] == flask_app.config["BPF_RECORDED"]
    assert erlen_app.config["BPF_ONCE"] == flask_app.config["BPF_ONCE"]
    assert "shout" in erlen_app.jinja_env.filters
    assert erlen_app.jinja_env.loader.list_templates() == (
        flask_app.jinja_env.loader.list_templates()
    )


# -- subdomains -------------------------------------------------------------------


def subdomain_app(mod: t.Any) -> t.Any:
    app = app_class(mod)(
        "bpf_sub", root_path=ROOT, static_folder=None, subdomain_matching=True
    )
    app.config.update(SERVER_NAME="example.test", TESTING=False)
    admin = mod.Blueprint("admin", __name__, subdomain="admin")
    child = mod.Blueprint("child", __name__, subdomain="kid")

    @admin.route("/")
    def home() -> t.Any:
        return f"admin {mod.url_for('.home')} {mod.url_for('admin.child.page')}"

    @child.route("/page")
    def page() -> t.Any:
        return f"child {mod.request.blueprints} {mod.url_for('.page')}"

    @app.route("/")
    def index() -> t.Any:
        return f"root {mod.url_for('admin.home')}"

    admin.register_blueprint(child)
    app.register_blueprint(admin)
    app.register_blueprint(admin, name="other", subdomain="other")
    return app


def test_subdomain_blueprints_answer_like_flask() -> None:
    assert_same(
        subdomain_app,
        [
            ("GET", "/", {"base_url": "http://example.test/"}),
            ("GET", "/", {"base_url": "http://admin.example.test/"}),
            ("GET", "/page", {"base_url": "http://kid.admin.example.test/"}),
            ("GET", "/page", {"base_url": "http://admin.example.test/"}),
            ("GET", "/", {"base_url": "http://other.example.test/"}),
            ("GET", "/page", {"base_url": "http://kid.other.example.test/"}),
            ("GET", "/", {"base_url": "http://nope.example.test/"}),
        ],
    )


# -- setup errors -------------------------------------------------------------------


def setup_error(mod: t.Any, case: str) -> str:
    """Run one misuse on ``mod`` and return the exception type and message."""
    app = app_class(mod)("bpf_errors", root_path=ROOT)
    bp = mod.Blueprint("bp", __name__)
    other = mod.Blueprint("bp", __name__)

    @bp.route("/")
    def index() -> str:
        return "x"

    actions: dict[str, cabc.Callable[[], t.Any]] = {
        "empty name": lambda: mod.Blueprint("", __name__),
        "dotted name": lambda: mod.Blueprint("a.b", __name__),
        "dotted endpoint": lambda: bp.add_url_rule("/x", "a.b", index),
        "dotted view name": lambda: bp.add_url_rule("/y", view_func=_dotted_view()),
        "self nesting": lambda: bp.register_blueprint(bp),
        "same name twice": lambda: (
            app.register_blueprint(bp),
            app.register_blueprint(bp),
        ),
        "different blueprint same name": lambda: (
            app.register_blueprint(bp),
            app.register_blueprint(other),
        ),
        "setup after registration": lambda: (
            app.register_blueprint(bp),
            bp.route("/late")(lambda: "late"),
        ),
        "hook after registration": lambda: (
            app.register_blueprint(bp),
            bp.before_request(lambda: None),
        ),
        "nested after registration": lambda: (
            app.register_blueprint(bp),
            bp.register_blueprint(other, name="o"),
        ),
        "register after first request": lambda: (
            app.test_client().get("/"),
            app.register_blueprint(bp),
        ),
    }
    try:
        actions[case]()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return "no error"


def _dotted_view() -> cabc.Callable[[], str]:
    def view() -> str:
        return "x"

    view.__name__ = "a.b"
    return view


@pytest.mark.parametrize(
    "case",
    [
        "empty name",
        "dotted name",
        "dotted endpoint",
        "dotted view name",
        "self nesting",
        "same name twice",
        "different blueprint same name",
        "setup after registration",
        "hook after registration",
        "nested after registration",
        "register after first request",
    ],
)
def test_setup_errors_match_flask(case: str) -> None:
    expected = setup_error(flask, case)
    assert expected != "no error"
    assert setup_error(erlen, case) == expected.replace("Flask", "Erlen")


# -- hook and handler order along nested blueprints -------------------------------

LEVELS = ("app", "parent", "child", "grand")


class HookError(Exception):
    """Raised by a hook or view; handled by the parent's and the app's handlers."""


class UnhandledError(Exception):
    """Raised by a hook or view; no handler anywhere."""


def hook_app(mod: t.Any, scenario: str, events: list[str]) -> t.Any:
    """App -> parent -> child -> grand, each level with hooks that log events.

    ``scenario`` is ``"<action>:<level>"``: ``before-return``, ``before-raise``,
    ``after-raise``, ``view-raise``, ``view-unhandled``, ``view-abort``; the
    action happens at that level (or in the view).
    """
    action, _, where = scenario.partition(":")
    app = app_class(mod)("bpf_hooks", root_path=ROOT, static_folder=None)
    app.config.update(TESTING=False, SECRET_KEY="k")
    blueprints = {
        "parent": mod.Blueprint("parent", __name__, url_prefix="/p"),
        "child": mod.Blueprint("child", __name__, url_prefix="/c"),
        "grand": mod.Blueprint("grand", __name__, url_prefix="/g"),
    }
    owners: dict[str, t.Any] = {"app": app, **blueprints}
    for level, owner in owners.items():
        add_logging_hooks(mod, owner, level, action if where == level else "", events)
        if level in ("app", "parent"):
            add_handler(mod, owner, level, HookError, 418, events)
        if level in ("app", "child"):
            add_handler(mod, owner, level, 404, 404, events)
        if level == "app":
            add_handler(mod, owner, level, 500, 500, events)

    @blueprints["grand"].route("/view")
    def view() -> t.Any:
        events.append("view")
        if action == "view-raise":
            raise HookError("view")
        if action == "view-unhandled":
            raise UnhandledError("view")
        if action == "view-abort":
            mod.abort(404)
        built = mod.url_for(".view")
        return mod.render_template_string("{{ built }}", built=built)

    @app.teardown_appcontext
    def app_teardown(exc: BaseException | None) -> None:
        events.append(f"appcontext teardown {type(exc).__name__}")

    blueprints["child"].register_blueprint(blueprints["grand"])
    blueprints["parent"].register_blueprint(blueprints["child"])
    app.register_blueprint(blueprints["parent"])
    return app


def add_logging_hooks(
    mod: t.Any, owner: t.Any, level: str, action: str, events: list[str]
) -> None:
    """Two of each hook on ``owner``; the first one performs ``action``."""
    for index in (1, 2):
        acts = index == 1 and action

        def before(n: str = f"{level} before {index}", acts: t.Any = acts) -> t.Any:
            events.append(n)
            if acts == "before-return":
                return f"short-circuit by {n}", 203
            if acts == "before-raise":
                raise HookError(n)
            return None

        def after(
            response: t.Any, n: str = f"{level} after {index}", acts: t.Any = acts
        ) -> t.Any:
            events.append(f"{n} {response.status_code}")
            if acts == "after-raise":
                raise HookError(n)
            return response

        def teardown(
            exc: BaseException | None, n: str = f"{level} teardown {index}"
        ) -> None:
            events.append(f"{n} {type(exc).__name__}")

        owner.before_request(before)
        owner.after_request(after)
        owner.teardown_request(teardown)

    @owner.url_value_preprocessor
    def values(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        events.append(f"{level} url_value_preprocessor {endpoint}")

    @owner.url_defaults
    def defaults(endpoint: str, values: dict[str, t.Any]) -> None:
        events.append(f"{level} url_defaults {endpoint}")

    @owner.context_processor
    def processor() -> dict[str, t.Any]:
        events.append(f"{level} context_processor")
        return {}


def add_handler(
    mod: t.Any,
    owner: t.Any,
    level: str,
    key: t.Any,
    status: int,
    events: list[str],
) -> None:
    def handler(e: BaseException) -> t.Any:
        original = getattr(e, "original_exception", None)
        events.append(
            f"{level} handler {key if isinstance(key, int) else key.__name__}"
            f" got {type(e).__name__} {type(original).__name__}"
        )
        return f"handled by {level}", status

    owner.register_error_handler(key, handler)


HOOK_SCENARIOS = [
    "none:",
    *(f"before-return:{level}" for level in LEVELS),
    *(f"before-raise:{level}" for level in LEVELS),
    *(f"after-raise:{level}" for level in LEVELS),
    "view-raise:",
    "view-unhandled:",
    "view-abort:",
]


def run_hook_scenario(mod: t.Any, scenario: str, path: str) -> tuple[t.Any, ...]:
    events: list[str] = []
    app = hook_app(mod, scenario, events)
    client = app.test_client()
    rv = client.get(path)
    body = rv.get_data()
    rv.close()
    return rv.status, body, events


@pytest.mark.parametrize("scenario", HOOK_SCENARIOS)
def test_nested_hook_order_matches_flask(scenario: str) -> None:
    expected = run_hook_scenario(flask, scenario, "/p/c/g/view")
    assert run_hook_scenario(erlen, scenario, "/p/c/g/view") == expected


@pytest.mark.parametrize("path", ["/p/c/g/nope", "/p/c/g/view/", "/p/c"])
def test_unmatched_urls_use_app_handlers_like_flask(path: str) -> None:
    expected = run_hook_scenario(flask, "none:", path)
    assert run_hook_scenario(erlen, "none:", path) == expected
