"""Click groups that know about the app: ScriptInfo, AppGroup and ErlenGroup."""

from __future__ import annotations

import collections.abc as cabc
import importlib.metadata
import importlib.util
import os
import platform
import re
import traceback
import typing as t
from functools import update_wrapper

import click
from click.core import ParameterSource

from ..ctx import has_app_context
from ..globals import _cv_app
from ..helpers import get_debug_flag
from ..helpers import get_load_dotenv
from ._discovery import NoAppException
from ._discovery import locate_app
from ._discovery import prepare_import
from ._dotenv import load_dotenv

if t.TYPE_CHECKING:
    from ..app import Erlen

_F = t.TypeVar("_F", bound=t.Callable[..., t.Any])

#: Files tried, in order, when no app is named.
DEFAULT_APP_FILES = ("wsgi.py", "app.py")

# A colon that is not part of a Windows drive ("C:\\") separates module and name.
_APP_SPLIT_RE = re.compile(r":(?![\\/])")


class ScriptInfo:
    """What the CLI knows about the application to load.

    Commands reach it with :data:`pass_script_info` (or as ``ctx.obj``).

    :param app_import_path: ``module``, ``module:name``, ``module:factory(args)``
        or a path to a file, as given to ``--app``.
    :param create_app: a function returning the app; wins over the import path.
    :param set_debug_flag: set ``app.debug`` from ``ERLEN_DEBUG`` after loading.
    :param load_dotenv_defaults: whether the default dotenv files are loaded.
    """

    def __init__(
        self,
        app_import_path: str | None = None,
        create_app: t.Callable[..., Erlen] | None = None,
        set_debug_flag: bool = True,
        load_dotenv_defaults: bool = True,
    ) -> None:
        self.app_import_path = app_import_path
        self.create_app = create_app
        #: Free space for commands to share data.
        self.data: dict[t.Any, t.Any] = {}
        self.set_debug_flag = set_debug_flag
        #: ``ERLEN_SKIP_DOTENV`` (or ``FLASK_SKIP_DOTENV``) turns this off.
        self.load_dotenv_defaults = get_load_dotenv(load_dotenv_defaults)
        self._loaded_app: Erlen | None = None

    def load_app(self) -> Erlen:
        """Load the app once (later calls return the same object) and return it.

        :raises NoAppException: if no application can be found.
        """
        if self._loaded_app is not None:
            return self._loaded_app
        app: Erlen | None = None
        if self.create_app is not None:
            app = self.create_app()
        elif self.app_import_path:
            parts = _APP_SPLIT_RE.split(self.app_import_path, maxsplit=1)
            name = parts[1] if len(parts) == 2 else None
            app = locate_app(prepare_import(parts[0]), name)
        else:
            for path in DEFAULT_APP_FILES:
                app = locate_app(prepare_import(path), None, raise_if_not_found=False)
                if app is not None:
                    break
        if app is None:
            raise NoAppException(
                "Could not locate an Erlen application. Use the 'erlen --app'"
                " option, 'ERLEN_APP' environment variable, or a 'wsgi.py' or"
                " 'app.py' file in the current directory."
            )
        if self.set_debug_flag:
            app.debug = get_debug_flag()
        self._loaded_app = app
        return app


#: Decorator passing the current :class:`ScriptInfo` as the first argument.
pass_script_info = click.make_pass_decorator(ScriptInfo, ensure=True)


def with_appcontext(f: _F) -> _F:
    """Run the decorated command inside the app's application context.

    The app is loaded through the :class:`ScriptInfo` unless an app context is
    already active. Commands of an :class:`AppGroup` get this by default.
    """

    @click.pass_context
    def decorator(ctx: click.Context, /, *args: t.Any, **kwargs: t.Any) -> t.Any:
        if not has_app_context():
            app = ctx.ensure_object(ScriptInfo).load_app()
            ctx.with_resource(app.app_context())
        return ctx.invoke(f, *args, **kwargs)

    return update_wrapper(decorator, f)  # type: ignore[return-value]


class AppGroup(click.Group):
    """A :class:`click.Group` whose commands run in the app context by default.

    Pass ``with_appcontext=False`` to :meth:`command` to opt out. Subgroups made
    with :meth:`group` are ``AppGroup`` too.
    """

    @t.overload
    def command(self, __func: cabc.Callable[..., t.Any]) -> click.Command: ...

    @t.overload
    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> cabc.Callable[[cabc.Callable[..., t.Any]], click.Command]: ...

    def command(
        self, *args: t.Any, **kwargs: t.Any
    ) -> click.Command | cabc.Callable[[cabc.Callable[..., t.Any]], click.Command]:
        """Like :meth:`click.Group.command`; the callback runs in the app context.

        .. note:: Also usable bare (``@cli.command``), as in click.
        """
        wrap = kwargs.pop("with_appcontext", True)
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return self.command()(args[0])

        def decorator(f: cabc.Callable[..., t.Any]) -> click.Command:
            if wrap:
                f = with_appcontext(f)
            command: click.Command = super(AppGroup, self).command(*args, **kwargs)(f)
            return command

        return decorator

    def group(  # type: ignore[override]
        self, *args: t.Any, **kwargs: t.Any
    ) -> cabc.Callable[[cabc.Callable[..., t.Any]], click.Group]:
        """Like :meth:`click.Group.group`, making an :class:`AppGroup` by default."""
        kwargs.setdefault("cls", AppGroup)
        decorator: cabc.Callable[[cabc.Callable[..., t.Any]], click.Group]
        decorator = super().group(*args, **kwargs)
        return decorator


def get_version(ctx: click.Context, param: click.Parameter, value: t.Any) -> None:
    """Print the Python and erlen versions and exit (the ``--version`` callback)."""
    if not value or ctx.resilient_parsing:
        return
    from .. import __version__

    click.echo(
        f"Python {platform.python_version()}\nErlen {__version__}",
        color=ctx.color,
    )
    ctx.exit()


version_option = click.Option(
    ["--version"],
    help="Show the erlen version.",
    expose_value=False,
    callback=get_version,
    is_flag=True,
    is_eager=True,
)


def _set_app(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    if value is None:
        return None
    ctx.ensure_object(ScriptInfo).app_import_path = value
    return value


_app_option = click.Option(
    ["-A", "--app"],
    metavar="IMPORT",
    envvar=["ERLEN_APP", "FLASK_APP"],
    help=(
        "The Erlen application or factory function to load, in the form"
        " 'module:name'. Module can be a dotted import or file path. Name is not"
        " required if it is 'app', 'application', 'create_app', or 'make_app',"
        " and can be 'name(args)' to pass arguments."
    ),
    is_eager=True,
    expose_value=False,
    callback=_set_app,
)


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> bool | None:
    # COMPAT: only an explicit flag (or ERLEN_DEBUG) is written back, so that
    # the app loaded later sees it through get_debug_flag().
    source = ctx.get_parameter_source(param.name or "debug")
    if source in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP):
        return None
    os.environ["ERLEN_DEBUG"] = "1" if value else "0"
    return value


_debug_option = click.Option(
    ["--debug/--no-debug"],
    envvar=["ERLEN_DEBUG", "FLASK_DEBUG"],
    help="Set debug mode.",
    expose_value=False,
    callback=_set_debug,
)


def _env_file_callback(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    if importlib.util.find_spec("dotenv") is None:
        # Without a file named, still call load_dotenv below: it prints a tip
        # when default files exist.
        if value is not None:
            raise click.BadParameter(
                "python-dotenv must be installed to load an env file.",
                ctx=ctx,
                param=param,
            ) from None
    info = ctx.ensure_object(ScriptInfo)
    if value is not None or info.load_dotenv_defaults:
        load_dotenv(value, load_defaults=info.load_dotenv_defaults)
    return value


_env_file_option = click.Option(
    ["-e", "--env-file"],
    type=click.Path(exists=True, dir_okay=False),
    envvar=["ERLEN_ENV_FILE", "FLASK_ENV_FILE"],
    help=(
        "Load environment variables from this file, taking precedence over"
        " those set by '.env', '.erlenenv' and '.flaskenv'. Variables set"
        " directly in the environment take highest precedence. python-dotenv"
        " must be installed."
    ),
    is_eager=True,
    expose_value=False,
    callback=_env_file_callback,
)


def _report_load_error(message: str) -> None:
    click.secho(f"Error: {message}\n", err=True, fg="red")


class ErlenGroup(AppGroup):
    """The ``erlen`` command: an :class:`AppGroup` that loads the app's commands.

    It adds ``--env-file``, ``--app``, ``--debug`` and ``--version``, the
    ``run``, ``shell`` and ``routes`` commands, commands from the
    ``erlen.commands`` entry point group, and then the app's own ``app.cli``.

    :param add_default_commands: add ``run``, ``shell`` and ``routes``.
    :param create_app: a function returning the app, instead of discovery.
    :param add_version_option: add ``--version``.
    :param load_dotenv: load the default dotenv files.
    :param set_debug_flag: set ``app.debug`` from ``ERLEN_DEBUG``.

    .. note:: Plugins register under ``erlen.commands``. Flask's
       ``flask.commands`` group is *not* read: those commands import Flask.
    """

    def __init__(
        self,
        add_default_commands: bool = True,
        create_app: t.Callable[..., Erlen] | None = None,
        add_version_option: bool = True,
        load_dotenv: bool = True,
        set_debug_flag: bool = True,
        **extra: t.Any,
    ) -> None:
        params = list(extra.pop("params", None) or ())
        params.extend((_env_file_option, _app_option, _debug_option))
        if add_version_option:
            params.append(version_option)
        extra.setdefault("context_settings", {})
        extra["context_settings"].setdefault("auto_envvar_prefix", "ERLEN")
        super().__init__(params=params, **extra)
        self.create_app = create_app
        self.load_dotenv = load_dotenv
        self.set_debug_flag = set_debug_flag
        if add_default_commands:
            from ._commands import routes_command
            from ._commands import run_command
            from ._commands import shell_command

            self.add_command(run_command)
            self.add_command(shell_command)
            self.add_command(routes_command)
        self._loaded_plugin_commands = False

    def _load_plugin_commands(self) -> None:
        if self._loaded_plugin_commands:
            return
        for entry_point in importlib.metadata.entry_points(group="erlen.commands"):
            self.add_command(entry_point.load(), entry_point.name)
        self._loaded_plugin_commands = True

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Find a built-in or plugin command, else one of the app's commands."""
        self._load_plugin_commands()
        rv = super().get_command(ctx, cmd_name)
        if rv is not None:
            return rv
        info = ctx.ensure_object(ScriptInfo)
        try:
            app = info.load_app()
        except NoAppException as exc:
            _report_load_error(exc.format_message())
            return None
        # The app context stays pushed while the command runs, so app commands
        # (and their completion) can use current_app.
        active = _cv_app.get(None)
        if active is None or active.app is not app:
            ctx.with_resource(app.app_context())
        return app.cli.get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Names of the built-in, plugin and app commands, sorted."""
        self._load_plugin_commands()
        names = set(super().list_commands(ctx))
        info = ctx.ensure_object(ScriptInfo)
        try:
            names.update(info.load_app().cli.list_commands(ctx))
        except NoAppException as exc:
            _report_load_error(exc.format_message())
        except Exception:
            # Listing is best effort: show why the app failed, keep the help.
            click.secho(f"{traceback.format_exc()}\n", err=True, fg="red")
        return sorted(names)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: t.Any,
    ) -> click.Context:
        """Make the context with a :class:`ScriptInfo` as ``obj`` unless one is given.

        Also sets ``ERLEN_RUN_FROM_CLI``, which makes a stray ``app.run()`` in
        the imported app return at once.
        """
        os.environ["ERLEN_RUN_FROM_CLI"] = "true"
        if "obj" not in extra and "obj" not in self.context_settings:
            extra["obj"] = ScriptInfo(
                create_app=self.create_app,
                set_debug_flag=self.set_debug_flag,
                load_dotenv_defaults=self.load_dotenv,
            )
        return super().make_context(info_name, args, parent=parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse, loading dotenv files and ``--app`` first when only help is asked."""
        if (not args and self.no_args_is_help) or (
            len(args) == 1 and args[0] in self.get_help_option_names(ctx)
        ):
            # COMPAT: help lists the app's commands, so the env file and the
            # app option must be processed before click prints it and exits.
            _env_file_option.handle_parse_result(ctx, {}, [])
            _app_option.handle_parse_result(ctx, {}, [])
        return super().parse_args(ctx, args)
