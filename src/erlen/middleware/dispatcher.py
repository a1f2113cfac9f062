"""Combine several WSGI applications, each mounted under a path prefix."""

from __future__ import annotations

import collections.abc as cabc
import typing as t

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment


class DispatcherMiddleware:
    """Send each request to the application mounted at the longest prefix.

    The matched prefix moves from ``PATH_INFO`` to the end of ``SCRIPT_NAME``,
    so the mounted application builds correct URLs for itself. Requests that
    match no mount go to ``app``::

        app = DispatcherMiddleware(frontend, {"/api": api, "/admin": admin})

    :param app: the application for paths that match no mount.
    :param mounts: prefix (without trailing slash, such as ``"/api"``) →
        application. The dict may be changed after construction.
    """

    def __init__(
        self,
        app: WSGIApplication,
        mounts: dict[str, WSGIApplication] | None = None,
    ) -> None:
        self.app = app
        self.mounts: dict[str, WSGIApplication] = mounts or {}

    def _split(self, path: str) -> tuple[WSGIApplication, str, str]:
        """Return ``(application, script part, path part)`` for ``path``."""
        mounts = self.mounts
        first_slash = path.find("/")
        if first_slash == -1:
            return mounts.get(path, self.app), path, ""
        # PERF: a prefix can only match a mount of the same length, so only
        # those prefixes are sliced and hashed. The scan is linear in the path
        # length however many segments a hostile path has.
        lengths = {len(prefix) for prefix in mounts}
        end = len(path)
        while end > first_slash:
            if end in lengths:
                script = path[:end]
                if script in mounts:
                    return mounts[script], script, path[end:]
            end = path.rfind("/", 0, end)
        # COMPAT: with no mount matched, the text before the first slash (empty
        # for a normal path) is looked up and moves to SCRIPT_NAME, as in
        # Werkzeug.
        script = path[:first_slash]
        return mounts.get(script, self.app), script, path[first_slash:]

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Dispatch the request to the matching mounted application."""
        app, script, path_info = self._split(environ.get("PATH_INFO", ""))
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + script
        environ["PATH_INFO"] = path_info
        return app(environ, start_response)
