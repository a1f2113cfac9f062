"""Tests for erlen.templating: the environment, the loader and the render helpers.

Behaviour goes through the real app (the ``app`` fixture is rooted in ``tests/``,
so its templates live in ``tests/templates``); the last test runs the same app on
Flask and on erlen and compares every response.
"""

from __future__ import annotations

import collections.abc as cabc
import json
import logging
import os
import typing as t
from datetime import date

import jinja2
import pytest
from markupsafe import Markup

from erlen import Blueprint
from erlen import Erlen
from erlen import g
from erlen import session
from erlen import templating
from erlen.globals import _cv_request
from erlen.scaffold import _default_template_ctx_processor
from erlen.signals import before_render_template
from erlen.signals import template_rendered
from erlen.templating import DispatchingJinjaLoader
from erlen.templating import Environment
from erlen.templating import create_jinja_environment
from erlen.templating import get_template_attribute
from erlen.templating import render_template
from erlen.templating import render_template_string
from erlen.templating import select_jinja_autoescape
from erlen.templating import stream_template
from erlen.templating import stream_template_string
from erlen.templating import update_template_context

if t.TYPE_CHECKING:
    from erlen.ctx import RequestContext
    from erlen.testing import ErlenClient

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "templates")
BP_TEMPLATES = os.path.join(TEMPLATES, "tpl_bp_folder")
Events = list[tuple[str, t.Any, t.Any, dict[str, t.Any]]]


@pytest.fixture
def bp_app(app: Erlen) -> cabc.Iterator[Erlen]:
    """``app`` with a blueprint ``bp`` whose templates are in tpl_bp_folder,
    inside an app context."""
    app.register_blueprint(Blueprint("bp", __name__, template_folder=BP_TEMPLATES))
    with app.app_context():
        yield app


# -- autoescape selection -------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        (None, True),
        ("index.html", True),
        ("index.htm", True),
        ("feed.xml", True),
        ("page.xhtml", True),
        ("logo.svg", True),
        ("a/b/index.html", True),
        ("mail.txt", False),
        ("style.css", False),
        ("index.HTML", False),  # COMPAT: the check is case-sensitive, as Flask's
        ("html", False),
        ("", False),
        ("index.html.j2", False),
    ],
)
def test_select_jinja_autoescape(filename: str | None, expected: bool) -> None:
    assert select_jinja_autoescape(filename) is expected


# -- the environment ------------------------------------------------------------


def test_environment_defaults_to_the_dispatching_loader(app: Erlen) -> None:
    env = Environment(app)
    assert env.app is app
    assert isinstance(env.loader, DispatchingJinjaLoader)
    assert env.loader.app is app
    loader = jinja2.DictLoader({"x": "y"})
    assert Environment(app, loader=loader).loader is loader


def test_create_jinja_environment_globals_and_policies(app: Erlen) -> None:
    from erlen import globals as erlen_globals
    from erlen.helpers import get_flashed_messages

    env = create_jinja_environment(app)
    assert isinstance(env, Environment)
    assert env is not app.jinja_env
    assert env.globals["config"] is app.config
    assert env.globals["url_for"] == app.url_for
    assert env.globals["get_flashed_messages"] is get_flashed_messages
    assert env.globals["request"] is erlen_globals.request
    assert env.globals["session"] is erlen_globals.session
    assert env.globals["g"] is erlen_globals.g
    assert env.policies["json.dumps_function"] == app.json.dumps
    assert env.autoescape == app.select_jinja_autoescape
    assert isinstance(app.jinja_env, Environment)


@pytest.mark.parametrize(
    ("setting", "debug", "expected"),
    [
        (None, False, False),
        (None, True, True),
        (True, False, True),
        (False, True, False),
    ],
)
def test_auto_reload_follows_config_then_debug(
    app: Erlen, setting: bool | None, debug: bool, expected: bool
) -> None:
    app.config["TEMPLATES_AUTO_RELOAD"] = setting
    app.debug = debug
    assert create_jinja_environment(app).auto_reload is expected


def test_jinja_options_override_defaults(app: Erlen) -> None:
    options = {"autoescape": False, "auto_reload": False, "trim_blocks": True}
    app.config["TEMPLATES_AUTO_RELOAD"] = True
    app.jinja_options = dict(options)
    env = create_jinja_environment(app)
    assert (env.autoescape, env.auto_reload, env.trim_blocks) == (False, False, True)
    assert app.jinja_options == options  # not modified


def test_custom_environment_class_is_used(app: Erlen) -> None:
    class MyEnvironment(Environment):
        pass

    app.jinja_environment = MyEnvironment
    assert type(create_jinja_environment(app)) is MyEnvironment


# -- the dispatching loader -----------------------------------------------------


def test_loader_prefers_the_app_folder_then_blueprints(bp_app: Erlen) -> None:
    assert render_template("tpl_shadowed.html", name="x") == "app:x"
    assert render_template("tpl_bp_only.html", name="x") == "only in bp x"


def test_loader_searches_blueprints_in_registration_order() -> None:
    app = Erlen("erlen_test", root_path=HERE, template_folder=None)
    for name, folder in [
        ("none", None),
        ("second", BP_TEMPLATES),
        ("third", TEMPLATES),
    ]:
        app.register_blueprint(Blueprint(name, __name__, template_folder=folder))
    loader = DispatchingJinjaLoader(app)
    env = jinja2.Environment(loader=loader)
    source, filename, _ = loader.get_source(env, "tpl_shadowed.html")
    assert (source, filename) == ("bp:{{ name }}", f"{BP_TEMPLATES}/tpl_shadowed.html")
    assert loader.get_source(env, "tpl_hello.txt")[0] == "Hello {{ name }}!"


def test_loader_raises_template_not_found(bp_app: Erlen) -> None:
    with pytest.raises(jinja2.TemplateNotFound) as exc_info:
        render_template("tpl_missing.html")
    assert exc_info.value.name == "tpl_missing.html"


def test_loader_lists_templates_once(bp_app: Erlen) -> None:
    names = bp_app.jinja_env.list_templates()
    assert len(names) == len(set(names))
    assert {"tpl_hello.html", "tpl_bp_only.html", "tpl_bp_folder/tpl_bp_only.html"} <= (
        set(names)
    )
    assert names.count("tpl_shadowed.html") == 1  # in both folders, listed once


def test_loader_with_no_loaders_at_all() -> None:
    loader = DispatchingJinjaLoader(Erlen("x", root_path=HERE, template_folder=None))
    assert loader.list_templates() == []
    with pytest.raises(jinja2.TemplateNotFound):
        loader.get_source(jinja2.Environment(), "tpl_hello.html")


@pytest.mark.parametrize(
    "name",
    [
        "../test_templating.py",
        "tpl_bp_folder/../../test_templating.py",
        "/etc/passwd",
        "tpl_hello.html\x00.txt",
        "tpl_hello.html\r\n",
        "\x1b[31mtpl_hello.html",
        "tpl_" + "a" * 10_000 + ".html",
        "tpl_\udcff.html",
        "",
    ],
)
def test_hostile_template_names_are_not_found(bp_app: Erlen, name: str) -> None:
    # SECURITY: names never escape the template folders, and odd characters in
    # a name end in TemplateNotFound rather than another error.
    with pytest.raises(jinja2.TemplateNotFound):
        render_template(name)


# -- explaining template loading ------------------------------------------------


def _explained(
    app: Erlen, caplog: pytest.LogCaptureFixture, name: str
) -> tuple[str | None, str]:
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        try:
            rv: str | None = render_template(name, name="n")
        except jinja2.TemplateNotFound:
            rv = None
    (record,) = [r for r in caplog.records if r.name == app.logger.name]
    assert record.levelno == logging.INFO
    return rv, record.getMessage()


def test_explain_template_loading_single_match(
    bp_app: Erlen, caplog: pytest.LogCaptureFixture
) -> None:
    rv, message = _explained(bp_app, caplog, "tpl_hello.html")
    assert rv == "Hello n!"
    assert "'tpl_hello.html'" in message
    assert "application 'erlen_test'" in message
    assert f"blueprint 'bp' ({__name__})" in message
    assert os.path.join(TEMPLATES, "tpl_hello.html") in message
    assert "not found" in message  # the blueprint's loader
    assert "jinja2.loaders.FileSystemLoader searching" in message
    assert "No loader" not in message
    assert "More than one" not in message


def test_explain_template_loading_multiple_and_no_match(
    bp_app: Erlen, caplog: pytest.LogCaptureFixture
) -> None:
    rv, message = _explained(bp_app, caplog, "tpl_shadowed.html")
    assert rv == "app:n"
    assert "More than one loader" in message
    rv, message = _explained(bp_app, caplog, "tpl_missing.html")
    assert rv is None
    assert "No loader has this template." in message
    assert "request is handled by blueprint" not in message


def test_explain_template_loading_hints_at_the_blueprint(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = Erlen("erlen_test", root_path=HERE)
    bp = Blueprint("bp", __name__, template_folder=BP_TEMPLATES)
    bp.add_url_rule("/bp", "view", lambda: "")
    app.register_blueprint(bp)
    with app.test_request_context("/bp"):
        rv, message = _explained(app, caplog, "tpl_missing.html")
        assert rv is None
        assert "request is handled by blueprint 'bp'" in message
        # a single match is not suspicious, even inside a blueprint
        rv, message = _explained(app, caplog, "tpl_bp_only.html")
        assert rv == "only in bp n"
        assert "request is handled by blueprint" not in message


def test_explain_template_loading_for_a_non_file_loader(
    app: Erlen, caplog: pytest.LogCaptureFixture
) -> None:
    loader = jinja2.FunctionLoader(lambda name: "from function {{ name }}")
    app.__dict__["jinja_loader"] = loader  # replaces the cached property's value
    with app.app_context():
        rv, message = _explained(app, caplog, "anything")
    assert rv == "from function n"
    assert "jinja2.loaders.FunctionLoader" in message
    assert "<no file name>" in message
    assert "searching" not in message


# -- context processors ---------------------------------------------------------


def test_default_context_processor_by_context(app: Erlen) -> None:
    assert _default_template_ctx_processor() == {}
    with app.app_context() as app_ctx:
        assert _default_template_ctx_processor() == {"g": app_ctx.g}
        with app.test_request_context() as req_ctx:
            rv = _default_template_ctx_processor()
            # COMPAT: Flask 3.1 passes the session as a Jinja global only
            assert set(rv) == {"g", "request"}
            assert rv["request"] is req_ctx.request


def test_rendering_does_not_open_the_session_until_read(
    req_ctx: RequestContext,
) -> None:
    assert render_template_string("{{ 1 + 1 }}") == "2"
    assert not req_ctx.session_is_open
    req_ctx.session["k"] = "v"
    assert render_template_string("{{ session.k }}") == "v"


def test_processors_run_app_first_then_blueprints_outermost_first(app: Erlen) -> None:
    calls: list[str] = []

    def make(scope: str) -> cabc.Callable[[], dict[str, t.Any]]:
        def processor() -> dict[str, t.Any]:
            calls.append(scope)
            return {"who": scope, scope: True}

        return processor

    outer = Blueprint("outer", __name__)
    inner = Blueprint("inner", __name__)
    inner.add_url_rule("/", "view", lambda: "")
    outer.register_blueprint(inner, url_prefix="/inner")
    app.register_blueprint(outer, url_prefix="/outer")
    app.register_blueprint(Blueprint("unrelated", __name__))
    for scope in ("outer", "outer.inner", "unrelated", None):
        app.template_context_processors[scope].append(make(str(scope)))
    context: dict[str, t.Any] = {}
    with app.test_request_context("/outer/inner/"):
        update_template_context(app, context)
    assert calls == ["None", "outer", "outer.inner"]
    assert context["who"] == "outer.inner"
    assert context["None"] and context["outer"] and context["outer.inner"]
    assert "unrelated" not in context
    with app.app_context():  # no request: only app-wide processors
        context = {}
        update_template_context(app, context)
    assert context["who"] == "None"


def test_explicit_values_win_over_processors(app_ctx: t.Any) -> None:
    app = app_ctx.app
    app.template_context_processors[None].append(
        lambda: {"name": "processor", "g": "processor", "added": 1}
    )
    context: dict[str, t.Any] = {"name": "explicit"}
    update_template_context(app, context)
    assert context == {"name": "explicit", "g": "processor", "added": 1}
    assert render_template("tpl_hello.html", name="<b>") == "Hello &lt;b&gt;!"
    app.template_context_processors.clear()
    context = {"a": 1}
    update_template_context(app, context)
    assert context == {"a": 1}


def test_processors_go_through_ensure_sync(app: Erlen) -> None:
    def processor() -> dict[str, t.Any]:
        return {"value": "unwrapped"}

    synced: list[t.Any] = []

    def ensure_sync(func: t.Any) -> t.Any:
        synced.append(func)
        return lambda: {"value": "wrapped"}

    app.ensure_sync = ensure_sync  # type: ignore[method-assign]
    app.template_context_processors[None] = [processor]
    with app.app_context():
        assert render_template_string("{{ value }}") == "wrapped"
    assert synced == [processor]


def test_processor_returning_a_non_mapping_fails_loudly(app_ctx: t.Any) -> None:
    app_ctx.app.template_context_processors[None].append(lambda: None)
    with pytest.raises(TypeError):
        render_template_string("x")


# -- rendering ------------------------------------------------------------------


def test_render_outside_app_context_raises() -> None:
    for call in (
        lambda: render_template("tpl_hello.html"),
        lambda: render_template_string("x"),
        lambda: stream_template("tpl_hello.html"),
        lambda: stream_template_string("x"),
        lambda: get_template_attribute("tpl_macros.html", "hello"),
    ):
        with pytest.raises(RuntimeError, match="application context"):
            call()


@pytest.mark.parametrize("ext", ["htm", "xml", "svg", "xhtml"])
def test_autoescape_by_extension(app_ctx: t.Any, ext: str) -> None:
    rv = render_template(f"tpl_escape.{ext}", value="<a>&'\"")
    assert rv == "&lt;a&gt;&amp;&#39;&#34;"


def test_text_templates_are_not_escaped_but_strings_are(app_ctx: t.Any) -> None:
    assert render_template("tpl_hello.txt", name="<b>") == "Hello <b>!"
    assert render_template_string("{{ v }}", v="<b>") == "&lt;b&gt;"
    assert render_template_string("{{ v }}", v=Markup("<b>")) == "<b>"
    source = "{% autoescape false %}{{ v }}{% endautoescape %}"
    assert render_template_string(source, v="<b>") == "<b>"


def test_render_template_list_or_template_object(app_ctx: t.Any) -> None:
    assert render_template(["tpl_nope.html", "tpl_hello.html"], name="x") == "Hello x!"
    template = app_ctx.app.jinja_env.from_string("direct {{ name }}")
    assert render_template(template, name="x") == "direct x"
    with pytest.raises(jinja2.TemplatesNotFound):
        render_template(["tpl_nope.html", "tpl_nope2.html"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<script>", '"\\u003cscript\\u003e"'),
        ("a&b", '"a\\u0026b"'),
        ("it's", '"it\\u0027s"'),
        ({"b": 1, "a": [1, 2]}, '{"a": [1, 2], "b": 1}'),
        ("é\u2028", '"\\u00e9\\u2028"'),
        (date(2020, 1, 2), '"Thu, 02 Jan 2020 00:00:00 GMT"'),
        (None, "null"),
    ],
)
def test_tojson_is_html_safe_and_uses_app_json(
    app_ctx: t.Any, value: t.Any, expected: str
) -> None:
    calls: list[t.Any] = []
    env = app_ctx.app.jinja_env
    dumps = env.policies["json.dumps_function"]

    def counting_dumps(obj: t.Any, **kwargs: t.Any) -> str:
        calls.append(obj)
        return dumps(obj, **kwargs)  # type: ignore[no-any-return]

    env.policies["json.dumps_function"] = counting_dumps
    assert render_template_string("{{ v|tojson }}", v=value) == expected
    assert calls == [value]
    direct = env.filters["tojson"](jinja2.nodes.EvalContext(env), value)
    assert isinstance(direct, Markup)
    assert direct == expected


def test_globals_are_visible_in_imported_macros(app_ctx: t.Any) -> None:
    app = app_ctx.app
    app.config["GREETING"] = "hi"
    macro = "{% macro m() %}{{ config.GREETING }}{% endmacro %}"
    app.jinja_env.loader = jinja2.DictLoader({"m.html": macro})
    assert render_template_string('{% import "m.html" as m %}{{ m.m() }}') == "hi"


def test_get_template_attribute(app_ctx: t.Any) -> None:
    hello = get_template_attribute("tpl_macros.html", "hello")
    assert hello("<World>") == "Hello &lt;World&gt;!"
    assert get_template_attribute("tpl_macros.html", "answer") == 42
    with pytest.raises(AttributeError):
        get_template_attribute("tpl_macros.html", "missing")


def test_rows_template(app_ctx: t.Any) -> None:
    rows = [{"id": i, "name": f"<n{i}>"} for i in range(12)]
    rv = render_template("tpl_rows.html", rows=rows)
    assert rv.count("<tr>") == 12
    assert "<td>&lt;n11&gt;</td>" in rv


# -- signals --------------------------------------------------------------------


@pytest.fixture
def recorded() -> cabc.Iterator[Events]:
    events: Events = []

    def before(sender: t.Any, template: t.Any, context: t.Any, **extra: t.Any) -> None:
        events.append(("before", sender, template, dict(context)))
        context["injected"] = "by-signal"

    def after(sender: t.Any, template: t.Any, context: t.Any, **extra: t.Any) -> None:
        events.append(("after", sender, template, dict(context)))

    with before_render_template.connected_to(before):
        with template_rendered.connected_to(after):
            yield events


def test_render_sends_both_signals(app_ctx: t.Any, recorded: Events) -> None:
    rv = render_template("tpl_hello.html", name="{{ injected }}")
    assert rv == "Hello {{ injected }}!"
    assert render_template_string("{{ injected }}") == "by-signal"
    assert [event[0] for event in recorded] == ["before", "after", "before", "after"]
    _, sender, template, context = recorded[0]
    assert sender is app_ctx.app
    assert template.name == "tpl_hello.html"
    assert context["name"] == "{{ injected }}"
    assert "g" in context
    assert recorded[1][3]["injected"] == "by-signal"


def test_stream_sends_rendered_after_exhaustion(
    app_ctx: t.Any, recorded: Events
) -> None:
    stream = stream_template("tpl_hello.html", name="s")
    assert [event[0] for event in recorded] == ["before"]
    assert "".join(stream) == "Hello s!"
    assert [event[0] for event in recorded] == ["before", "after"]


def test_no_signal_send_without_receivers(
    app_ctx: t.Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise AssertionError("send called")

    monkeypatch.setattr(before_render_template, "send", fail)
    monkeypatch.setattr(template_rendered, "send", fail)
    assert render_template_string("ok") == "ok"
    assert "".join(stream_template_string("ok")) == "ok"


# -- streaming ------------------------------------------------------------------


def test_stream_template_yields_pieces(app_ctx: t.Any) -> None:
    rv = stream_template_string("{% for i in items %}{{ i }}{% endfor %}", items="abc")
    assert isinstance(rv, cabc.Iterator)
    assert list(rv) == ["a", "b", "c"]
    rv = stream_template(["tpl_nope.html", "tpl_hello.html"], name="x")
    assert "".join(rv) == "Hello x!"


def test_stream_keeps_the_request_context(app: Erlen) -> None:
    calls: list[int] = []

    def processor() -> dict[str, t.Any]:
        calls.append(1)
        return {}

    app.template_context_processors[None].append(processor)
    with app.test_request_context("/streamed"):
        session["k"] = "from-session"
        stream = stream_template_string("{{ request.path }}|{{ session.k }}")
        assert calls == [1]  # processors run right away
    assert "".join(stream) == "/streamed|from-session"
    assert _cv_request.get(None) is None


def test_stream_in_a_view_keeps_the_request(app: Erlen, client: ErlenClient) -> None:
    @app.route("/stream")
    def stream() -> t.Any:
        return stream_template_string(
            "{% for i in range(3) %}{{ request.args.q }}{{ i }}{% endfor %}"
        )

    rv = client.get("/stream?q=<x>")
    assert rv.get_data(as_text=True) == "&lt;x&gt;0&lt;x&gt;1&lt;x&gt;2"


# -- hostile input --------------------------------------------------------------


def test_large_values_render_in_linear_time(app_ctx: t.Any) -> None:
    big = "<&'\"" * 500_000  # 2 MB of characters that all need escaping
    rv = render_template_string("{{ v }}", v=big)
    assert len(rv) == 500_000 * len("&lt;&amp;&#39;&#34;")
    rv = render_template_string("{{ v|tojson }}", v=big)
    assert rv.startswith('"\\u003c\\u0026\\u0027\\"')
    assert "<" not in rv and "&" not in rv and "'" not in rv


def test_large_template_source_compiles(app_ctx: t.Any) -> None:
    # a few MB of static text, plus enough expressions to matter (compiling
    # expressions is Jinja's cost and grows with their number)
    source = "<p>" * 1_000_000 + "{{ x }}" * 2_000
    rv = render_template_string(source, x="&")
    assert rv == "<p>" * 1_000_000 + "&amp;" * 2_000


@pytest.mark.parametrize(
    "value", ["\x00\x01\x1b[0m", "\ud800", "\u202e<script>", "\r\n<x>\r\n"]
)
def test_control_and_odd_characters_are_escaped_not_fatal(
    app_ctx: t.Any, value: str
) -> None:
    rv = render_template_string("{{ v }}|{{ v|tojson }}", v=value)
    html, _, as_json = rv.partition("|")
    assert "<" not in html
    assert "<" not in as_json
    assert json.loads(as_json) == value


@pytest.mark.parametrize(
    "source", ["{{", "{% for %}", "{% if x %}", "{{ x | }}", "{% endfor %}"]
)
def test_broken_template_source_raises_syntax_error(
    app_ctx: t.Any, source: str
) -> None:
    with pytest.raises(jinja2.TemplateSyntaxError):
        render_template_string(source)


def test_module_exports() -> None:
    for name in templating.__all__:
        assert getattr(templating, name).__doc__


# -- through the real application -----------------------------------------------


def test_app_renders_globals_in_a_view(app: Erlen, client: ErlenClient) -> None:
    @app.route("/")
    def index() -> str:
        g.user = "<u>"
        session["k"] = "<s>"
        return render_template("tpl_globals.html", extra="<e>")

    rv = client.get("/")
    assert rv.status_code == 200
    assert rv.get_data(as_text=True) == "test key|/|&lt;u&gt;|&lt;s&gt;|&lt;e&gt;"


def test_app_and_blueprint_context_processors(app: Erlen, client: ErlenClient) -> None:
    bp = Blueprint("bp", __name__, template_folder="templates/tpl_bp_folder")
    app.context_processor(lambda: {"who": "app", "app_only": 1})
    bp.context_processor(lambda: {"who": "bp", "bp_only": 2})
    template = "{{ who }}|{{ app_only }}|{{ bp_only }}|{{ name }}"
    bp.add_url_rule("/in-bp", "in_bp", lambda: render_template_string(template))
    app.add_url_rule(
        "/in-app", "in_app", lambda: render_template_string(template, name="explicit")
    )
    app.register_blueprint(bp, url_prefix="/bp")
    assert client.get("/bp/in-bp").get_data(as_text=True) == "bp|1|2|"
    assert client.get("/in-app").get_data(as_text=True) == "app|1||explicit"


# -- differential: the same app on Flask and on erlen ----------------------------


def _build_app(framework: t.Any) -> t.Any:
    """Build one app on ``framework`` (the flask or the erlen module)."""
    app_class = getattr(framework, "Flask", None) or framework.Erlen
    app = app_class("erlen_test", root_path=HERE)
    app.config.update(TESTING=True, SECRET_KEY="test key", GREETING="<hi>")
    bp = framework.Blueprint("bp", __name__, template_folder="templates/tpl_bp_folder")
    render = framework.render_template
    render_string = framework.render_template_string

    @app.context_processor
    def app_values() -> dict[str, t.Any]:
        return {"who": "app", "name": "processor"}

    @bp.context_processor
    def bp_values() -> dict[str, t.Any]:
        return {"who": "bp"}

    @app.before_request
    def set_user() -> None:
        framework.g.user = "<user>"

    @app.route("/login")
    def login() -> str:
        framework.session["k"] = "<session & 'value'>"
        framework.flash("<flashed>", "warning")
        return "ok"

    @app.route("/page/<name>")
    def page(name: str) -> t.Any:
        value = framework.request.args.get("v", "")
        pages: dict[str, cabc.Callable[[], t.Any]] = {
            "hello": lambda: render("tpl_hello.html", name=value),
            "txt": lambda: render("tpl_hello.txt", name=value),
            "escape": lambda: render("tpl_escape.html", value=value),
            "svg": lambda: render("tpl_escape.svg", value=value),
            "globals": lambda: render("tpl_globals.html", extra=value),
            "list": lambda: render(["tpl_nope.html", "tpl_hello.html"]),
            "shadowed": lambda: render("tpl_shadowed.html", name=value),
            "bp-only": lambda: render("tpl_bp_only.html", name=value),
            "string": lambda: render_string("{{ who }}|{{ name }}|{{ v }}", v=value),
            "tojson": lambda: render_string(
                "<script>var x = {{ data|tojson }};</script>",
                data={"v": value, "n": [1, 2.5, None], "d": date(2020, 1, 2)},
            ),
            "flashes": lambda: render_string(
                "{% for c, m in get_flashed_messages(with_categories=true) %}"
                "{{ c }}:{{ m }};{% endfor %}"
            ),
            "url": lambda: render_string("{{ url_for('page', name=v, x=1) }}", v=value),
            "macro": lambda: framework.get_template_attribute(
                "tpl_macros.html", "hello"
            )(value),
            "config": lambda: render_string("{{ config.GREETING }}{{ config.DEBUG }}"),
            "stream": lambda: framework.stream_template(
                "tpl_rows.html", rows=[{"id": i, "name": value} for i in range(12)]
            ),
        }
        return pages[name]()

    @bp.route("/page")
    def bp_page() -> t.Any:
        return render_string("{{ who }}|{{ name }}") + render("tpl_shadowed.html")

    app.register_blueprint(bp, url_prefix="/bp")
    return app


_DIFF_PAGES = [
    "hello",
    "txt",
    "escape",
    "svg",
    "globals",
    "list",
    "shadowed",
    "bp-only",
    "string",
    "tojson",
    "flashes",
    "url",
    "macro",
    "config",
    "stream",
]
_DIFF_VALUES = [
    "",
    "plain",
    "<script>alert('x')</script>",
    "a&b\"c'd",
    "\u2028\u00e9\u4e2d",
    "\x01\x1b[31m",
    "{{ 7 * 7 }}",
]


def _fetch_all(framework: t.Any) -> list[tuple[str, int, str, str]]:
    client = _build_app(framework).test_client()
    client.get("/login")
    urls = [f"/page/{page}" for page in _DIFF_PAGES] + ["/bp/page"]
    rv = []
    for value in _DIFF_VALUES:
        for url in urls:
            response = client.get(url, query_string={"v": value})
            body = response.get_data(as_text=True)
            rv.append((url, response.status_code, response.content_type, body))
    return rv


def test_templates_render_like_flask() -> None:
    import flask

    import erlen

    expected = _fetch_all(flask)
    actual = _fetch_all(erlen)
    assert all(status == 200 for _, status, _, _ in expected)
    assert len(actual) == len(expected)
    for got, want in zip(actual, expected, strict=True):
        assert got == want


def test_async_context_processors_are_awaited(app: Erlen) -> None:
    bp = Blueprint("bp", __name__)

    @app.context_processor
    async def app_values() -> dict[str, t.Any]:
        return {"a": "app"}

    @bp.context_processor
    async def bp_values() -> dict[str, t.Any]:
        return {"b": "bp"}

    @bp.route("/")
    def index() -> str:
        return render_template_string("{{ a }}-{{ b }}")

    app.register_blueprint(bp)
    assert app.test_client().get("/").text == "app-bp"


def test_custom_ensure_sync_sees_request_processors(app: Erlen) -> None:
    seen: list[str] = []

    def ensure_sync(func: t.Any) -> t.Any:
        seen.append(func.__name__)
        return func

    app.ensure_sync = ensure_sync  # type: ignore[method-assign]

    @app.context_processor
    def values() -> dict[str, t.Any]:
        return {"v": 1}

    with app.test_request_context():
        assert render_template_string("{{ v }}") == "1"
    assert "values" in seen
