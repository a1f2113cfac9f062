"""Profile each request with :mod:`cProfile` (Werkzeug's ``ProfilerMiddleware``).

Wrap an application to find where its requests spend their time::

    from erlen.middleware.profiler import ProfilerMiddleware
    app.wsgi_app = ProfilerMiddleware(app.wsgi_app, restrictions=(30,))

For each request the statistics are printed to a stream, and/or saved as a
``.prof`` file that :mod:`pstats`, ``snakeviz`` and similar tools can read.
"""

from __future__ import annotations

import collections.abc as cabc
import os
import re
import sys
import time
import typing as t
from cProfile import Profile
from pstats import Stats

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

#: The longest request-derived part (method or path) put into a file name.
MAX_NAME_PART_LENGTH = 100

# SECURITY: everything outside this set (path separators of every platform,
# ":" (Windows drive letters and streams), NUL, control characters) becomes "_".
_UNSAFE_NAME_CHARS = re.compile(r"[^A-Za-z0-9._~-]")


def _file_name_part(text: str, empty: str) -> str:
    """Turn request text into one safe file name component.

    ``"/a/b"`` gives ``"a.b"`` (as Werkzeug: the slashes become dots), and an
    empty value gives ``empty``.
    """
    part = _UNSAFE_NAME_CHARS.sub("_", text.strip("/").replace("/", "."))
    # SECURITY: a part of dots alone (from "/.." or "/.") would name the
    # directory itself or its parent when it is the whole file name.
    if part and not part.strip("."):
        part = part.replace(".", "_")
    # SECURITY: a very long path would make open() fail (ENAMETOOLONG) and
    # turn the request into a server error.
    return part[:MAX_NAME_PART_LENGTH] or empty


class ProfilerMiddleware:
    """Profile every request of a WSGI application with :mod:`cProfile`.

    The response is buffered (the whole body is read inside the profile), so
    the timings include producing the body.

    If ``stream`` is not ``None``, the :class:`pstats.Stats` of each request
    are written to it after a ``PATH: '/...'`` line. If ``profile_dir`` is
    given, one :mod:`cProfile` data file per request is saved there.

    The file name comes from ``filename_format``. A string is formatted with
    :meth:`str.format` and the fields ``method`` (the request method),
    ``path`` (the request path with ``/`` turned into ``.``, or ``root``),
    ``elapsed`` (milliseconds) and ``time`` (the start, in seconds since the
    epoch). A callable is called with the environ, where
    ``environ["werkzeug.profiler"]`` (also ``"erlen.profiler"``) holds a dict
    with ``elapsed`` and ``time``, and must return the file name.

    :param app: the WSGI application to wrap.
    :param stream: where to write the statistics; ``None`` disables them.
    :param sort_by: the columns to sort by; see :meth:`pstats.Stats.sort_stats`.
    :param restrictions: the filters for the printed statistics; see
        :meth:`pstats.Stats.print_stats`.
    :param profile_dir: the directory to save profile data files in.
    :param filename_format: the file name template, or a callable returning
        the name.

    .. note::
        Unlike Werkzeug, the method and path are reduced to letters, digits and
        ``._~-`` (anything else becomes ``_``), a path of dots alone becomes
        underscores, and each is cut to ``MAX_NAME_PART_LENGTH`` characters,
        so no request can choose where the file is written.
    """

    def __init__(
        self,
        app: WSGIApplication,
        stream: t.IO[str] | None = sys.stdout,
        sort_by: cabc.Iterable[str] = ("time", "calls"),
        restrictions: cabc.Iterable[str | int | float] = (),
        profile_dir: str | None = None,
        filename_format: str | cabc.Callable[[WSGIEnvironment], str] = (
            "{method}.{path}.{elapsed:.0f}ms.{time:.0f}.prof"
        ),
    ) -> None:
        self._app = app
        self._stream = stream
        self._sort_by = tuple(sort_by)
        self._restrictions = tuple(restrictions)
        self._profile_dir = profile_dir
        self._filename_format = filename_format

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Run the application under the profiler and return its buffered body."""
        chunks: list[bytes] = []

        def run_app() -> None:
            app_iter = self._app(environ, start_response)
            try:
                chunks.extend(app_iter)
            finally:
                close = getattr(app_iter, "close", None)
                if close is not None:
                    close()

        profile = Profile()
        started = time.time()
        profile.runcall(run_app)
        elapsed = (time.time() - started) * 1000.0

        if self._profile_dir is not None:
            name = self._file_name(environ, elapsed, started)
            profile.dump_stats(os.path.join(self._profile_dir, name))

        if self._stream is not None:
            self._write_stats(profile, environ.get("PATH_INFO", ""))

        return [b"".join(chunks)]

    def _file_name(
        self, environ: WSGIEnvironment, elapsed: float, started: float
    ) -> str:
        if callable(self._filename_format):
            details = {"elapsed": elapsed, "time": started}
            # COMPAT: Werkzeug's key, which callables written for it read.
            environ["werkzeug.profiler"] = details
            environ["erlen.profiler"] = details
            return self._filename_format(environ)
        return self._filename_format.format(
            method=_file_name_part(environ.get("REQUEST_METHOD", ""), "UNKNOWN"),
            path=_file_name_part(environ.get("PATH_INFO", ""), "root"),
            elapsed=elapsed,
            time=started,
        )

    def _write_stats(self, profile: Profile, path: str) -> None:
        stream = self._stream
        stats = Stats(profile, stream=stream)
        stats.sort_stats(*self._sort_by)
        print("-" * 80, file=stream)
        print(f"PATH: {path!r}", file=stream)
        stats.print_stats(*self._restrictions)
        print("-" * 80 + "\n", file=stream)
