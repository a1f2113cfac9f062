"""Tests for erlen.templating: the environment, the loader and the render helpers.

The first half drives the module through a minimal stand-in application, so the
loader, context processors and signals are pinned independently of the app; the
second half goes through the real :class:`erlen.Erlen` and compares with Flask.
"""

from __future__ import annotations

import collections.abc as cabc
import contextvars
import json
import logging
import os
import typing as t

import jinja2
import pytest
from markupsafe import Markup

from erlen import templating
from erlen.globals import _cv_app
from erlen.globals import _cv_request
from erlen.signals import before_render_template
from erlen.signals import template_rendered
from erlen.templating import DispatchingJinjaLoader
from erlen.templating import Environment
from erlen.templating import _default_template_ctx_processor
from erlen.templating import create_jinja_environment
from erlen.templating import get_template_attribute
from erlen.templating import render_template
from erlen.templating import render_template_string
from erlen.templating import select_jinja_autoescape
from erlen.templating import stream_template
from erlen.templating import stream_template_string
from erlen.templating import update_template_context

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "templates")
BP_TEMPLATES = os.path.join(TEMPLATES, "tpl_bp_folder")


# -- a stand-in application ----------------------------------------------------


class FakeBlueprint:
    def __init__(self, name: str, folder: str | None) -> None:
        self.name = name
        self.import_name = f"tests.{name}"
        self.jinja_loader = jinja2.FileSystemLoader(folder) if folder else None


class FakeJSON:
    def __init__(self) -> None:
        self.calls = 0

    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        self.calls += 1
        return json.dumps(obj, **kwargs)


class FakeApp:
    jinja_environment = Environment

    def __init__(
        self,
        template_folder: str | None = TEMPLATES,
        blueprints: cabc.Sequence[FakeBlueprint] = (),
        **config: t.Any,
    ) -> None:
        self.import_name = "fake_app"
        self.jinja_options: dict[str, t.Any] = {}
        self.config: dict[str, t.Any] = {
            "TEMPLATES_AUTO_RELOAD": None,
            "EXPLAIN_TEMPLATE_LOADING": False,
            "SECRET_KEY": "shh",
            **config,
        }
        self.debug = False
        self.jinja_loader = (
            jinja2.FileSystemLoader(template_folder) if template_folder else None
        )
        self.blueprints = {bp.name: bp for bp in blueprints}
        self.template_context_processors: dict[
            str | None, list[cabc.Callable[[], dict[str, t.Any]]]
        ] = {None: [_default_template_ctx_processor]}
        self.json = FakeJSON()
        self.logger = logging.getLogger("tests.templating.fake_app")
        self.synced: list[t.Any] = []
        self._jinja_env: jinja2.Environment | None = None

    def iter_blueprints(self) -> cabc.Iterable[FakeBlueprint]:
        return self.blueprints.values()

    def ensure_sync(self, func: t.Any) -> t.Any:
        self.synced.append(func)
        return func

    def url_for(self, endpoint: str, **values: t.Any) -> str:
        return f"/{endpoint}"

    def select_jinja_autoescape(self, filename: str | None) -> bool:
        return select_jinja_autoescape(filename)

    def update_template_context(self, context: dict[str, t.Any]) -> None:
        update_template_context(self, context)  # type: ignore[arg-type]

    def create_global_jinja_loader(self) -> DispatchingJinjaLoader:
        return DispatchingJinjaLoader(self)  # type: ignore[arg-type]

    @property
    def jinja_env(self) -> jinja2.Environment:
        if self._jinja_env is None:
            self._jinja_env = create_jinja_environment(self)  # type: ignore[arg-type]
        return self._jinja_env


class FakeAppContext:
    def __init__(self, app: FakeApp) -> None:
        self.app = app
        self.g = type("G", (), {})()


class FakeRequest:
    def __init__(self, blueprint: str | None = None, path: str = "/") -> None:
        self.blueprint = blueprint
        self.path = path

    @property
    def blueprints(self) -> list[str]:
        if self.blueprint is None:
            return []
        parts = self.blueprint.split(".")
        return [".".join(parts[:i]) for i in range(len(parts), 0, -1)]


class FakeRequestContext:
    def __init__(self, app: FakeApp, request: FakeRequest) -> None:
        self.app = app
        self.request = request
        self.opened = 0
        self._session: dict[str, t.Any] | None = None
        self._tokens: list[contextvars.Token[t.Any]] = []

    @property
    def session_is_open(self) -> bool:
        return self._session is not None

    @property
    def session(self) -> dict[str, t.Any]:
        if self._session is None:
            self.opened += 1
            self._session = {"k": "from-session"}
        return self._session

    def __enter__(self) -> FakeRequestContext:
        self._tokens.append(_cv_request.set(self))  # type: ignore[arg-type]
        return self

    def __exit__(self, *exc_info: object) -> None:
        _cv_request.reset(self._tokens.pop())


@pytest.fixture
def fake_app() -> cabc.Iterator[FakeApp]:
    app = FakeApp(blueprints=[FakeBlueprint("bp", BP_TEMPLATES)])
    token = _cv_app.set(FakeAppContext(app))  # type: ignore[arg-type]
    try:
        yield app
    finally:
        _cv_app.reset(token)


@pytest.fixture
def fake_req(fake_app: FakeApp) -> cabc.Iterator[FakeRequestContext]:
    with FakeRequestContext(fake_app, FakeRequest()) as ctx:
        yield ctx


# -- autoescape selection ------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        (None, True),
        ("index.html", True),
        ("index.htm", True),
        ("feed.xml", True),
        ("page.xhtml", True),
        ("logo.svg", True),
        ("mail.txt", False),
        ("style.css", False),
        ("index.HTML", False),  # COMPAT: the check is case-sensitive
        ("html", False),
        ("", False),
        ("index.html.j2", False),
        ("a/b/index.html", True),
    ],
)
def test_select_jinja_autoescape(filename: str | None, expected: bool) -> None:
    assert select_jinja_autoescape(filename) is expected


# -- the environment -----------------------------------------------------------


def test_environment_defaults_to_the_dispatching_loader() -> None:
    app = FakeApp()
    env = Environment(app)  # type: ignore[arg-type]
    owners: list[t.Any] = [env.app]
    assert isinstance(env.loader, DispatchingJinjaLoader)
    owners.append(env.loader.app)
    assert owners == [app, app]


def test_environment_keeps_an_explicit_loader() -> None:
    loader = jinja2.DictLoader({"x": "y"})
    env = Environment(FakeApp(), loader=loader)  # type: ignore[arg-type]
    assert env.loader is loader


def test_create_jinja_environment_globals_and_policies() -> None:
    app = FakeApp()
    env = app.jinja_env
    assert isinstance(env, Environment)
    assert env.globals["config"] is app.config
    assert env.globals["url_for"] == app.url_for
    from erlen import globals as erlen_globals
    from erlen.helpers import get_flashed_messages

    assert env.globals["get_flashed_messages"] is get_flashed_messages
    assert env.globals["request"] is erlen_globals.request
    assert env.globals["session"] is erlen_globals.session
    assert env.globals["g"] is erlen_globals.g
    assert env.policies["json.dumps_function"] == app.json.dumps
    assert env.autoescape == app.select_jinja_autoescape


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
    setting: bool | None, debug: bool, expected: bool
) -> None:
    app = FakeApp(TEMPLATES_AUTO_RELOAD=setting)
    app.debug = debug
    assert app.jinja_env.auto_reload is expected


def test_jinja_options_override_defaults() -> None:
    app = FakeApp(TEMPLATES_AUTO_RELOAD=True)
    app.jinja_options = {"autoescape": False, "auto_reload": False, "trim_blocks": True}
    env = app.jinja_env
    assert env.autoescape is False
    assert env.auto_reload is False
    assert env.trim_blocks is True
    # the app's own options dict is not modified
    assert app.jinja_options == {
        "autoescape": False,
        "auto_reload": False,
        "trim_blocks": True,
    }


def test_custom_environment_class_is_used() -> None:
    class MyEnvironment(Environment):
        pass

    app = FakeApp()
    app.jinja_environment = MyEnvironment
    assert type(app.jinja_env) is MyEnvironment


# -- the dispatching loader ----------------------------------------------------


def test_loader_prefers_the_app_folder(fake_app: FakeApp) -> None:
    assert render_template("tpl_shadowed.html", name="x") == "app:x"


def test_loader_falls_back_to_blueprint_folders(fake_app: FakeApp) -> None:
    assert render_template("tpl_bp_only.html", name="x") == "only in bp x"


def test_loader_without_app_folder_uses_blueprints_in_registration_order() -> None:
    app = FakeApp(
        template_folder=None,
        blueprints=[
            FakeBlueprint("empty", None),
            FakeBlueprint("second", BP_TEMPLATES),
            FakeBlueprint("third", TEMPLATES),
        ],
    )
    loader = DispatchingJinjaLoader(app)  # type: ignore[arg-type]
    env = jinja2.Environment(loader=loader)
    source, filename, _ = loader.get_source(env, "tpl_shadowed.html")
    assert source == "bp:{{ name }}"
    assert filename == os.path.join(BP_TEMPLATES, "tpl_shadowed.html")
    source, _, _ = loader.get_source(env, "tpl_hello.txt")
    assert source == "Hello {{ name }}!"


def test_loader_raises_template_not_found(fake_app: FakeApp) -> None:
    with pytest.raises(jinja2.TemplateNotFound) as exc_info:
        render_template("tpl_missing.html")
    assert exc_info.value.name == "tpl_missing.html"


def test_loader_lists_templates_once(fake_app: FakeApp) -> None:
    names = fake_app.jinja_env.list_templates()
    assert len(names) == len(set(names))
    assert "tpl_hello.html" in names
    assert "tpl_bp_only.html" in names
    assert "tpl_bp_folder/tpl_bp_only.html" in names
    # tpl_shadowed.html exists in both folders but is listed once
    assert names.count("tpl_shadowed.html") == 1


def test_loader_with_no_loaders_at_all() -> None:
    app = FakeApp(template_folder=None)
    loader = DispatchingJinjaLoader(app)  # type: ignore[arg-type]
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
def test_hostile_template_names_are_not_found(fake_app: FakeApp, name: str) -> None:
    # SECURITY: names never escape the template folders, and odd bytes in a name
    # end in TemplateNotFound rather than another error.
    with pytest.raises(jinja2.TemplateNotFound):
        render_template(name)


# -- explaining template loading -----------------------------------------------


def _explained(
    app: FakeApp, caplog: pytest.LogCaptureFixture, name: str
) -> tuple[str | None, str]:
    app.config["EXPLAIN_TEMPLATE_LOADING"] = True
    caplog.clear()
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        try:
            rv: str | None = render_template(name, name="n")
        except jinja2.TemplateNotFound:
            rv = None
    (record,) = caplog.records
    assert record.levelno == logging.INFO
    assert record.name == app.logger.name
    return rv, record.getMessage()


def test_explain_template_loading_single_match(
    fake_app: FakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    rv, message = _explained(fake_app, caplog, "tpl_hello.html")
    assert rv == "Hello n!"
    assert "'tpl_hello.html'" in message
    assert "application 'fake_app'" in message
    assert "blueprint 'bp' (tests.bp)" in message
    assert os.path.join(TEMPLATES, "tpl_hello.html") in message
    assert "not found" in message  # the blueprint's loader
    assert "jinja2.loaders.FileSystemLoader" in message
    assert "No loader" not in message
    assert "More than one" not in message


def test_explain_template_loading_multiple_matches_uses_the_first(
    fake_app: FakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    rv, message = _explained(fake_app, caplog, "tpl_shadowed.html")
    assert rv == "app:n"
    assert "More than one loader" in message


def test_explain_template_loading_no_match(
    fake_app: FakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    rv, message = _explained(fake_app, caplog, "tpl_missing.html")
    assert rv is None
    assert "No loader has this template." in message
    assert "request is handled by blueprint" not in message


def test_explain_template_loading_hints_at_the_blueprint(
    fake_app: FakeApp, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeRequestContext(fake_app, FakeRequest("bp")):
        rv, message = _explained(fake_app, caplog, "tpl_missing.html")
        assert rv is None
        assert "request is handled by blueprint 'bp'" in message
        # a single match is not suspicious, even inside a blueprint
        rv, message = _explained(fake_app, caplog, "tpl_bp_only.html")
        assert rv == "only in bp n"
        assert "request is handled by blueprint" not in message


def test_explain_template_loading_for_a_non_file_loader(
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = FakeApp(template_folder=None)
    loader: t.Any = jinja2.FunctionLoader(lambda name: "from function {{ name }}")
    app.jinja_loader = loader
    token = _cv_app.set(FakeAppContext(app))  # type: ignore[arg-type]
    try:
        rv, message = _explained(app, caplog, "anything")
    finally:
        _cv_app.reset(token)
    assert rv == "from function n"
    assert "jinja2.loaders.FunctionLoader" in message
    assert "<no file name>" in message
    assert "searching" not in message


# -- context processors --------------------------------------------------------


def test_default_context_processor_outside_any_context() -> None:
    assert _default_template_ctx_processor() == {}


def test_default_context_processor_in_app_context(fake_app: FakeApp) -> None:
    rv = _default_template_ctx_processor()
    assert set(rv) == {"g"}
    assert rv["g"] is _cv_app.get().g


def test_default_context_processor_does_not_open_the_session(
    fake_app: FakeApp, fake_req: FakeRequestContext
) -> None:
    from erlen.globals import session

    rv = _default_template_ctx_processor()
    assert set(rv) == {"g", "request", "session"}
    assert rv["request"] is fake_req.request
    assert rv["session"] is session
    assert fake_req.opened == 0
    # once open, the session object itself is handed out
    fake_req.session["k"] = "v"
    assert _default_template_ctx_processor()["session"] is fake_req.session


def test_session_opens_only_when_the_template_reads_it(
    fake_app: FakeApp, fake_req: FakeRequestContext
) -> None:
    assert render_template_string("{{ 1 + 1 }}") == "2"
    assert fake_req.opened == 0
    assert render_template_string("{{ session.k }}") == "from-session"
    assert fake_req.opened == 1


def test_processors_run_app_first_then_blueprints_outermost_first(
    fake_app: FakeApp,
) -> None:
    calls: list[str] = []

    def make(scope: str) -> cabc.Callable[[], dict[str, t.Any]]:
        def processor() -> dict[str, t.Any]:
            calls.append(scope)
            return {"who": scope, scope: True}

        return processor

    procs = fake_app.template_context_processors
    procs[None].append(make("app"))
    procs["outer"] = [make("outer")]
    procs["outer.inner"] = [make("inner")]
    procs["unrelated"] = [make("unrelated")]
    with FakeRequestContext(fake_app, FakeRequest("outer.inner")):
        context: dict[str, t.Any] = {}
        update_template_context(fake_app, context)  # type: ignore[arg-type]
    assert calls == ["app", "outer", "inner"]
    assert context["who"] == "inner"
    assert context["app"] and context["outer"] and context["inner"]
    assert "unrelated" not in context


def test_explicit_values_win_over_processors(fake_app: FakeApp) -> None:
    fake_app.template_context_processors[None].append(
        lambda: {"name": "processor", "g": "processor", "added": 1}
    )
    context: dict[str, t.Any] = {"name": "explicit"}
    update_template_context(fake_app, context)  # type: ignore[arg-type]
    assert context == {"name": "explicit", "g": "processor", "added": 1}
    assert render_template("tpl_hello.html", name="<b>") == "Hello &lt;b&gt;!"


def test_processors_go_through_ensure_sync(fake_app: FakeApp) -> None:
    def processor() -> dict[str, t.Any]:
        return {}

    fake_app.template_context_processors[None].append(processor)
    render_template_string("")
    assert processor in fake_app.synced


def test_processors_without_request_skip_blueprint_scopes(fake_app: FakeApp) -> None:
    fake_app.template_context_processors["bp"] = [lambda: {"bp": 1}]
    context: dict[str, t.Any] = {}
    update_template_context(fake_app, context)  # type: ignore[arg-type]
    assert "bp" not in context


def test_processor_returning_a_non_mapping_fails_loudly(fake_app: FakeApp) -> None:
    fake_app.template_context_processors[None].append(lambda: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(TypeError):
        render_template_string("x")


def test_app_without_processors(fake_app: FakeApp) -> None:
    fake_app.template_context_processors = {}
    context: dict[str, t.Any] = {"a": 1}
    update_template_context(fake_app, context)  # type: ignore[arg-type]
    assert context == {"a": 1}
    # g is still reachable, as a Jinja global
    assert render_template_string("{{ g is defined }}") == "True"


# -- rendering -----------------------------------------------------------------


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


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("tpl_escape.htm", "&lt;a&gt;&amp;&#39;&#34;"),
        ("tpl_escape.xml", "&lt;a&gt;&amp;&#39;&#34;"),
        ("tpl_escape.svg", "&lt;a&gt;&amp;&#39;&#34;"),
        ("tpl_escape.xhtml", "&lt;a&gt;&amp;&#39;&#34;"),
    ],
)
def test_autoescape_by_extension(
    fake_app: FakeApp, template: str, expected: str
) -> None:
    assert render_template(template, value="<a>&'\"") == expected


def test_text_templates_are_not_escaped(fake_app: FakeApp) -> None:
    assert render_template("tpl_hello.txt", name="<b>") == "Hello <b>!"


def test_string_templates_are_escaped(fake_app: FakeApp) -> None:
    assert render_template_string("{{ v }}", v="<b>") == "&lt;b&gt;"
    assert render_template_string("{{ v }}", v=Markup("<b>")) == "<b>"
    assert (
        render_template_string(
            "{% autoescape false %}{{ v }}{% endautoescape %}", v="<b>"
        )
        == "<b>"
    )


def test_render_template_list_picks_the_first_existing(fake_app: FakeApp) -> None:
    assert render_template(["tpl_nope.html", "tpl_hello.html"], name="x") == "Hello x!"
    template = fake_app.jinja_env.from_string("direct {{ name }}")
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
        (None, "null"),
    ],
)
def test_tojson_is_html_safe_and_uses_app_json(
    fake_app: FakeApp, value: t.Any, expected: str
) -> None:
    rv = fake_app.jinja_env.from_string("{{ v|tojson }}").render(v=value)
    assert rv == expected
    assert fake_app.json.calls == 1
    env = fake_app.jinja_env
    direct = env.filters["tojson"](jinja2.nodes.EvalContext(env), value)
    assert isinstance(direct, Markup)
    assert direct == expected


def test_globals_are_visible_in_imported_macros(fake_app: FakeApp) -> None:
    fake_app.config["GREETING"] = "hi"
    env = fake_app.jinja_env
    env.loader = jinja2.ChoiceLoader(
        [
            jinja2.DictLoader(
                {"m.html": "{% macro m() %}{{ config.GREETING }}{% endmacro %}"}
            ),
            DispatchingJinjaLoader(fake_app),  # type: ignore[arg-type]
        ]
    )
    assert render_template_string('{% import "m.html" as m %}{{ m.m() }}') == "hi"


def test_get_template_attribute(fake_app: FakeApp) -> None:
    hello = get_template_attribute("tpl_macros.html", "hello")
    assert hello("<World>") == "Hello &lt;World&gt;!"
    assert get_template_attribute("tpl_macros.html", "answer") == 42
    with pytest.raises(AttributeError):
        get_template_attribute("tpl_macros.html", "missing")


def test_rows_template(fake_app: FakeApp) -> None:
    rows = [{"id": i, "name": f"<n{i}>"} for i in range(12)]
    rv = render_template("tpl_rows.html", rows=rows)
    assert rv.count("<tr>") == 12
    assert "<td>&lt;n11&gt;</td>" in rv


# -- signals -------------------------------------------------------------------


@pytest.fixture
def recorded() -> cabc.Iterator[list[tuple[str, t.Any, t.Any, dict[str, t.Any]]]]:
    events: list[tuple[str, t.Any, t.Any, dict[str, t.Any]]] = []

    def before(sender: t.Any, template: t.Any, context: t.Any, **extra: t.Any) -> None:
        events.append(("before", sender, template, dict(context)))
        context["injected"] = "by-signal"

    def after(sender: t.Any, template: t.Any, context: t.Any, **extra: t.Any) -> None:
        events.append(("after", sender, template, dict(context)))

    before_render_template.connect(before)
    template_rendered.connect(after)
    try:
        yield events
    finally:
        before_render_template.disconnect(before)
        template_rendered.disconnect(after)


def test_render_sends_both_signals(
    fake_app: FakeApp, recorded: list[tuple[str, t.Any, t.Any, dict[str, t.Any]]]
) -> None:
    rv = render_template("tpl_hello.html", name="{{ injected }}")
    assert rv == "Hello {{ injected }}!"
    assert render_template_string("{{ injected }}") == "by-signal"
    kinds = [event[0] for event in recorded]
    assert kinds == ["before", "after", "before", "after"]
    _, sender, template, context = recorded[0]
    assert sender is fake_app
    assert template.name == "tpl_hello.html"
    assert context["name"] == "{{ injected }}"
    assert "g" in context
    assert recorded[1][3]["injected"] == "by-signal"


def test_stream_sends_rendered_after_exhaustion(
    fake_app: FakeApp, recorded: list[tuple[str, t.Any, t.Any, dict[str, t.Any]]]
) -> None:
    stream = stream_template("tpl_hello.html", name="s")
    assert [event[0] for event in recorded] == ["before"]
    assert "".join(stream) == "Hello s!"
    assert [event[0] for event in recorded] == ["before", "after"]


def test_no_signal_send_without_receivers(
    fake_app: FakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise AssertionError("send called")

    monkeypatch.setattr(before_render_template, "send", fail)
    monkeypatch.setattr(template_rendered, "send", fail)
    assert render_template_string("ok") == "ok"
    assert "".join(stream_template_string("ok")) == "ok"


# -- streaming -----------------------------------------------------------------


def test_stream_template_yields_pieces(fake_app: FakeApp) -> None:
    rv = stream_template_string("{% for i in items %}{{ i }}{% endfor %}", items="abc")
    assert isinstance(rv, cabc.Iterator)
    assert list(rv) == ["a", "b", "c"]


def test_stream_template_list(fake_app: FakeApp) -> None:
    assert "".join(stream_template(["tpl_nope.html", "tpl_hello.html"], name="x")) == (
        "Hello x!"
    )


def test_stream_keeps_the_request_context(fake_app: FakeApp) -> None:
    with FakeRequestContext(fake_app, FakeRequest(path="/streamed")):
        stream = stream_template_string("{{ request.path }}|{{ session.k }}")
    assert "".join(stream) == "/streamed|from-session"
    assert _cv_request.get(None) is None


def test_stream_processors_run_immediately(fake_app: FakeApp) -> None:
    calls: list[int] = []

    def processor() -> dict[str, t.Any]:
        calls.append(1)
        return {}

    fake_app.template_context_processors[None].append(processor)
    stream = stream_template_string("x")
    assert calls == [1]
    assert list(stream) == ["x"]


# -- hostile input -------------------------------------------------------------


def test_large_values_render_in_linear_time(fake_app: FakeApp) -> None:
    big = "<&'\"" * 500_000  # 2 MB of characters that all need escaping
    rv = render_template_string("{{ v }}", v=big)
    assert len(rv) == 500_000 * len("&lt;&amp;&#39;&#34;")
    rv = render_template_string("{{ v|tojson }}", v=big)
    assert rv.startswith('"\\u003c\\u0026\\u0027\\"')
    assert "<" not in rv and "&" not in rv and "'" not in rv


def test_large_template_source_compiles(fake_app: FakeApp) -> None:
    # a few MB of static text, plus enough expressions to matter (compiling
    # expressions is Jinja's cost and grows with their number)
    source = "<p>" * 1_000_000 + "{{ x }}" * 2_000
    rv = render_template_string(source, x="&")
    assert rv == "<p>" * 1_000_000 + "&amp;" * 2_000


@pytest.mark.parametrize(
    "value",
    ["\x00\x01\x1b[0m", "\ud800", "\u202e<script>", "\r\n<x>\r\n", b"<bytes>".decode()],
)
def test_control_and_odd_characters_are_escaped_not_fatal(
    fake_app: FakeApp, value: str
) -> None:
    rv = render_template_string("{{ v }}|{{ v|tojson }}", v=value)
    html, _, as_json = rv.partition("|")
    assert "<" not in html
    assert "<" not in as_json
    assert json.loads(as_json.replace("\\u0027", "'")) == value


def test_broken_template_source_raises_syntax_error(fake_app: FakeApp) -> None:
    for source in ["{{", "{% for %}", "{% if x %}", "{{ x | }}", "{% endfor %}"]:
        with pytest.raises(jinja2.TemplateSyntaxError):
            render_template_string(source)


def test_module_exports() -> None:
    for name in templating.__all__:
        assert getattr(templating, name).__doc__
