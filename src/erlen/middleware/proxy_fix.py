"""Trust ``X-Forwarded-*`` headers set by a known number of proxies.

Behind a reverse proxy the WSGI server sees the proxy as the client, on the
proxy's scheme and host. :class:`ProxyFix` restores the client's values from the
``X-Forwarded-*`` headers, trusting only as many entries as there are proxies in
front of the application.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

#: The environ keys :class:`ProxyFix` may change; their original values are kept.
_ORIGINAL_KEYS = (
    "REMOTE_ADDR",
    "wsgi.url_scheme",
    "HTTP_HOST",
    "SERVER_NAME",
    "SERVER_PORT",
    "SCRIPT_NAME",
)


def _trusted_value(trusted: int, header: str | None) -> str | None:
    """Return the entry ``trusted`` places from the right, or ``None``.

    Each proxy appends one entry, so the ``trusted``-th entry from the right is
    the one written by the outermost proxy we trust. Fewer entries than that
    means the header was not set by our proxies and is ignored.
    """
    if not trusted or not header:
        return None
    # SECURITY: split on commas only. None of these headers can hold a comma,
    # so a quote sent by the client cannot merge or hide the entries our proxies
    # appended (a quoted-string parser could be fooled that way).
    values = [value for value in (part.strip() for part in header.split(",")) if value]
    if len(values) < trusted:
        return None
    return values[-trusted]


def _split_port(host: str) -> tuple[str, str | None]:
    """Split ``host:port``; an IPv6 literal such as ``[::1]`` has no port."""
    if ":" in host and not host.endswith("]"):
        name, _, port = host.rpartition(":")
        return name, port
    return host, None


class ProxyFix:
    """Rewrite the environ from ``X-Forwarded-*`` headers of trusted proxies.

    Each argument is how many proxies set that header; ``0`` ignores it.
    Setting a count higher than the real number of proxies lets clients forge
    the value, so count exactly.

    :param app: the WSGI application to wrap.
    :param x_for: ``X-Forwarded-For`` → ``REMOTE_ADDR``.
    :param x_proto: ``X-Forwarded-Proto`` → ``wsgi.url_scheme``.
    :param x_host: ``X-Forwarded-Host`` → ``HTTP_HOST``, ``SERVER_NAME`` and
        ``SERVER_PORT``.
    :param x_port: ``X-Forwarded-Port`` → the port in ``HTTP_HOST`` and
        ``SERVER_PORT``.
    :param x_prefix: ``X-Forwarded-Prefix`` → ``SCRIPT_NAME``.
    :raises ValueError: a count is negative.

    The values before the rewrite are stored in a dict in
    ``environ["erlen.proxy_fix.orig"]``.

    .. note::
        The same dict is also stored as ``environ["werkzeug.proxy_fix.orig"]``
        for code written against Werkzeug. Header values are split on commas
        without quoted-string parsing (see :func:`_trusted_value`), and
        negative counts are refused.
    """

    def __init__(
        self,
        app: WSGIApplication,
        x_for: int = 1,
        x_proto: int = 1,
        x_host: int = 0,
        x_port: int = 0,
        x_prefix: int = 0,
    ) -> None:
        counts = {
            "x_for": x_for,
            "x_proto": x_proto,
            "x_host": x_host,
            "x_port": x_port,
            "x_prefix": x_prefix,
        }
        for name, value in counts.items():
            if value < 0:
                raise ValueError(f"{name} must be 0 or more, got {value!r}")
        self.app = app
        self.x_for = x_for
        self.x_proto = x_proto
        self.x_host = x_host
        self.x_port = x_port
        self.x_prefix = x_prefix

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Rewrite ``environ`` in place, then call the wrapped application."""
        get = environ.get
        original = {key: get(key) for key in _ORIGINAL_KEYS}
        environ["erlen.proxy_fix.orig"] = original
        # COMPAT: Werkzeug's key, for extensions that read it.
        environ["werkzeug.proxy_fix.orig"] = original

        remote_addr = _trusted_value(self.x_for, get("HTTP_X_FORWARDED_FOR"))
        if remote_addr:
            environ["REMOTE_ADDR"] = remote_addr

        scheme = _trusted_value(self.x_proto, get("HTTP_X_FORWARDED_PROTO"))
        if scheme:
            environ["wsgi.url_scheme"] = scheme

        host = _trusted_value(self.x_host, get("HTTP_X_FORWARDED_HOST"))
        if host:
            environ["HTTP_HOST"] = host
            server_name, server_port = _split_port(host)
            environ["SERVER_NAME"] = server_name
            if server_port is not None:
                environ["SERVER_PORT"] = server_port

        port = _trusted_value(self.x_port, get("HTTP_X_FORWARDED_PORT"))
        if port:
            current_host = environ.get("HTTP_HOST")
            if current_host:
                environ["HTTP_HOST"] = f"{_split_port(current_host)[0]}:{port}"
            environ["SERVER_PORT"] = port

        prefix = _trusted_value(self.x_prefix, get("HTTP_X_FORWARDED_PREFIX"))
        if prefix:
            environ["SCRIPT_NAME"] = prefix

        return self.app(environ, start_response)
