"""Blueprint behaviour through the public API: registration, nesting, hooks, CLI."""

from __future__ import annotations

import os
import typing as t

import click
import pytest

from erlen import Blueprint
from erlen import Erlen
from erlen import g
from erlen import render_template
from erlen import render_template_string
from erlen import request
from erlen import url_for
from erlen.blueprints import BlueprintSetupState

if t.TYPE_CHECKING:
    from erlen.testing import ErlenClient
    from erlen.wrappers import Response

BPF_ROOT = os.path.join(os.path.dirname(__file__), "apps", "bpf")


def test_routes_get_prefix_and_dotted_endpoint(app: Erlen, client: ErlenClient) -> None:
    bp = Blueprint("shop", __name__, url_prefix="/shop/")

    @bp.route("/items/<int:n>")
    def item(n: int) -> str:
        return f"{request.endpoint} {request.blueprint} {url_for('.item', n=n + 1)}"

    app.register_blueprint(bp)
    assert client.get("/shop/items/1").data == b"shop.item shop /shop/items/2"


def test_empty_rule_is_the_prefix_itself(app: Erlen, client: ErlenClient) -> None:
    bp = Blueprint("root", __name__, url_prefix="/root")
    bp.add_url_rule("", "index", lambda: "root index")
    app.register_blueprint(bp)
    assert client.get("/root").data == b"root index"
    assert [r.rule for r in app.url_map.iter_rules() if r.endpoint == "root.index"] == [
        "/root"
    ]


def test_rule_defaults_merge_with_blueprint_url_defaults(
    app: Erlen, client: ErlenClient
) -> None:
    bp = Blueprint("d", __name__, url_defaults={"a": "bp", "b": "bp"})

    @bp.route("/d", defaults={"b": "rule"})
    def view(a: str, b: str) -> str:
        return f"{a} {b}"

    app.register_blueprint(bp, url_defaults={"a": "registration"})
    assert client.get("/d").data == b"registration rule"


def test_relative_url_for_outside_a_blueprint_drops_the_dot(
    app: Erlen, client: ErlenClient
) -> None:
    @app.route("/plain")
    def plain() -> str:
        return f"{url_for('.plain')} {request.blueprint} {request.blueprints}"

    assert client.get("/plain").data == b"/plain None []"


@pytest.mark.parametrize(
    ("parent", "child", "options", "expected"),
    [
        ("/p", "/c", {}, "/p/c/x"),
        ("/p/", "/c/", {}, "/p/c/x"),
        (None, "/c", {}, "/c/x"),
        ("/p", None, {}, "/p/x"),
        (None, None, {}, "/x"),
        ("/p", "/c", {"url_prefix": "/o"}, "/p/o/x"),
        ("/p", None, {"url_prefix": ""}, "/p/x"),
    ],
)
def test_nested_url_prefixes_join(
    app: Erlen,
    client: ErlenClient,
    parent: str | None,
    child: str | None,
    options: dict[str, t.Any],
    expected: str,
) -> None:
    outer = Blueprint("outer", __name__, url_prefix=parent)
    inner = Blueprint("inner", __name__, url_prefix=child)
    inner.add_url_rule("/x", "x", lambda: request.endpoint)
    outer.register_blueprint(inner, **options)
    app.register_blueprint(outer)
    with app.test_request_context():
        assert url_for("outer.inner.x") == expected
    assert client.get(expected).data == b"outer.inner.x"


@pytest.mark.parametrize(
    ("parent", "child", "options", "expected"),
    [
        ("api", "v1", {}, "v1.api"),
        (None, "v1", {}, "v1"),
        ("api", None, {}, "api"),
        (None, None, {}, None),
        ("api", "v1", {"subdomain": "v2"}, "v2.api"),
    ],
)
def test_nested_subdomains_join(
    parent: str | None,
    child: str | None,
    options: dict[str, t.Any],
    expected: str | None,
) -> None:
    app = Erlen(__name__, subdomain_matching=True)
    app.config["SERVER_NAME"] = "example.test"
    outer = Blueprint("outer", __name__, subdomain=parent)
    inner = Blueprint("inner", __name__, subdomain=child)
    inner.add_url_rule("/x", "x", lambda: "x")
    outer.register_blueprint(inner, **options)
    app.register_blueprint(outer)
    (rule,) = [r for r in app.url_map.iter_rules() if r.endpoint == "outer.inner.x"]
    assert (rule.subdomain or None) == expected


def test_setup_state_describes_the_registration(app: Erlen) -> None:
    states: list[BlueprintSetupState] = []
    bp = Blueprint(
        "bp", __name__, url_prefix="/bp", subdomain="s", url_defaults={"a": 1}
    )
    bp.record(states.append)
    app.register_blueprint(bp)
    app.register_blueprint(
        bp, name="again", url_prefix="/again", subdomain="t", url_defaults={"b": 2}
    )
    first, second = states
    assert (first.name, first.url_prefix, first.subdomain) == ("bp", "/bp", "s")
    assert (first.first_registration, first.url_defaults) == (True, {"a": 1})
    assert (second.name, second.url_prefix, second.subdomain) == (
        "again",
        "/again",
        "t",
    )
    assert second.first_registration is False
    assert second.url_defaults == {"a": 1, "b": 2}
    assert first.app is app and first.blueprint is bp
    assert second.options["name"] == "again"
    assert bp.make_setup_state(app, {}).first_registration is False


def test_record_once_runs_once_per_app() -> None:
    calls: list[str] = []
    bp = Blueprint("bp", __name__)

    @bp.record_once
    def once(state: BlueprintSetupState) -> None:
        calls.append(state.name)

    first, second = Erlen("one"), Erlen("two")
    first.register_blueprint(bp)
    first.register_blueprint(bp, name="bp2")
    second.register_blueprint(bp)
    assert calls == ["bp", "bp"]


def test_app_wide_registrations(app: Erlen, client: ErlenClient) -> None:
    events: list[str] = []
    bp = Blueprint("bp", __name__)
    bp.add_app_template_filter(str.upper, "up")
    bp.add_app_template_test(str.isdigit, "digits")
    bp.add_app_template_global(len, "size")

    @bp.before_app_request
    def before() -> None:
        events.append("before")

    @bp.after_app_request
    def after(response: Response) -> Response:
        events.append("after")
        return response

    @bp.teardown_app_request
    def teardown(exc: BaseException | None) -> None:
        events.append(f"teardown {exc}")

    @bp.app_url_value_preprocessor
    def values(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        g.word = (values or {}).pop("word", None)

    @bp.app_url_defaults
    def defaults(endpoint: str, values: dict[str, t.Any]) -> None:
        values.setdefault("word", "dflt")

    @bp.app_context_processor
    def processor() -> dict[str, t.Any]:
        return {"from_bp": "yes"}

    @bp.app_errorhandler(404)
    def missing(e: Exception) -> tuple[str, int]:
        return "bp says missing", 404

    @app.route("/<word>/page")
    def page() -> str:
        return render_template_string(
            "{{ w|up }} {{ '12' is digits }} {{ size('abc') }} {{ from_bp }} {{ u }}",
            w=g.word,
            u=url_for("page"),
        )

    app.register_blueprint(bp)
    assert client.get("/hi/page").data == b"HI True 3 yes /dflt/page"
    assert events == ["before", "after", "teardown None"]
    assert client.get("/nope").data == b"bp says missing"


def test_blueprint_scoped_hooks_only_run_for_its_routes(
    app: Erlen, client: ErlenClient
) -> None:
    events: list[str] = []
    bp = Blueprint("bp", __name__, url_prefix="/bp")
    bp.add_url_rule("/", "index", lambda: "bp")

    @bp.before_request
    def before() -> None:
        events.append("bp before")

    @app.route("/")
    def index() -> str:
        return "app"

    app.register_blueprint(bp)
    client.get("/")
    assert events == []
    client.get("/bp/")
    assert events == ["bp before"]


def test_same_blueprint_twice_keeps_hooks_per_name(
    app: Erlen, client: ErlenClient
) -> None:
    bp = Blueprint("bp", __name__)

    @bp.route("/who")
    def who() -> str:
        return f"{request.blueprint} {g.marks}"

    @bp.before_request
    def mark() -> None:
        g.marks = g.get("marks", 0) + 1

    app.register_blueprint(bp, url_prefix="/a")
    app.register_blueprint(bp, url_prefix="/b", name="b")
    assert client.get("/a/who").data == b"bp 1"
    assert client.get("/b/who").data == b"b 1"
    assert list(app.iter_blueprints()) == [bp, bp]


def test_templates_app_folder_first_then_blueprints() -> None:
    app = Erlen(__name__, root_path=BPF_ROOT)
    bp = Blueprint(
        "pages", __name__, root_path=BPF_ROOT, template_folder="bpf_pages_templates"
    )
    app.register_blueprint(bp)
    with app.test_request_context():
        assert render_template("bpf_shared.html").strip() == "app shared None"
        loader = app.jinja_env.loader
        assert loader is not None
        found = loader.get_source(app.jinja_env, "bpf_pages.html")[1]
        assert found == os.path.join(BPF_ROOT, "bpf_pages_templates", "bpf_pages.html")


def test_blueprint_static_folder_route(app: Erlen, client: ErlenClient) -> None:
    bp = Blueprint(
        "pages",
        __name__,
        root_path=BPF_ROOT,
        static_folder="bpf_pages_static",
        url_prefix="/pages",
    )
    app.register_blueprint(bp)
    with app.test_request_context():
        assert (
            url_for("pages.static", filename="a.css") == "/pages/bpf_pages_static/a.css"
        )
    rv = client.get("/pages/bpf_pages_static/bpf_notes.txt")
    assert rv.data == b"plain pages text\n"
    rv.close()
    assert client.get("/pages/bpf_pages_static/nope.txt").status_code == 404


def test_deep_nesting_registers_and_dispatches(app: Erlen, client: ErlenClient) -> None:
    depth = 60
    chain = [Blueprint(f"b{i}", __name__, url_prefix=f"/{i}") for i in range(depth)]
    calls: list[int] = []
    for i, bp in enumerate(chain):
        bp.before_request(lambda i=i: calls.append(i))
    chain[-1].add_url_rule("/leaf", "leaf", lambda: str(len(request.blueprints)))
    for parent, child in zip(chain, chain[1:], strict=False):
        parent.register_blueprint(child)
    app.register_blueprint(chain[0])
    path = "".join(f"/{i}" for i in range(depth)) + "/leaf"
    assert client.get(path).data == str(depth).encode()
    assert calls == list(range(depth))


@pytest.mark.parametrize(
    ("cli_group", "expected_app_commands"),
    [
        (None, {"hello"}),
        ("tools", {"tools"}),
    ],
)
def test_cli_commands_join_the_app(
    cli_group: str | None, expected_app_commands: set[str]
) -> None:
    app = Erlen(__name__)
    bp = Blueprint("bp", __name__, cli_group=cli_group)

    @bp.cli.command("hello")
    def hello() -> None:
        click.echo("hi")

    app.register_blueprint(bp)
    assert set(app.cli.commands) == expected_app_commands


def test_cli_group_defaults_to_the_registered_name() -> None:
    app = Erlen(__name__)
    bp = Blueprint("bp", __name__)

    @bp.cli.command("hello")
    def hello() -> None:
        click.echo("hi")

    app.register_blueprint(bp, name="renamed")
    assert set(app.cli.commands) == {"renamed"}
    other = Erlen(__name__)
    other.register_blueprint(Blueprint("empty", __name__))
    assert "empty" not in other.cli.commands


def test_cli_group_option_overrides_at_registration() -> None:
    app = Erlen(__name__)
    bp = Blueprint("bp", __name__)
    bp.cli.add_command(click.Command("hello"))
    app.register_blueprint(bp, cli_group=None)
    assert set(app.cli.commands) == {"hello"}


@pytest.mark.parametrize(
    "name", ["", "a.b", ".", "x."], ids=["empty", "dot", "only-dot", "trailing"]
)
def test_invalid_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="'name' may not"):
        Blueprint(name, __name__)


def test_duplicate_names_and_late_setup(app: Erlen) -> None:
    bp = Blueprint("bp", __name__)
    app.register_blueprint(bp)
    with pytest.raises(ValueError, match="already registered for this blueprint"):
        app.register_blueprint(bp)
    with pytest.raises(ValueError, match="for a different blueprint"):
        app.register_blueprint(Blueprint("bp", __name__))
    with pytest.raises(AssertionError, match="can no longer be called"):
        bp.record(lambda state: None)
    with pytest.raises(AssertionError, match="can no longer be called"):
        bp.app_template_filter()


def test_nested_duplicate_name_mentions_the_full_name(app: Erlen) -> None:
    parent = Blueprint("parent", __name__)
    child = Blueprint("child", __name__)
    parent.register_blueprint(child)
    parent.register_blueprint(child)
    with pytest.raises(
        ValueError, match="'child' is already registered .*'parent.child'"
    ):
        app.register_blueprint(parent)


def test_many_blueprints_and_odd_names(app: Erlen, client: ErlenClient) -> None:
    # Names are free text apart from dots: unicode, spaces and control
    # characters register and route like any other name.
    names = [f"bp{i}" for i in range(400)] + ["ünï", "with space", "tab\there"]
    for number, name in enumerate(names):
        bp = Blueprint(name, __name__, url_prefix=f"/n{number}")
        bp.add_url_rule("/", "index", lambda: request.blueprint or "")
        app.register_blueprint(bp)
    assert len(app.blueprints) == len(names)
    for number in (0, 399, 400, 401, 402):
        rv = client.get(f"/n{number}/")
        assert rv.get_data(as_text=True) == names[number]
    with app.test_request_context():
        assert url_for("tab\there.index") == "/n402/"
