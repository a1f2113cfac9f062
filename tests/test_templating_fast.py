"""The template render fast paths give exactly what the general paths give.

``erlen.templating`` renders without ``Template.render``'s globals merge and, when
the default context processor is the only one, adds its names in place. Every
test here runs both a fast path and the path it replaces and compares results.
"""

from __future__ import annotations

import asyncio
import typing as t
from collections import ChainMap

import jinja2
import pytest
from jinja2.runtime import Context

from erlen import Blueprint
from erlen import Erlen
from erlen import g
from erlen import render_template_string
from erlen.scaffold import _default_template_ctx_processor
from erlen.scaffold import add_default_template_names
from erlen.templating import _only_default_processor
from erlen.templating import _render_template
from erlen.templating import update_template_context


@jinja2.pass_context
def _context_keys(context: Context) -> str:
    """Show what the template sees: its context keys in order."""
    return ",".join(context.parent)


def _env(**options: t.Any) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, **options)
    env.globals["keys"] = _context_keys
    env.globals["site"] = "global"
    return env


_SOURCES = [
    "plain text",
    "{{ name }} <{{ site }}>",
    "{{ keys() }}",
    "{% for row in rows %}<td>{{ row }}</td>{% endfor %}",
    "{% set x = 1 %}{{ x }}{{ range(3)|list }}",
    "{% macro m(v) %}[{{ v }}]{% endmacro %}{{ m(name) }}",
    "{{ missing }}|{{ name|upper }}",
]


@pytest.mark.parametrize("source", _SOURCES)
@pytest.mark.parametrize(
    "context",
    [
        {},
        {"name": "<b>&", "rows": [1, "<i>"]},
        {"site": "override", "name": "n", "rows": []},
    ],
)
def test_fast_render_equals_template_render(
    source: str, context: dict[str, t.Any]
) -> None:
    template = _env().from_string(source)
    assert _render_template(template, dict(context)) == template.render(context)


def test_template_globals_over_environment_globals_in_order() -> None:
    env = _env()
    template = env.from_string(
        "{{ site }} {{ own }} {{ keys() }}", globals={"site": "own", "own": 1}
    )
    assert isinstance(template.globals, ChainMap)
    assert template.globals.maps[0]  # the merge path, not the shared-map path
    expected = template.render(name="x")
    assert _render_template(template, {"name": "x"}) == expected
    assert expected.startswith("own 1 ")
    assert expected.endswith("keys,site,own,name")


def test_globals_changed_after_loading_are_seen() -> None:
    env = _env()
    template = env.from_string("{{ late }}")
    env.globals["late"] = "now visible"
    assert _render_template(template, {}) == template.render() == "now visible"


def test_imports_with_context_see_the_same_globals() -> None:
    env = _env(
        loader=jinja2.DictLoader(
            {
                "macros.html": "{% macro who() %}{{ site }}/{{ name }}{% endmacro %}",
                "page.html": (
                    '{% import "macros.html" as m with context %}{{ m.who() }}'
                ),
            }
        )
    )
    template = env.get_template("page.html", globals={"extra": 1})
    context = {"name": "n"}
    assert _render_template(template, dict(context)) == template.render(context)
    assert template.render(context) == "global/n"


def test_template_inheritance_renders_the_same() -> None:
    env = _env(
        loader=jinja2.DictLoader(
            {
                "base.html": "<{% block body %}base{% endblock %}>",
                "child.html": (
                    '{% extends "base.html" %}{% block body %}'
                    "{{ super() }}+{{ name }}{% endblock %}"
                ),
            }
        )
    )
    template = env.get_template("child.html")
    assert _render_template(template, {"name": "c"}) == "<base+c>"
    assert template.render(name="c") == "<base+c>"


def test_errors_are_raised_with_the_template_in_the_traceback() -> None:
    env = _env(loader=jinja2.DictLoader({"broken.html": "one\n{{ 1 // zero }}"}))
    template = env.get_template("broken.html")
    with pytest.raises(ZeroDivisionError) as fast:
        _render_template(template, {"zero": 0})
    with pytest.raises(ZeroDivisionError) as slow:
        template.render(zero=0)
    fast_frames = [(str(f.path), f.lineno) for f in fast.traceback]
    slow_frames = [(str(f.path), f.lineno) for f in slow.traceback]
    # COMPAT: the frame of the template line that failed, as Jinja shows it
    assert fast_frames[-1] == slow_frames[-1]
    assert fast_frames[-1] == ("<template>", 1)  # 0-based: the template's line 2


def test_undefined_errors_match() -> None:
    template = _env(undefined=jinja2.StrictUndefined).from_string("{{ nope }}")
    with pytest.raises(jinja2.UndefinedError, match="'nope' is undefined"):
        _render_template(template, {})
    with pytest.raises(jinja2.UndefinedError, match="'nope' is undefined"):
        template.render()


def test_non_string_keys_raise_type_error_like_jinja() -> None:
    template = _env().from_string("x")
    context: dict[t.Any, t.Any] = {1: "one"}
    with pytest.raises(TypeError, match="keywords must be strings"):
        template.render(context)
    with pytest.raises(TypeError, match="keywords must be strings"):
        _render_template(template, context)


def test_caller_context_is_not_mutated() -> None:
    template = _env().from_string("{% set x = 2 %}{{ x }}")
    context = {"name": "n"}
    assert _render_template(template, context) == "2"
    assert context == {"name": "n"}


class _RecordingTemplate(jinja2.Template):
    renders: t.ClassVar[list[dict[str, t.Any]]] = []

    def render(self, *args: t.Any, **kwargs: t.Any) -> str:
        self.renders.append(dict(*args, **kwargs))
        return "custom " + super().render(*args, **kwargs)


class _ContextTemplate(jinja2.Template):
    def new_context(
        self,
        vars: dict[str, t.Any] | None = None,
        shared: bool = False,
        locals: t.Mapping[str, t.Any] | None = None,
    ) -> Context:
        return super().new_context({**(vars or {}), "name": "from new_context"})


class _OtherContext(Context):
    pass


def _fallback_cases() -> list[tuple[str, jinja2.Template]]:
    render_override = _env()
    render_override.template_class = _RecordingTemplate
    context_override = _env()
    context_override.template_class = _ContextTemplate
    other_context = _env()
    other_context.context_class = _OtherContext
    plain_globals = _env().from_string("{{ name }}")
    plain_globals.globals = dict(plain_globals.globals)
    three_maps = _env().from_string("{{ name }}")
    three_maps.globals = ChainMap({}, {}, dict(three_maps.environment.globals))
    return [
        ("custom render", render_override.from_string("{{ name }}")),
        ("custom new_context", context_override.from_string("{{ name }}")),
        ("custom context class", other_context.from_string("{{ name }}")),
        ("dict globals", plain_globals),
        ("three-map globals", three_maps),
    ]


@pytest.mark.parametrize(
    ("label", "template"), _fallback_cases(), ids=[c[0] for c in _fallback_cases()]
)
def test_unusual_templates_fall_back_to_render(
    label: str, template: jinja2.Template
) -> None:
    _RecordingTemplate.renders.clear()
    expected = template.render(name="n")
    assert _render_template(template, {"name": "n"}) == expected
    if label == "custom render":
        assert expected == "custom n"
        assert _RecordingTemplate.renders == [{"name": "n"}, {"name": "n"}]
    if label == "custom new_context":
        assert expected == "from new_context"


def test_async_environment_falls_back_to_render() -> None:
    template = _env(enable_async=True).from_string("{{ name }}!")

    async def no_loop_running() -> None:  # render() must run its own loop
        return None

    asyncio.run(no_loop_running())
    assert _render_template(template, {"name": "a"}) == template.render(name="a")


# -- the default context processor fast path -----------------------------------


def _general_path(app: Erlen, context: dict[str, t.Any]) -> dict[str, t.Any]:
    """What update_template_context gives with an extra (empty) processor."""
    app.template_context_processors[None].append(dict)
    try:
        update_template_context(app, context)
    finally:
        app.template_context_processors[None].pop()
    return context


@pytest.mark.parametrize(
    "given",
    [{}, {"g": "given"}, {"request": "given", "x": 1}, {"x": 1, "g": 0}],
)
@pytest.mark.parametrize("where", ["none", "app", "request"])
def test_default_only_context_equals_general_path(
    app: Erlen, given: dict[str, t.Any], where: str
) -> None:
    def both() -> tuple[dict[str, t.Any], dict[str, t.Any]]:
        assert _only_default_processor(app.template_context_processors)
        fast = dict(given)
        update_template_context(app, fast)
        return fast, _general_path(app, dict(given))

    if where == "none":
        fast, general = both()
    elif where == "app":
        with app.app_context():
            fast, general = both()
    else:
        with app.test_request_context("/"):
            fast, general = both()
    assert fast == general
    assert list(fast) == list(general)
    if where == "none":
        assert fast == given


def test_add_default_names_uses_the_live_objects(app: Erlen) -> None:
    with app.test_request_context("/") as req_ctx:
        context: dict[str, t.Any] = {}
        add_default_template_names(context)
        assert list(context) == ["g", "request"]
        assert context["request"] is req_ctx.request
        assert context["g"] is g._get_current_object()


@pytest.mark.parametrize(
    ("processors", "expected"),
    [
        ({None: [_default_template_ctx_processor]}, True),
        ({}, False),
        ({"bp": [_default_template_ctx_processor]}, False),
        ({None: []}, False),
        ({None: [_default_template_ctx_processor, dict]}, False),
        ({None: [dict]}, False),
        ({None: [_default_template_ctx_processor], "bp": []}, False),
    ],
)
def test_only_default_processor(
    processors: dict[str | None, list[t.Any]], expected: bool
) -> None:
    assert _only_default_processor(processors) is expected


def test_overridden_update_template_context_is_called() -> None:
    calls: list[dict[str, t.Any]] = []

    class MyApp(Erlen):
        def update_template_context(self, context: dict[str, t.Any]) -> None:
            calls.append(dict(context))
            super().update_template_context(context)
            context["extra"] = "mine"

    app = MyApp(__name__)
    with app.test_request_context("/?q=1"):
        rv = render_template_string("{{ request.args.q }} {{ extra }}", a=1)
    assert rv == "1 mine"
    assert calls == [{"a": 1}]


def test_blueprint_processor_disables_the_default_only_path(app: Erlen) -> None:
    bp = Blueprint("bp", __name__)
    bp.context_processor(lambda: {"who": "bp"})

    @bp.route("/in-bp")
    def in_bp() -> str:
        return render_template_string("{{ who }} {{ request.path }}")

    app.register_blueprint(bp)
    assert not _only_default_processor(app.template_context_processors)
    assert app.test_client().get("/in-bp").text == "bp /in-bp"
