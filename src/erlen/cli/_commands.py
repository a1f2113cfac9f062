"""The built-in commands: ``run``, ``shell`` and ``routes``."""

from __future__ import annotations

import importlib
import importlib.util
import os
import runpy
import sys
import traceback
import typing as t
from operator import itemgetter

import click

from ..globals import current_app
from ..helpers import get_debug_flag
from ..helpers import get_load_dotenv
from . import _dotenv
from ._group import ScriptInfo
from ._group import _debug_option
from ._group import pass_script_info
from ._group import with_appcontext

if t.TYPE_CHECKING:
    import ssl

    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

    from ..app import Erlen


def _run_envvar(name: str) -> list[str]:
    # COMPAT: Flask reads FLASK_RUN_* through click's auto_envvar_prefix; both
    # prefixes work here, ERLEN_ first.
    return [f"ERLEN_RUN_{name.upper()}", f"FLASK_RUN_{name.upper()}"]


def show_server_banner(debug: bool | None, app_import_path: str | None) -> None:
    """Print which app is served and the debug mode (not in the reloader's child)."""
    from ..serving import is_running_from_reloader

    if is_running_from_reloader():
        return
    if app_import_path is not None:
        click.echo(f" * Serving Erlen app '{app_import_path}'")
    if debug is not None:
        click.echo(f" * Debug mode: {'on' if debug else 'off'}")


# click >= 8.3 makes ParamType generic; older versions are not subscriptable.
class CertParamType(click.ParamType):  # type: ignore[type-arg]
    """``--cert``: a certificate file, ``adhoc``, or an importable SSLContext."""

    name = "path"

    def __init__(self) -> None:
        self.path_type = click.Path(exists=True, dir_okay=False, resolve_path=True)

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """A resolved path, ``"adhoc"``, or an :class:`ssl.SSLContext` object."""
        import ssl

        try:
            return self.path_type(value, param, ctx)
        except click.BadParameter:
            value = click.STRING(value, param, ctx).lower()
            if value == "adhoc":
                if importlib.util.find_spec("cryptography") is None:
                    raise click.BadParameter(
                        "Using ad-hoc certificates requires the cryptography"
                        " library (pip install cryptography).",
                        ctx,
                        param,
                    ) from None
                return value
            obj = _import_object(value)
            if isinstance(obj, ssl.SSLContext):
                return obj
            raise


def _import_object(dotted: str) -> object | None:
    """``package.module:name`` or ``package.module.name``, or ``None``."""
    module_name, _, attr = dotted.replace(":", ".").rpartition(".")
    if not module_name:
        return None
    try:
        return getattr(importlib.import_module(module_name), attr, None)
    except ImportError:
        return None


def _validate_key(ctx: click.Context, param: click.Parameter, value: t.Any) -> t.Any:
    """Check ``--key`` against ``--cert`` and merge them into a pair."""
    import ssl

    cert = ctx.params.get("cert")
    is_adhoc = cert == "adhoc"
    is_context = isinstance(cert, ssl.SSLContext)
    if value is not None:
        if is_adhoc:
            raise click.BadParameter(
                'When "--cert" is "adhoc", "--key" is not used.', ctx, param
            )
        if is_context:
            raise click.BadParameter(
                'When "--cert" is an SSLContext object, "--key" is not used.',
                ctx,
                param,
            )
        if not cert:
            raise click.BadParameter('"--cert" must also be specified.', ctx, param)
        ctx.params["cert"] = cert, value
    elif cert and not (is_adhoc or is_context):
        raise click.BadParameter('Required when using "--cert".', ctx, param)
    return value


class SeparatedPathType(click.Path):
    """A list of paths separated by :data:`os.pathsep` (``:``, or ``;`` on Windows)."""

    def convert(
        self, value: t.Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> t.Any:
        """Each item converted as a :class:`click.Path`."""
        items = self.split_envvar_value(value)
        return [super(SeparatedPathType, self).convert(i, param, ctx) for i in items]


def _failing_app(error: BaseException) -> WSGIApplication:
    """An app that re-raises the load error, so the reloader can wait for a fix."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> t.Any:
        raise error from None

    return app


@click.command("run", short_help="Run a development server.")
@click.option(
    "--host",
    "-h",
    default="127.0.0.1",
    envvar=_run_envvar("host"),
    help="The interface to bind to.",
)
@click.option(
    "--port",
    "-p",
    default=5000,
    envvar=_run_envvar("port"),
    help="The port to bind to.",
)
@click.option(
    "--cert",
    type=CertParamType(),
    envvar=_run_envvar("cert"),
    help="Specify a certificate file to use HTTPS.",
    is_eager=True,
)
@click.option(
    "--key",
    type=click.Path(exists=True, dir_okay=False, resolve_path=True),
    envvar=_run_envvar("key"),
    callback=_validate_key,
    expose_value=False,
    help="The key file to use when specifying a certificate.",
)
@click.option(
    "--reload/--no-reload",
    default=None,
    envvar=_run_envvar("reload"),
    help="Enable or disable the reloader. By default the reloader is active if"
    " debug is enabled.",
)
@click.option(
    "--debugger/--no-debugger",
    default=None,
    envvar=_run_envvar("debugger"),
    help="Enable or disable the debugger. By default the debugger is active if"
    " debug is enabled.",
)
@click.option(
    "--with-threads/--without-threads",
    default=True,
    envvar=_run_envvar("with_threads"),
    help="Enable or disable multithreading.",
)
@click.option(
    "--extra-files",
    default=None,
    type=SeparatedPathType(),
    envvar=_run_envvar("extra_files"),
    help="Extra files that trigger a reload on change. Multiple paths are"
    f" separated by {os.path.pathsep!r}.",
)
@click.option(
    "--exclude-patterns",
    default=None,
    type=SeparatedPathType(),
    envvar=_run_envvar("exclude_patterns"),
    help="Files matching these fnmatch patterns will not trigger a reload on"
    f" change. Multiple patterns are separated by {os.path.pathsep!r}.",
)
@pass_script_info
def run_command(
    info: ScriptInfo,
    host: str,
    port: int,
    reload: bool | None,
    debugger: bool | None,
    with_threads: bool,
    cert: ssl.SSLContext | tuple[str, str | None] | t.Literal["adhoc"] | None,
    extra_files: list[str] | None,
    exclude_patterns: list[str] | None,
) -> None:
    """Run a local development server.

    This server is for development purposes only. It does not provide the
    stability, security, or performance of production WSGI servers.

    The reloader and debugger are enabled by default with the '--debug' option.
    """
    from ..serving import is_running_from_reloader
    from ..serving import run_simple

    app: WSGIApplication
    try:
        app = info.load_app()
    except Exception as exc:
        if not is_running_from_reloader():
            raise exc from None
        # In the reloader's child, keep serving (the error) until a fix lands.
        traceback.print_exc()
        app = _failing_app(exc)
    debug = get_debug_flag()
    show_server_banner(debug, info.app_import_path)
    run_simple(
        host,
        port,
        app,
        use_reloader=debug if reload is None else reload,
        use_debugger=debug if debugger is None else debugger,
        threaded=with_threads,
        ssl_context=cert,
        extra_files=extra_files,
        exclude_patterns=exclude_patterns,
    )


run_command.params.insert(0, _debug_option)


def _interact(banner: str, namespace: dict[str, t.Any]) -> None:
    """Start IPython, else bpython, else the standard interactive console."""
    if importlib.util.find_spec("IPython") is not None:
        ipython = importlib.import_module("IPython")
        ipython.start_ipython(argv=[], user_ns=namespace)
        return
    if importlib.util.find_spec("bpython") is not None:
        bpython = importlib.import_module("bpython")
        bpython.embed(locals_=namespace, banner=banner)
        return
    import code

    hook = getattr(sys, "__interactivehook__", None)
    if hook is not None:
        try:
            import readline
            from rlcompleter import Completer
        except ImportError:
            pass
        else:
            # COMPAT: tab completion over the shell's names, as Flask sets up.
            readline.set_completer(Completer(namespace).complete)
        hook()
    code.interact(banner=banner, local=namespace)


@click.command("shell", short_help="Run a shell in the app context.")
@with_appcontext
def shell_command() -> None:
    """Run an interactive Python shell in the context of the application.

    The names from ``app.make_shell_context()`` (``app``, ``g`` and those of
    every shell context processor) are preloaded. IPython or bpython is used
    when installed.
    """
    app = current_app
    banner = (
        f"Python {sys.version} on {sys.platform}\n"
        f"App: {app.import_name}\n"
        f"Instance: {app.instance_path}"
    )
    namespace: dict[str, t.Any] = {}
    startup = os.environ.get("PYTHONSTARTUP")
    if startup and os.path.isfile(startup):
        # COMPAT: like the interactive interpreter, run the user's own startup
        # file (from their environment, never from a request).
        namespace.update(runpy.run_path(startup, run_name="__main__"))
    namespace.update(app.make_shell_context())
    _interact(banner, namespace)


_SORTS = ("endpoint", "methods", "domain", "rule", "match")


@click.command("routes", short_help="Show the routes for the app.")
@click.option(
    "--sort",
    "-s",
    type=click.Choice(_SORTS),
    default="endpoint",
    help="Method to sort routes by. 'match' is the order that Erlen will match"
    " routes when dispatching a request.",
)
@click.option("--all-methods", is_flag=True, help="Show HEAD and OPTIONS methods.")
@with_appcontext
def routes_command(sort: str, all_methods: bool) -> None:
    """Show all registered routes with endpoints and methods."""
    url_map = current_app.url_map
    rules = list(url_map.iter_rules())
    if not rules:
        click.echo("No routes were registered.")
        return
    ignored = set() if all_methods else {"HEAD", "OPTIONS"}
    host_matching = url_map.host_matching

    def domain(rule: t.Any) -> str:
        return str((rule.host if host_matching else rule.subdomain) or "")

    has_domain = any(domain(rule) for rule in rules)
    headers = ["Endpoint", "Methods"]
    sorts = ["endpoint", "methods"]
    if has_domain:
        headers.append("Host" if host_matching else "Subdomain")
        sorts.append("domain")
    headers.append("Rule")
    sorts.append("rule")
    rows = []
    for rule in rules:
        row = [rule.endpoint, ", ".join(sorted((rule.methods or set()) - ignored))]
        if has_domain:
            row.append(domain(rule))
        row.append(rule.rule)
        rows.append(row)
    if sort in sorts:
        # "match" (or "domain" without domains) keeps the map's order.
        rows.sort(key=itemgetter(sorts.index(sort)))
    rows.insert(0, headers)
    widths = [max(len(row[i]) for row in rows) for i in range(len(headers))]
    rows.insert(1, ["-" * width for width in widths])
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
        click.echo("  ".join(cells))


def run_app(
    app: Erlen,
    host: str | None = None,
    port: int | None = None,
    debug: bool | None = None,
    load_dotenv: bool = True,
    **options: t.Any,
) -> None:
    """The body of :meth:`erlen.Erlen.run`: serve ``app`` with :func:`run_simple`.

    Host and port default to ``SERVER_NAME``'s parts, else ``127.0.0.1:5000``;
    the reloader and debugger follow ``app.debug``; threads are on. Under the
    ``erlen`` command (``ERLEN_RUN_FROM_CLI``) it returns at once instead.
    """
    from ..serving import is_running_from_reloader
    from ..serving import run_simple

    if os.environ.get("ERLEN_RUN_FROM_CLI") == "true":
        if not is_running_from_reloader():
            click.secho(
                " * Ignoring a call to 'app.run()' that would block the current"
                " 'erlen' CLI command.\n   Only call 'app.run()' in an"
                " 'if __name__ == \"__main__\"' guard.",
                fg="red",
            )
        return
    if get_load_dotenv(load_dotenv):
        _dotenv.load_dotenv()
        if "ERLEN_DEBUG" in os.environ or "FLASK_DEBUG" in os.environ:
            app.debug = get_debug_flag()
    if debug is not None:
        app.debug = bool(debug)
    server_name = app.config.get("SERVER_NAME")
    sn_host, _, sn_port = (server_name or "").partition(":")
    host = host or sn_host or "127.0.0.1"
    if port or port == 0:
        port = int(port)
    else:
        port = int(sn_port) if sn_port else 5000
    options.setdefault("use_reloader", app.debug)
    options.setdefault("use_debugger", app.debug)
    options.setdefault("threaded", True)
    show_server_banner(app.debug, app.name)
    try:
        run_simple(host, port, app, **options)
    finally:
        # COMPAT: the app may be set up again after the server stops.
        app._got_first_request = False
