"""Jinja2 integration: the app's environment, its loader and the render helpers.

:func:`render_template` and its siblings render with the current application's
:attr:`~erlen.Erlen.jinja_env`. Templates are looked up in the application's
``template_folder`` first, then in each blueprint's folder in registration
order (see :class:`DispatchingJinjaLoader`).

Every render runs the template context processors (the application's, then
those of the blueprints that handle the current request, outermost first);
values passed to the render call always win over the processors' values.
"""

from __future__ import annotations

import collections.abc as cabc
import inspect
import typing as t
from collections import ChainMap

from jinja2 import BaseLoader
from jinja2 import Environment as BaseEnvironment
from jinja2 import Template
from jinja2 import TemplateNotFound
from jinja2.runtime import Context

from .app import Erlen
from .globals import _cv_app
from .globals import _cv_request
from .globals import g
from .globals import request
from .globals import session
from .scaffold import _default_template_ctx_processor
from .scaffold import add_default_template_names
from .scaffold import select_jinja_autoescape
from .signals import before_render_template
from .signals import template_rendered

__all__ = [
    "DispatchingJinjaLoader",
    "Environment",
    "create_jinja_environment",
    "get_template_attribute",
    "render_template",
    "render_template_string",
    "select_jinja_autoescape",
    "stream_template",
    "stream_template_string",
    "update_template_context",
]

_SourceTriple = tuple[str, str | None, cabc.Callable[[], bool] | None]


_NO_APP_MESSAGE = (
    "Working outside of application context: rendering a template needs the"
    " current application. Push one with 'with app.app_context():' (or render"
    " inside a request)."
)


class Environment(BaseEnvironment):
    """A Jinja2 environment that belongs to an application.

    Unless a ``loader`` is passed, templates are found through
    ``app.create_global_jinja_loader()``, which searches the application's and
    the blueprints' template folders.

    :param app: the application this environment renders for.
    :param options: any :class:`jinja2.Environment` option.
    """

    def __init__(self, app: Erlen, **options: t.Any) -> None:
        if "loader" not in options:
            options["loader"] = app.create_global_jinja_loader()
        super().__init__(**options)
        self.app = app


class DispatchingJinjaLoader(BaseLoader):
    """Look templates up in the application's folder, then in each blueprint's.

    The first loader that knows a template wins, so an application template
    overrides a blueprint template of the same name. With the
    ``EXPLAIN_TEMPLATE_LOADING`` config key set, every lookup asks all loaders
    and logs which ones matched on ``app.logger`` at level INFO.

    :param app: the application whose loaders are searched.
    """

    def __init__(self, app: Erlen) -> None:
        self.app = app

    def get_source(self, environment: BaseEnvironment, template: str) -> _SourceTriple:
        """Return ``(source, filename, uptodate)`` from the first loader that
        has ``template``.

        :raises jinja2.TemplateNotFound: no loader has the template.
        """
        if self.app.config["EXPLAIN_TEMPLATE_LOADING"]:
            return self._get_source_explained(environment, template)
        for _owner, loader in self._iter_loaders():
            try:
                return loader.get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def _get_source_explained(
        self, environment: BaseEnvironment, template: str
    ) -> _SourceTriple:
        attempts: list[tuple[t.Any, BaseLoader, _SourceTriple | None]] = []
        found: _SourceTriple | None = None
        for owner, loader in self._iter_loaders():
            try:
                rv: _SourceTriple | None = loader.get_source(environment, template)
            except TemplateNotFound:
                rv = None
            if found is None:
                found = rv
            attempts.append((owner, loader, rv))
        _explain_template_loading(self.app, template, attempts)
        if found is None:
            raise TemplateNotFound(template)
        return found

    def _iter_loaders(self) -> cabc.Iterator[tuple[t.Any, BaseLoader]]:
        loader = self.app.jinja_loader
        if loader is not None:
            yield self.app, loader
        for blueprint in self.app.iter_blueprints():
            loader = blueprint.jinja_loader
            if loader is not None:
                yield blueprint, loader

    def list_templates(self) -> list[str]:
        """Return the names of all templates any loader knows, each once."""
        names: set[str] = set()
        for _owner, loader in self._iter_loaders():
            names.update(loader.list_templates())
        return list(names)


def _describe_owner(app: Erlen, owner: t.Any) -> str:
    if owner is app:
        return f"application {owner.import_name!r}"
    return f"blueprint {owner.name!r} ({owner.import_name})"


def _describe_loader(loader: BaseLoader) -> str:
    kind = type(loader)
    text = f"{kind.__module__}.{kind.__qualname__}"
    search_path = getattr(loader, "searchpath", None)
    if search_path:
        text += " searching " + ", ".join(map(repr, search_path))
    return text


def _explain_template_loading(
    app: Erlen,
    template: str,
    attempts: list[tuple[t.Any, BaseLoader, _SourceTriple | None]],
) -> None:
    """Log, on ``app.logger`` at INFO, which loaders were asked for ``template``."""
    lines = [f"Looking up template {template!r}:"]
    matches = 0
    for number, (owner, loader, rv) in enumerate(attempts, 1):
        if rv is None:
            outcome = "not found"
        else:
            matches += 1
            outcome = f"found {rv[1] or '<no file name>'!r}"
        lines.append(f"  {number}. {_describe_owner(app, owner)}")
        lines.append(f"     loader: {_describe_loader(loader)}")
        lines.append(f"     result: {outcome}")
    if matches == 0:
        lines.append("No loader has this template.")
    elif matches > 1:
        lines.append(
            "More than one loader has this template; the first one listed wins."
        )
    req_ctx = _cv_request.get(None)
    blueprint = req_ctx.request.blueprint if req_ctx is not None else None
    if blueprint is not None and matches != 1:
        lines.append(
            f"The request is handled by blueprint {blueprint!r}; check that the"
            " template is in that blueprint's template folder, or under a"
            " subfolder named after the blueprint to avoid clashes."
        )
    app.logger.info("\n".join(lines))


def create_jinja_environment(app: Erlen) -> BaseEnvironment:
    """Build the Jinja environment for ``app`` (what ``app.jinja_env`` holds).

    Options come from ``app.jinja_options``; ``autoescape`` defaults to
    ``app.select_jinja_autoescape`` and ``auto_reload`` to the
    ``TEMPLATES_AUTO_RELOAD`` config key, or ``app.debug`` when that is
    ``None``. Templates get the globals ``url_for``, ``get_flashed_messages``,
    ``config``, ``request``, ``session`` and ``g``, and the ``tojson`` filter
    serialises with ``app.json.dumps``.

    :param app: the application.
    """
    from .helpers import get_flashed_messages

    options = dict(app.jinja_options)
    if "autoescape" not in options:
        options["autoescape"] = app.select_jinja_autoescape
    if "auto_reload" not in options:
        auto_reload = app.config["TEMPLATES_AUTO_RELOAD"]
        options["auto_reload"] = app.debug if auto_reload is None else auto_reload
    # COMPAT: Flask types jinja_environment as a subclass of its own Environment
    # (which takes the app first); the app may annotate it as jinja2's.
    environment_class = t.cast("type[Environment]", app.jinja_environment)
    rv = environment_class(app, **options)
    rv.globals.update(
        url_for=app.url_for,
        get_flashed_messages=get_flashed_messages,
        config=app.config,
        request=request,
        session=session,
        g=g,
    )
    # COMPAT: Jinja's own ``tojson`` filter reads this policy. It escapes <, >,
    # & and ' as \u003c-style sequences and returns Markup, as Flask's does.
    rv.policies["json.dumps_function"] = app.json.dumps
    return rv


def update_template_context(app: Erlen, context: dict[str, t.Any]) -> None:
    """Add the context processors' values to ``context``, in place.

    The application's processors run first, then those registered on the
    blueprints handling the current request, outermost blueprint first. A later
    processor overrides an earlier one, but keys already in ``context`` (the
    values passed to the render call) are never overridden.

    :param app: the application whose processors run.
    :param context: the template context to update.
    """
    processors = app.template_context_processors
    extra: dict[str, t.Any] = {}
    if "ensure_sync" in app.__dict__ or "ensure_sync" not in app._plain_steps:
        # COMPAT: a customised ensure_sync sees every processor, as in Flask.
        _update_through_ensure_sync(app, context)
        return
    if _only_default_processor(processors):
        # PERF: no dict to build and merge (template 1 us less).
        add_default_template_names(context)
        return
    for func in processors.get(None, ()):
        rv = func()
        # PERF: a plain dict needs no sync/async check; a coroutine is awaited.
        extra.update(rv if type(rv) is dict else _await_if_needed(app, rv))
    req_ctx = _cv_request.get(None)
    if req_ctx is not None:
        rule = req_ctx.request.url_rule
        if rule is not None and rule.endpoint and "." in rule.endpoint:
            # COMPAT: request.blueprints lists the innermost blueprint first;
            # processors run outermost first.
            for name in reversed(req_ctx.request.blueprints):
                for func in processors.get(name, ()):
                    rv = func()
                    extra.update(rv if type(rv) is dict else _await_if_needed(app, rv))
    # PERF: rather than copying the caller's context and re-applying it (which
    # every render would pay for), only add the keys it does not have yet.
    for key, value in extra.items():
        if key not in context:
            context[key] = value


def _only_default_processor(
    processors: cabc.Mapping[str | None, list[cabc.Callable[[], dict[str, t.Any]]]],
) -> bool:
    """Whether the default context processor is the only one registered."""
    if len(processors) != 1:
        return False
    funcs = processors.get(None)
    return (
        funcs is not None
        and len(funcs) == 1
        and funcs[0] is _default_template_ctx_processor
    )


def _update_through_ensure_sync(app: Erlen, context: dict[str, t.Any]) -> None:
    processors = app.template_context_processors
    names: list[str | None] = [None]
    req_ctx = _cv_request.get(None)
    if req_ctx is not None:
        names.extend(reversed(req_ctx.request.blueprints))
    extra: dict[str, t.Any] = {}
    for name in names:
        for func in processors.get(name, ()):
            extra.update(app.ensure_sync(func)())
    for key, value in extra.items():
        context.setdefault(key, value)


def _await_if_needed(app: Erlen, rv: t.Any) -> t.Any:
    """Run a coroutine returned by an async context processor to its result."""
    if inspect.iscoroutine(rv):
        return app.async_to_sync(lambda: rv)()
    return rv


_ERLEN_UPDATE_TEMPLATE_CONTEXT = Erlen.update_template_context


def _current_app() -> Erlen:
    app_ctx = _cv_app.get(None)
    if app_ctx is None:
        raise RuntimeError(_NO_APP_MESSAGE)
    return app_ctx.app


def _render_template(template: Template, context: dict[str, t.Any]) -> str:
    """Return ``template.render(context)``, computed without Jinja's slow merge.

    ``Template.render`` copies the template's globals, a ``ChainMap`` of its own
    globals over the environment's, into the context key by key; each key the
    template's own (usually empty) map lacks costs ChainMap a ``KeyError``. Here
    the two maps are merged in one step into the same dict, in the same order,
    and the template runs on a context built with the same arguments
    ``Template.new_context`` passes. Anything unusual (an async environment, a
    subclass that overrides ``render`` or ``new_context``, another context
    class, globals that are not a two-map ``ChainMap``) takes ``render``.
    """
    environment = template.environment
    template_globals = template.globals
    if (
        type(template_globals) is not ChainMap
        or len(template_globals.maps) != 2
        or environment.is_async
        or environment.context_class is not Context
        or type(template).render is not _TEMPLATE_RENDER
        or type(template).new_context is not _TEMPLATE_NEW_CONTEXT
    ):
        return template.render(context)
    own, shared = template_globals.maps
    merged = {**shared, **own} if own else shared
    # PERF: (template 8 us less than Template.render.) COMPAT: the keyword
    # expansion raises TypeError for a non-string key, as Jinja's does.
    parent = dict(merged, **context)
    ctx = Context(environment, parent, template.name, template.blocks, globals=merged)
    try:
        return environment.concat(template.root_render_func(ctx))
    except Exception:
        # COMPAT: Jinja rewrites the traceback to point into the template.
        environment.handle_exception()


_TEMPLATE_RENDER = Template.render
_TEMPLATE_NEW_CONTEXT = Template.new_context


def _render(app: Erlen, template: Template, context: dict[str, t.Any]) -> str:
    if type(app).update_template_context is _ERLEN_UPDATE_TEMPLATE_CONTEXT:
        # PERF: the method only delegates here.
        update_template_context(app, context)
    else:
        app.update_template_context(context)
    # PERF: blinker's send costs several calls even with no receivers.
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    rv = _render_template(template, context)
    if template_rendered.receivers:
        template_rendered.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )
    return rv


def render_template(
    template_name_or_list: str | Template | list[str | Template],
    **context: t.Any,
) -> str:
    """Render a template from the template folders with ``context``.

    :param template_name_or_list: the template's name; a list renders the first
        name that exists. A :class:`jinja2.Template` is rendered as it is.
    :param context: variables the template can use.
    :raises jinja2.TemplateNotFound: no loader has the template.
    :raises RuntimeError: no application context is active.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _render(app, template, context)


def render_template_string(source: str, **context: t.Any) -> str:
    """Render the template ``source`` (autoescaped by default) with ``context``.

    :param source: the template's source text.
    :param context: variables the template can use.
    :raises RuntimeError: no application context is active.
    """
    app = _current_app()
    template = app.jinja_env.from_string(source)
    return _render(app, template, context)


def _stream(
    app: Erlen, template: Template, context: dict[str, t.Any]
) -> cabc.Iterator[str]:
    app.update_template_context(context)
    if before_render_template.receivers:
        before_render_template.send(
            app, _async_wrapper=app.ensure_sync, template=template, context=context
        )

    def generate() -> cabc.Iterator[str]:
        yield from template.generate(context)
        if template_rendered.receivers:
            template_rendered.send(
                app, _async_wrapper=app.ensure_sync, template=template, context=context
            )

    rv = generate()
    if _cv_request.get(None) is not None:
        from .helpers import stream_with_context

        rv = stream_with_context(rv)
    return rv


def stream_template(
    template_name_or_list: str | Template | list[str | Template],
    **context: t.Any,
) -> cabc.Iterator[str]:
    """Render a template piece by piece, as an iterator of strings.

    Context processors run (and ``before_render_template`` is sent) right away;
    ``template_rendered`` is sent once the iterator is exhausted. Inside a
    request the iterator keeps the request context active while it runs, so
    the template can use ``request`` and ``session`` after the view returned.

    :param template_name_or_list: the template's name, or a list of names to
        try in order, or a :class:`jinja2.Template`.
    :param context: variables the template can use.
    :raises RuntimeError: no application context is active.
    """
    app = _current_app()
    template = app.jinja_env.get_or_select_template(template_name_or_list)
    return _stream(app, template, context)


def stream_template_string(source: str, **context: t.Any) -> cabc.Iterator[str]:
    """Render the template ``source`` piece by piece, as an iterator of strings.

    Behaves like :func:`stream_template`.

    :param source: the template's source text.
    :param context: variables the template can use.
    :raises RuntimeError: no application context is active.
    """
    app = _current_app()
    template = app.jinja_env.from_string(source)
    return _stream(app, template, context)


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Return a macro or variable a template exports, to call from Python.

    For example ``get_template_attribute("_macros.html", "hello")("World")``
    calls the ``hello`` macro of ``_macros.html``.

    :param template_name: the template's name.
    :param attribute: the macro or variable to read.
    :raises AttributeError: the template does not export ``attribute``.
    :raises RuntimeError: no application context is active.
    """
    module = _current_app().jinja_env.get_template(template_name).module
    return getattr(module, attribute)
