"""The development server behind ``erlen run`` and ``app.run()``.

Built on the standard library (:mod:`wsgiref`, :mod:`socketserver`), with a
stat-based reloader that restarts the process when a source file changes.

.. warning:: This server is for development only. Run production apps under a
   WSGI server such as gunicorn, waitress or uWSGI.
"""

from __future__ import annotations

import collections.abc as cabc
import fnmatch
import logging
import os
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import typing as t
from wsgiref.handlers import BaseHandler
from wsgiref.simple_server import ServerHandler
from wsgiref.simple_server import WSGIRequestHandler as _StdlibRequestHandler
from wsgiref.simple_server import WSGIServer

if t.TYPE_CHECKING:
    import ssl

    from _typeshed.wsgi import WSGIApplication

__all__ = [
    "BaseWSGIServer",
    "ThreadedWSGIServer",
    "WSGIRequestHandler",
    "generate_adhoc_ssl_context",
    "get_interface_ip",
    "is_running_from_reloader",
    "load_ssl_context",
    "make_server",
    "run_simple",
    "run_with_reloader",
    "select_address_family",
]

#: Set to ``"true"`` in the environment of the child process the reloader runs.
RUN_MAIN_ENV = "ERLEN_RUN_MAIN"
#: The inherited listening socket's file descriptor, for the reloader's child.
SERVER_FD_ENV = "ERLEN_SERVER_FD"
#: The exit status a reloader child uses to ask for a restart.
RELOAD_EXIT_CODE = 3
#: Longest request line accepted (as the standard library's server).
MAX_REQUEST_LINE = 65536

DEV_SERVER_WARNING = (
    "WARNING: This is a development server. Do not use it in a production"
    " deployment. Use a production WSGI server instead."
)

_logger = logging.getLogger("erlen.serving")

SSLContextArg = t.Union["ssl.SSLContext", tuple[str, "str | None"], t.Literal["adhoc"]]


def _log(level: int, message: str) -> None:
    """Log to ``erlen.serving``; print to stderr when nothing is configured."""
    if _logger.level == logging.NOTSET:
        _logger.setLevel(logging.INFO)
    if not _logger.hasHandlers():
        _logger.addHandler(logging.StreamHandler())
    _logger.log(level, message)


def is_running_from_reloader() -> bool:
    """Whether this process is the reloader's child (the one that serves)."""
    return os.environ.get(RUN_MAIN_ENV) == "true"


def select_address_family(host: str, port: int) -> socket.AddressFamily:
    """``AF_INET6`` for an IPv6 literal host, else ``AF_INET``."""
    if ":" in host and socket.has_ipv6:
        return socket.AF_INET6
    return socket.AF_INET


def get_interface_ip(family: socket.AddressFamily) -> str:
    """The address of the interface used for outgoing traffic (nothing is sent)."""
    # A UDP connect only picks a route; these are reserved documentation hosts.
    host = "2001:db8::1" if family == socket.AF_INET6 else "192.0.2.1"
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect((host, 9))
        except OSError:
            return "::1" if family == socket.AF_INET6 else "127.0.0.1"
        return str(probe.getsockname()[0])


def load_ssl_context(cert_file: str, pkey_file: str | None = None) -> ssl.SSLContext:
    """A server :class:`ssl.SSLContext` from a certificate and private key file."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, pkey_file)
    return context


def generate_adhoc_ssl_context() -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for ``localhost``.

    :raises TypeError: if the ``cryptography`` package is not installed.
    """
    import datetime
    import importlib
    import tempfile

    try:
        x509 = importlib.import_module("cryptography.x509")
        hashes = importlib.import_module("cryptography.hazmat.primitives.hashes")
        encoding = importlib.import_module(
            "cryptography.hazmat.primitives.serialization"
        )
        rsa = importlib.import_module("cryptography.hazmat.primitives.asymmetric.rsa")
    except ImportError:
        raise TypeError(
            "Using ad-hoc certificates requires the cryptography library."
        ) from None
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    pem = cert.public_bytes(encoding.Encoding.PEM) + key.private_bytes(
        encoding.Encoding.PEM,
        encoding.PrivateFormat.TraditionalOpenSSL,
        encoding.NoEncryption(),
    )
    handle, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(pem)
        return load_ssl_context(path)
    finally:
        os.remove(path)


def _make_ssl_context(ssl_context: SSLContextArg | None) -> ssl.SSLContext | None:
    if ssl_context is None or not isinstance(ssl_context, (str, tuple)):
        return ssl_context
    if isinstance(ssl_context, tuple):
        return load_ssl_context(*ssl_context)
    if ssl_context == "adhoc":
        return generate_adhoc_ssl_context()
    raise ValueError(f"Unknown ssl_context {ssl_context!r}; use 'adhoc'.")


class _ErlenServerHandler(ServerHandler):
    """wsgiref's handler, with the server's error policy."""

    request_handler: WSGIRequestHandler

    def handle_error(self) -> None:
        if self.request_handler.server.passthrough_errors:
            raise
        super().handle_error()

    def close(self) -> None:
        if getattr(self, "status", None) is None:
            # Nothing was sent (a passed-through error): no access log line.
            BaseHandler.close(self)
        else:
            super().close()


class WSGIRequestHandler(_StdlibRequestHandler):
    """Turn one HTTP request into a WSGI call and log it to ``erlen.serving``."""

    server: BaseWSGIServer

    def handle(self) -> None:
        """Read the request line and headers, then run the app once."""
        self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            # SECURITY: an endless request line is refused, not buffered.
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            return
        if not self.parse_request():
            return
        handler = _ErlenServerHandler(
            self.rfile,
            t.cast("t.IO[bytes]", self.wfile),
            self.get_stderr(),
            self.get_environ(),
            multithread=self.server.multithread,
            multiprocess=self.server.multiprocess,
        )
        handler.request_handler = self
        handler.run(self.server.get_app())  # type: ignore[arg-type]

    def get_environ(self) -> dict[str, t.Any]:
        """The WSGI environ: wsgiref's, plus ``REQUEST_URI`` and ``REMOTE_PORT``."""
        environ = super().get_environ()
        # SECURITY: "X_Forwarded_For" and "X-Forwarded-For" would both become
        # HTTP_X_FORWARDED_FOR; drop names with "_" so one cannot spoof the other.
        for key in [k for k in environ if k.startswith("HTTP_")]:
            del environ[key]
        for name, value in self.headers.items():
            if "_" in name:
                continue
            key = "HTTP_" + name.upper().replace("-", "_")
            if key in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                continue
            value = value.strip()
            environ[key] = f"{environ[key]},{value}" if key in environ else value
        environ["REQUEST_URI"] = environ["RAW_URI"] = self.path
        environ["REMOTE_PORT"] = str(self.client_address[1])
        if self.server.ssl_context is not None:
            environ["HTTPS"] = "on"
        return environ

    def log_message(self, format: str, *args: t.Any) -> None:
        """Log one line per request: ``addr - - [date] "GET / HTTP/1.1" 200 -``."""
        _log(
            logging.INFO,
            f"{self.address_string()} - - [{self.log_date_time_string()}]"
            f" {format % args}",
        )

    def address_string(self) -> str:
        """The client's address (never a reverse DNS lookup)."""
        return str(self.client_address[0])


class BaseWSGIServer(WSGIServer):
    """A single-threaded development server for one WSGI application.

    :param host: the interface to bind to.
    :param port: the port; ``0`` picks a free one (see :attr:`port`).
    :param app: the WSGI application.
    :param handler: the request handler class.
    :param passthrough_errors: let errors from the app stop the server.
    :param ssl_context: serve HTTPS with this context.
    :param fd: serve on this already bound, listening socket instead of binding.
    """

    multithread = False
    multiprocess = False
    request_queue_size = 128

    def __init__(
        self,
        host: str,
        port: int,
        app: WSGIApplication,
        handler: type[WSGIRequestHandler] | None = None,
        passthrough_errors: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        fd: int | None = None,
    ) -> None:
        self.address_family = select_address_family(host, port)
        self.host = host
        self.passthrough_errors = passthrough_errors
        self.ssl_context = ssl_context
        super().__init__((host, port), handler or WSGIRequestHandler, fd is None)
        if fd is not None:
            self.socket.close()
            self.socket = socket.fromfd(fd, self.address_family, socket.SOCK_STREAM)
            self.server_address = self.socket.getsockname()
            self._set_names()
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True)
        self.set_app(app)

    def server_bind(self) -> None:
        """Bind without a reverse DNS lookup of the host (unlike ``HTTPServer``)."""
        socketserver.TCPServer.server_bind(self)
        self._set_names()

    def _set_names(self) -> None:
        self.port = int(self.server_address[1])
        self.server_name = self.host
        self.server_port = self.port
        self.setup_environ()

    def handle_error(self, request: t.Any, client_address: t.Any) -> None:
        """Print the error, or re-raise it with ``passthrough_errors``."""
        if self.passthrough_errors:
            self.shutdown_request(request)
            raise
        super().handle_error(request, client_address)

    def log_startup(self) -> None:
        """Log the development-server warning and the URLs served."""
        scheme = "http" if self.ssl_context is None else "https"
        messages = [DEV_SERVER_WARNING]
        display_host = self.host
        if self.host in ("0.0.0.0", "::"):
            messages.append(f" * Running on all addresses ({self.host})")
            local = "127.0.0.1" if self.host == "0.0.0.0" else "[::1]"
            messages.append(f" * Running on {scheme}://{local}:{self.port}")
            display_host = get_interface_ip(socket.AddressFamily(self.address_family))
        if ":" in display_host:
            display_host = f"[{display_host}]"
        messages.append(f" * Running on {scheme}://{display_host}:{self.port}")
        _log(logging.INFO, "\n".join(messages))


class ThreadedWSGIServer(socketserver.ThreadingMixIn, BaseWSGIServer):
    """A development server that handles each request in a new thread."""

    multithread = True
    daemon_threads = True


if hasattr(os, "fork"):

    class ForkingWSGIServer(socketserver.ForkingMixIn, BaseWSGIServer):
        """A development server that forks up to ``processes`` children."""

        multiprocess = True

        def __init__(self, *args: t.Any, processes: int = 40, **kwargs: t.Any) -> None:
            super().__init__(*args, **kwargs)
            self.max_children = processes

    __all__.append("ForkingWSGIServer")


def make_server(
    host: str,
    port: int,
    app: WSGIApplication,
    threaded: bool = False,
    processes: int = 1,
    request_handler: type[WSGIRequestHandler] | None = None,
    passthrough_errors: bool = False,
    ssl_context: SSLContextArg | None = None,
    fd: int | None = None,
) -> BaseWSGIServer:
    """Make a (threaded or forking) development server; see :func:`run_simple`.

    :raises ValueError: for both ``threaded`` and ``processes > 1``.
    """
    if threaded and processes > 1:
        raise ValueError("Cannot have a multi-thread and multi-process server.")
    context = _make_ssl_context(ssl_context)
    if threaded:
        return ThreadedWSGIServer(
            host, port, app, request_handler, passthrough_errors, context, fd=fd
        )
    if processes > 1:
        return ForkingWSGIServer(
            host,
            port,
            app,
            request_handler,
            passthrough_errors,
            context,
            fd=fd,
            processes=processes,
        )
    return BaseWSGIServer(
        host, port, app, request_handler, passthrough_errors, context, fd=fd
    )


def run_simple(
    hostname: str,
    port: int,
    application: WSGIApplication,
    use_reloader: bool = False,
    use_debugger: bool = False,
    use_evalex: bool = True,
    extra_files: cabc.Iterable[str] | None = None,
    exclude_patterns: cabc.Iterable[str] | None = None,
    reloader_interval: float = 1,
    reloader_type: str = "stat",
    threaded: bool = False,
    processes: int = 1,
    request_handler: type[WSGIRequestHandler] | None = None,
    static_files: dict[str, str | tuple[str, str]] | None = None,
    passthrough_errors: bool = False,
    ssl_context: SSLContextArg | None = None,
) -> None:
    """Serve ``application`` for development until interrupted.

    :param hostname: the interface to bind to (``"127.0.0.1"``: this machine only).
    :param port: the port; ``0`` picks a free one, which is logged.
    :param use_reloader: restart the process when a loaded module or one of
        ``extra_files`` changes. The socket stays bound across restarts.
    :param use_debugger: show an HTML traceback page for unhandled errors
        (:class:`erlen.debughelpers.DebuggedApplication`).
    :param use_evalex: accepted for compatibility and ignored.
    :param extra_files: more files whose change triggers a reload.
    :param exclude_patterns: :mod:`fnmatch` patterns of files not to watch.
    :param reloader_interval: seconds between file checks.
    :param reloader_type: ``"stat"`` (``"auto"`` means the same).
    :param threaded: one thread per request.
    :param processes: fork up to this many processes (not with ``threaded``).
    :param request_handler: a :class:`WSGIRequestHandler` subclass.
    :param static_files: URL prefix to folder map for
        :class:`~erlen.middleware.shared_data.SharedDataMiddleware`.
    :param passthrough_errors: let app errors stop the server.
    :param ssl_context: an :class:`ssl.SSLContext`, a ``(cert_file, key_file)``
        pair or ``"adhoc"`` (a self-signed certificate, needs cryptography).
    :raises TypeError: if ``port`` is not an ``int``.

    .. note:: There is no interactive debugger console: ``use_evalex`` never
       turns on code execution from the browser.
    """
    if not isinstance(port, int):
        raise TypeError("port must be an integer")
    if reloader_type not in ("stat", "auto"):
        raise ValueError(f"Unsupported reloader type {reloader_type!r}; use 'stat'.")
    if static_files:
        from .middleware.shared_data import SharedDataMiddleware

        application = SharedDataMiddleware(application, static_files)
    if use_debugger:
        from .debughelpers import DebuggedApplication

        application = DebuggedApplication(application, evalex=use_evalex)
    fd = None
    if is_running_from_reloader() and SERVER_FD_ENV in os.environ:
        fd = int(os.environ[SERVER_FD_ENV])
    server = make_server(
        hostname,
        port,
        application,
        threaded,
        processes,
        request_handler,
        passthrough_errors,
        ssl_context,
        fd=fd,
    )
    if not is_running_from_reloader():
        server.log_startup()
        _log(logging.INFO, "Press CTRL+C to quit")
    if use_debugger and (is_running_from_reloader() or not use_reloader):
        if hostname not in ("127.0.0.1", "localhost", "::1"):
            # SECURITY: tracebacks show source and values to anyone who connects.
            _log(logging.WARNING, " * The debugger is reachable from other hosts.")
        _log(logging.INFO, " * Debugger is active!")
    if not use_reloader:
        try:
            server.serve_forever()
        finally:
            server.server_close()
        return
    server.socket.set_inheritable(True)
    os.environ[SERVER_FD_ENV] = str(server.fileno())
    try:
        run_with_reloader(
            server.serve_forever,
            extra_files=extra_files,
            exclude_patterns=exclude_patterns,
            interval=reloader_interval,
        )
    finally:
        server.server_close()


# -- the reloader -------------------------------------------------------------


def _iter_module_files() -> cabc.Iterator[str]:
    for module in list(sys.modules.values()):
        filename = getattr(module, "__file__", None)
        if not isinstance(filename, str):
            continue
        if filename.endswith((".pyc", ".pyo")):
            filename = filename[:-1]
        yield filename


class StatReloaderLoop:
    """Poll the modified time of every loaded module and extra file.

    :param extra_files: more files to watch.
    :param exclude_patterns: :mod:`fnmatch` patterns of paths never watched.
    :param interval: seconds between polls.
    """

    name = "stat"

    def __init__(
        self,
        extra_files: cabc.Iterable[str] | None = None,
        exclude_patterns: cabc.Iterable[str] | None = None,
        interval: float = 1,
    ) -> None:
        self.extra_files = {os.path.abspath(path) for path in extra_files or ()}
        self.exclude_patterns = set(exclude_patterns or ())
        self.interval = interval
        self.mtimes: dict[str, float] = {}

    def iter_watched_files(self) -> cabc.Iterator[str]:
        """The module files and extra files not excluded by a pattern."""
        for path in [*_iter_module_files(), *self.extra_files]:
            if not any(fnmatch.fnmatch(path, p) for p in self.exclude_patterns):
                yield path

    def check(self) -> str | None:
        """Record modified times; return a file that changed since the last check."""
        for path in self.iter_watched_files():
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                continue
            old = self.mtimes.setdefault(path, mtime)
            if mtime > old:
                return path
        return None

    def run(self) -> None:
        """Poll until a file changes, then exit with the restart status."""
        while True:
            time.sleep(self.interval)
            changed = self.check()
            if changed is not None:
                _log(logging.INFO, f" * Detected change in {changed!r}, reloading")
                sys.exit(RELOAD_EXIT_CODE)

    def restart_with_reloader(self) -> int:
        """Run this program as a child until it exits with other than 3; return that."""
        while True:
            _log(logging.INFO, f" * Restarting with {self.name}")
            env = {**os.environ, RUN_MAIN_ENV: "true"}
            exit_code = subprocess.call(
                get_args_for_reloading(), env=env, close_fds=False
            )
            if exit_code != RELOAD_EXIT_CODE:
                return exit_code


def get_args_for_reloading() -> list[str]:
    """The command line that starts this program again, as ``python`` arguments."""
    args = [sys.executable, *(f"-W{option}" for option in sys.warnoptions)]
    args.extend(
        f"-X{key}" if value is True else f"-X{key}={value}"
        for key, value in sys._xoptions.items()
    )
    main = sys.modules["__main__"]
    spec = getattr(main, "__spec__", None)
    if spec is not None and spec.name != "__main__":
        # Started as ``python -m package``: the spec is "package.__main__".
        name = spec.name.removesuffix(".__main__")
        return [*args, "-m", name, *sys.argv[1:]]
    script = sys.argv[0]
    if not os.path.exists(script) and os.path.exists(script + ".exe"):
        # COMPAT: Windows console entry points are executables of their own.
        return [script + ".exe", *sys.argv[1:]]
    return [*args, script, *sys.argv[1:]]


def run_with_reloader(
    main_func: cabc.Callable[[], t.Any],
    extra_files: cabc.Iterable[str] | None = None,
    exclude_patterns: cabc.Iterable[str] | None = None,
    interval: float = 1,
) -> None:
    """Run ``main_func`` in a child process that restarts when files change.

    In the parent this loops over child processes and exits with the last
    child's status. In the child (:func:`is_running_from_reloader`) it runs
    ``main_func`` in a daemon thread while the main thread polls the files.
    """
    signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
    reloader = StatReloaderLoop(extra_files, exclude_patterns, interval)
    try:
        if not is_running_from_reloader():
            sys.exit(reloader.restart_with_reloader())
        reloader.check()  # the baseline, before any request can be served
        threading.Thread(target=main_func, daemon=True).start()
        reloader.run()
    except KeyboardInterrupt:
        pass
