"""The application logger and the handler erlen installs by default.

:func:`create_logger` gives the app a standard :class:`logging.Logger` named
after it. When nothing else would print its records, :data:`default_handler`
is added; it writes to the current request's ``wsgi.errors`` stream, so the
server's error log receives the app's messages, and to :data:`sys.stderr`
outside a request.
"""

from __future__ import annotations

import logging
import sys
import typing as t

from .globals import _cv_request


class _NamedApp(t.Protocol):
    @property
    def name(self) -> str: ...

    @property
    def debug(self) -> bool: ...


class _WSGIErrorsStream:
    """A text stream that writes wherever ``wsgi.errors`` points right now.

    The target is looked up on every call, so one handler created at import
    time follows each request (and each replacement of :data:`sys.stderr`).
    """

    __slots__ = ()

    def _get_current_object(self) -> t.TextIO:
        ctx = _cv_request.get(None)
        if ctx is None:
            return sys.stderr
        return ctx.request.environ["wsgi.errors"]  # type: ignore[no-any-return]

    def write(self, text: str) -> int:
        """Write ``text`` to the current error stream."""
        return self._get_current_object().write(text)

    def flush(self) -> None:
        """Flush the current error stream."""
        self._get_current_object().flush()

    def __getattr__(self, name: str) -> t.Any:
        # COMPAT: Flask's stream is a full proxy; forward what else a handler or
        # a user may ask for (``name``, ``encoding``, ``isatty``, ...).
        return getattr(self._get_current_object(), name)

    def __repr__(self) -> str:
        return f"<wsgi_errors_stream {self._get_current_object()!r}>"


#: The current request's ``environ["wsgi.errors"]`` inside a request, otherwise
#: :data:`sys.stderr`; resolved again on every write.
wsgi_errors_stream: t.TextIO = _WSGIErrorsStream()  # type: ignore[assignment]

#: The handler :func:`create_logger` adds when the logger has no handler of its
#: own for its level. Remove it with ``app.logger.removeHandler(default_handler)``
#: to take over formatting.
default_handler: logging.StreamHandler[t.TextIO] = logging.StreamHandler(
    wsgi_errors_stream
)
default_handler.setFormatter(
    logging.Formatter("[%(asctime)s] %(levelname)s in %(module)s: %(message)s")
)


def has_level_handler(logger: logging.Logger) -> bool:
    """Tell whether some handler would emit a record at the logger's level.

    The logger's handlers are checked first, then its ancestors' for as long as
    records propagate upward.

    :param logger: the logger to inspect.
    """
    level = logger.getEffectiveLevel()
    current: logging.Logger | None = logger
    while current is not None:
        if any(handler.level <= level for handler in current.handlers):
            return True
        if not current.propagate:
            return False
        current = current.parent
    return False


def create_logger(app: _NamedApp) -> logging.Logger:
    """Return the logger for ``app``, named after ``app.name``.

    In debug mode a logger without an explicit level is set to
    :data:`logging.DEBUG`. :data:`default_handler` is added unless a handler
    already covers the logger's level, so configuring logging before creating
    the app (for example with :func:`logging.config.dictConfig`) takes effect
    unchanged.

    :param app: the application; only ``name`` and ``debug`` are read.
    """
    logger = logging.getLogger(app.name)
    if app.debug and not logger.level:
        logger.setLevel(logging.DEBUG)
    if not has_level_handler(logger):
        logger.addHandler(default_handler)
    return logger
