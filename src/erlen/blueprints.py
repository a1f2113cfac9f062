"""Blueprints: groups of routes, hooks and handlers registered on an app later.

A :class:`Blueprint` records what it is given. Registering it on an app (or,
through a parent blueprint, nested at any depth) replays those records with a
:class:`BlueprintSetupState` that knows the final name, URL prefix, subdomain and
URL defaults of that one registration. Hooks and handlers are copied into the
app's registries under the blueprint's dotted name (``parent.child``), where the
dispatcher finds them; nothing is looked up through the blueprint per request.
"""

from __future__ import annotations

import collections.abc as cabc
import os
import typing as t
from collections import defaultdict
from functools import update_wrapper

from .scaffold import Scaffold
from .scaffold import _endpoint_from_view_func
from .scaffold import setupmethod

if t.TYPE_CHECKING:
    from .app import Erlen

_F = t.TypeVar("_F", bound=cabc.Callable[..., t.Any])
DeferredSetupFunction = cabc.Callable[["BlueprintSetupState"], None]
_sentinel: t.Any = object()

#: The per-blueprint hook registries copied into the app, keyed by dotted name.
_HOOK_REGISTRIES = (
    "before_request_funcs",
    "after_request_funcs",
    "teardown_request_funcs",
    "url_default_functions",
    "url_value_preprocessors",
    "template_context_processors",
)


def _join_path(prefix: str, path: str) -> str:
    """Join two URL path pieces with exactly one slash between them."""
    return f"{prefix.rstrip('/')}/{path.lstrip('/')}"


def _dotted(*names: str) -> str:
    """Join the non-empty names with dots: ``("", "api", "list")`` -> ``api.list``."""
    return ".".join(name for name in names if name)


def _option(options: cabc.Mapping[str, t.Any], key: str, fallback: t.Any) -> t.Any:
    """``options[key]`` unless it is missing or ``None``, else ``fallback``."""
    value = options.get(key)
    return fallback if value is None else value


class BlueprintSetupState:
    """What one registration of a blueprint on an app knows.

    Passed to every function recorded with :meth:`Blueprint.record`.

    :param blueprint: the blueprint being registered.
    :param app: the app it is registered on.
    :param options: the keyword arguments of ``register_blueprint`` (plus
        ``name_prefix`` for nested blueprints).
    :param first_registration: whether the blueprint was not on the app yet.
    """

    def __init__(
        self,
        blueprint: Blueprint,
        app: Erlen,
        options: t.Any,
        first_registration: bool,
    ) -> None:
        self.app = app
        self.blueprint = blueprint
        self.options = options
        self.first_registration = first_registration
        #: The subdomain rules get: the option if given, else the blueprint's.
        self.subdomain: str | None = _option(options, "subdomain", blueprint.subdomain)
        #: The prefix of every rule: the option if given, else the blueprint's.
        self.url_prefix: str | None = _option(
            options, "url_prefix", blueprint.url_prefix
        )
        #: The name of this registration (``name=`` when given).
        self.name: str = options.get("name", blueprint.name)
        #: The dotted name of the enclosing blueprint, empty at the top.
        self.name_prefix: str = options.get("name_prefix", "")
        #: Default view arguments: the blueprint's, updated by the option's.
        self.url_defaults: dict[str, t.Any] = dict(blueprint.url_values_defaults)
        self.url_defaults.update(options.get("url_defaults", ()))

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: cabc.Callable[..., t.Any] | None = None,
        **options: t.Any,
    ) -> None:
        """Add ``rule`` to the app, prefixed, namespaced and with URL defaults.

        :param rule: the rule relative to the blueprint's ``url_prefix``.
        :param endpoint: the endpoint inside the blueprint (the view's name by
            default); the app sees ``<name_prefix>.<name>.<endpoint>``.
        :param view_func: the view function.
        :param options: passed on to :meth:`Erlen.add_url_rule`.
        """
        if self.url_prefix is not None:
            rule = _join_path(self.url_prefix, rule) if rule else self.url_prefix
        options.setdefault("subdomain", self.subdomain)
        if endpoint is None:
            endpoint = _endpoint_from_view_func(view_func)  # type: ignore[arg-type]
        defaults = self.url_defaults
        if "defaults" in options:
            defaults = {**defaults, **options.pop("defaults")}
        self.app.add_url_rule(
            rule,
            _dotted(self.name_prefix, self.name, endpoint),
            view_func,
            defaults=defaults,
            **options,
        )


class Blueprint(Scaffold):
    """A set of routes and hooks to register on an app, possibly several times.

    :param name: the blueprint name, prefixed to its endpoints.
    :param import_name: the module the blueprint is defined in.
    :param static_folder: a static folder served under ``static_url_path``.
    :param static_url_path: the URL of the static folder.
    :param template_folder: a template folder searched after the app's.
    :param url_prefix: a path prepended to every rule.
    :param subdomain: the subdomain of every rule.
    :param url_defaults: default view arguments for every rule.
    :param root_path: the folder resources are relative to.
    :param cli_group: the name of the CLI group of its commands (``None``:
        add them to the app's group).
    :raises ValueError: ``name`` is empty or contains a dot.
    """

    _got_registered_once = False

    def __init__(
        self,
        name: str,
        import_name: str,
        static_folder: str | os.PathLike[str] | None = None,
        static_url_path: str | None = None,
        template_folder: str | os.PathLike[str] | None = None,
        url_prefix: str | None = None,
        subdomain: str | None = None,
        url_defaults: dict[str, t.Any] | None = None,
        root_path: str | None = None,
        cli_group: str | None = _sentinel,
    ) -> None:
        super().__init__(
            import_name=import_name,
            static_folder=static_folder,
            static_url_path=static_url_path,
            template_folder=template_folder,
            root_path=root_path,
        )
        if not name:
            raise ValueError("'name' may not be empty.")
        if "." in name:
            raise ValueError("'name' may not contain a dot '.' character.")
        self.name = name
        self.url_prefix = url_prefix
        self.subdomain = subdomain
        self.deferred_functions: list[DeferredSetupFunction] = []
        self.url_values_defaults = {} if url_defaults is None else url_defaults
        self.cli_group = cli_group
        self._blueprints: list[tuple[Blueprint, dict[str, t.Any]]] = []

    def _check_setup_finished(self, f_name: str) -> None:
        if self._got_registered_once:
            raise AssertionError(
                f"The setup method '{f_name}' can no longer be called on the blueprint"
                f" '{self.name}'. It has already been registered at least once, any"
                " changes will not be applied consistently.\n"
                "Make sure all imports, decorators, functions, etc. needed to set up"
                " the blueprint are done before registering it."
            )

    @setupmethod
    def record(self, func: DeferredSetupFunction) -> None:
        """Call ``func(state)`` with a :class:`BlueprintSetupState` at every
        registration of the blueprint."""
        self.deferred_functions.append(func)

    @setupmethod
    def record_once(self, func: DeferredSetupFunction) -> None:
        """Like :meth:`record`, but only at the blueprint's first registration
        on each app."""

        def on_first_registration(state: BlueprintSetupState) -> None:
            if state.first_registration:
                func(state)

        self.record(update_wrapper(on_first_registration, func))

    def make_setup_state(
        self, app: Erlen, options: dict[str, t.Any], first_registration: bool = False
    ) -> BlueprintSetupState:
        """Return the :class:`BlueprintSetupState` of one registration."""
        return BlueprintSetupState(self, app, options, first_registration)

    @setupmethod
    def register_blueprint(self, blueprint: Blueprint, **options: t.Any) -> None:
        """Nest ``blueprint`` inside this one; it is registered with this one.

        Its name becomes ``<this name>.<its name>``, its URL prefix and
        subdomain are joined to this blueprint's.

        :raises ValueError: ``blueprint`` is this blueprint.
        """
        if blueprint is self:
            raise ValueError("Cannot register a blueprint on itself")
        self._blueprints.append((blueprint, options))

    def register(self, app: Erlen, options: dict[str, t.Any]) -> None:
        """Register the blueprint (and its nested blueprints) on ``app``.

        Called by :meth:`Erlen.register_blueprint`; ``options`` are its keyword
        arguments (``url_prefix``, ``subdomain``, ``url_defaults``, ``name``,
        ``cli_group``).

        :raises ValueError: the resulting dotted name is already registered.
        """
        own_name = options.get("name", self.name)
        name = _dotted(options.get("name_prefix", ""), own_name)
        existing = app.blueprints.get(name)
        if existing is not None:
            which = "this" if existing is self else "a different"
            full = f" '{name}'" if own_name != name else ""
            raise ValueError(
                f"The name '{own_name}' is already registered for"
                f" {which} blueprint{full}. Use 'name=' to"
                " provide a unique name."
            )
        first_registration = all(bp is not self for bp in app.blueprints.values())
        app.blueprints[name] = self
        self._got_registered_once = True
        state = self.make_setup_state(app, options, first_registration)
        if self.has_static_folder:
            state.add_url_rule(
                f"{self.static_url_path}/<path:filename>",
                view_func=self.send_static_file,
                endpoint="static",
            )
        self._copy_registries(app, name)
        for deferred in self.deferred_functions:
            deferred(state)
        self._register_cli(app, name, options)
        for child, child_options in self._blueprints:
            child.register(app, self._child_options(state, name, child, child_options))

    def _register_cli(self, app: Erlen, name: str, options: dict[str, t.Any]) -> None:
        # PERF: ``cli`` is a cached property that imports click; a blueprint
        # that never touched it has no commands to add.
        if "cli" not in self.__dict__ or not self.cli.commands:
            return
        group = options.get("cli_group", self.cli_group)
        if group is None:
            app.cli.commands.update(self.cli.commands)
            return
        self.cli.name = name if group is _sentinel else group
        app.cli.add_command(self.cli)

    @staticmethod
    def _child_options(
        state: BlueprintSetupState,
        name: str,
        child: Blueprint,
        options: dict[str, t.Any],
    ) -> dict[str, t.Any]:
        """The registration options of a nested blueprint inside ``state``."""
        options = dict(options)
        subdomain = _option(options, "subdomain", child.subdomain)
        if subdomain is not None and state.subdomain is not None:
            subdomain = f"{subdomain}.{state.subdomain}"
        elif subdomain is None:
            subdomain = state.subdomain
        if subdomain is not None:
            options["subdomain"] = subdomain
        url_prefix = _option(options, "url_prefix", child.url_prefix)
        if url_prefix is not None and state.url_prefix is not None:
            url_prefix = _join_path(state.url_prefix, url_prefix)
        elif url_prefix is None:
            url_prefix = state.url_prefix
        if url_prefix is not None:
            options["url_prefix"] = url_prefix
        options["name_prefix"] = name
        return options

    def _copy_registries(self, app: Erlen, name: str) -> None:
        """Copy views, error handlers and hooks to ``app`` under ``name``."""

        def scoped(key: str | None) -> str:
            return name if key is None else f"{name}.{key}"

        for key, by_code in self.error_handler_spec.items():
            app.error_handler_spec[scoped(key)] = defaultdict(
                dict, {code: dict(handlers) for code, handlers in by_code.items()}
            )
        app.view_functions.update(self.view_functions)
        for attribute in _HOOK_REGISTRIES:
            target = getattr(app, attribute)
            for key, funcs in getattr(self, attribute).items():
                target.setdefault(scoped(key), []).extend(funcs)

    @setupmethod
    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: cabc.Callable[..., t.Any] | None = None,
        provide_automatic_options: bool | None = None,
        **options: t.Any,
    ) -> None:
        """Record a URL rule, added (prefixed and namespaced) at registration.

        :raises ValueError: ``endpoint`` or the view's name contains a dot.
        """
        if endpoint and "." in endpoint:
            raise ValueError("'endpoint' may not contain a dot '.' character.")
        if view_func and "." in getattr(view_func, "__name__", ""):
            raise ValueError("'view_func' name may not contain a dot '.' character.")

        def add(state: BlueprintSetupState) -> None:
            state.add_url_rule(
                rule,
                endpoint,
                view_func,
                provide_automatic_options=provide_automatic_options,
                **options,
            )

        self.record(add)

    # -- app-wide registrations ---------------------------------------------------

    def _on_app(self, register: cabc.Callable[[Erlen], object]) -> None:
        """Call ``register(app)`` once per app the blueprint is registered on."""

        def on_app(state: BlueprintSetupState) -> None:
            register(state.app)

        self.record_once(on_app)

    def _app_hook(self, attribute: str, f: _F) -> _F:
        """Add ``f`` to the app-wide (``None``) list of registry ``attribute``."""
        self._on_app(lambda app: getattr(app, attribute).setdefault(None, []).append(f))
        return f

    @setupmethod
    def app_template_filter(self, name: str | None = None) -> cabc.Callable[[_F], _F]:
        """Register the decorated function as a Jinja filter of the app."""

        def decorator(f: _F) -> _F:
            self.add_app_template_filter(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_filter(
        self, f: cabc.Callable[..., t.Any], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja filter of the app."""
        self._on_app(lambda app: app.add_template_filter(f, name=name))

    @setupmethod
    def app_template_test(self, name: str | None = None) -> cabc.Callable[[_F], _F]:
        """Register the decorated function as a Jinja test of the app."""

        def decorator(f: _F) -> _F:
            self.add_app_template_test(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_test(
        self, f: cabc.Callable[..., bool], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja test of the app."""
        self._on_app(lambda app: app.add_template_test(f, name=name))

    @setupmethod
    def app_template_global(self, name: str | None = None) -> cabc.Callable[[_F], _F]:
        """Register the decorated function as a Jinja global of the app."""

        def decorator(f: _F) -> _F:
            self.add_app_template_global(f, name=name)
            return f

        return decorator

    @setupmethod
    def add_app_template_global(
        self, f: cabc.Callable[..., t.Any], name: str | None = None
    ) -> None:
        """Register ``f`` as a Jinja global of the app."""
        self._on_app(lambda app: app.add_template_global(f, name=name))

    @setupmethod
    def before_app_request(self, f: _F) -> _F:
        """Like :meth:`before_request`, for every request of the app."""
        return self._app_hook("before_request_funcs", f)

    @setupmethod
    def after_app_request(self, f: _F) -> _F:
        """Like :meth:`after_request`, for every request of the app."""
        return self._app_hook("after_request_funcs", f)

    @setupmethod
    def teardown_app_request(self, f: _F) -> _F:
        """Like :meth:`teardown_request`, for every request of the app."""
        return self._app_hook("teardown_request_funcs", f)

    @setupmethod
    def app_context_processor(self, f: _F) -> _F:
        """Like :meth:`context_processor`, for every template of the app."""
        return self._app_hook("template_context_processors", f)

    @setupmethod
    def app_errorhandler(self, code: type[Exception] | int) -> cabc.Callable[[_F], _F]:
        """Like :meth:`errorhandler`, for errors anywhere in the app."""

        def decorator(f: _F) -> _F:
            self._on_app(lambda app: app.register_error_handler(code, f))
            return f

        return decorator

    @setupmethod
    def app_url_value_preprocessor(self, f: _F) -> _F:
        """Like :meth:`url_value_preprocessor`, for every request of the app."""
        return self._app_hook("url_value_preprocessors", f)

    @setupmethod
    def app_url_defaults(self, f: _F) -> _F:
        """Like :meth:`url_defaults`, for every URL the app builds."""
        return self._app_hook("url_default_functions", f)
