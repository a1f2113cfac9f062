"""Helpers used inside views: URLs, redirects, aborts, flashing, streaming, files."""

from __future__ import annotations

import collections.abc as cabc
import os
import typing as t
from functools import update_wrapper

from .globals import _cv_app
from .globals import _cv_request
from .globals import current_app
from .globals import request_ctx

if t.TYPE_CHECKING:
    from .wrappers import Response

_F = t.TypeVar("_F", bound=cabc.Callable[..., t.Any])


def get_debug_flag() -> bool:
    """Whether ``ERLEN_DEBUG`` (or ``FLASK_DEBUG``) asks for debug mode."""
    value = os.environ.get("ERLEN_DEBUG") or os.environ.get("FLASK_DEBUG")
    return value is not None and value.lower() not in ("", "0", "false", "no")


def get_load_dotenv(default: bool = True) -> bool:
    """Whether ``.env`` files should be loaded (``ERLEN_SKIP_DOTENV`` unset)."""
    value = os.environ.get("ERLEN_SKIP_DOTENV") or os.environ.get("FLASK_SKIP_DOTENV")
    if not value:
        return default
    return value.lower() in ("0", "false", "no")


def url_for(
    endpoint: str,
    *,
    _anchor: str | None = None,
    _method: str | None = None,
    _scheme: str | None = None,
    _external: bool | None = None,
    **values: t.Any,
) -> str:
    """Build the URL of ``endpoint`` with the current app.

    :param endpoint: the endpoint; ``".name"`` is relative to the current
        blueprint.
    :param _anchor: a fragment to append.
    :param _method: build the rule that accepts this method.
    :param _scheme: the scheme of an external URL.
    :param _external: build an absolute URL (default: outside requests).
    :param values: rule arguments; the others become the query string.
    :raises BuildError: no rule accepts these values.
    """
    return current_app.url_for(
        endpoint,
        _anchor=_anchor,
        _method=_method,
        _scheme=_scheme,
        _external=_external,
        **values,
    )


def redirect(
    location: str, code: int = 302, Response: type[Response] | None = None
) -> Response:
    """Return a redirect response to ``location`` (uses ``current_app.redirect``
    when an app is active)."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        return app_ctx.app.redirect(location, code=code)
    from .utils import redirect as _redirect

    return _redirect(location, code=code, Response=Response)


def abort(code: int | Response, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Raise the HTTP exception for ``code`` (uses ``current_app.aborter``)."""
    app_ctx = _cv_app.get(None)
    if app_ctx is not None:
        app_ctx.app.aborter(code, *args, **kwargs)
    from .exceptions import abort as _abort

    _abort(code, *args, **kwargs)


def make_response(*args: t.Any) -> Response:
    """Turn view-style return values into a response object, in a view.

    With no arguments, an empty response; with one, that value; with several,
    the tuple of them (``make_response(body, 404, headers)``).
    """
    if not args:
        return current_app.response_class()
    if len(args) == 1:
        return current_app.make_response(args[0])
    return current_app.make_response(args)


def stream_with_context(
    generator_or_function: cabc.Iterator[t.AnyStr] | cabc.Callable[..., t.Any],
) -> t.Any:
    """Keep the request context active while a streamed response is generated.

    Usable on a generator or as a decorator of a generator function.

    :raises RuntimeError: outside a request context.
    """
    try:
        gen = iter(generator_or_function)  # type: ignore[arg-type]
    except TypeError:
        function = t.cast(cabc.Callable[..., t.Any], generator_or_function)

        def decorator(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return stream_with_context(function(*args, **kwargs))

        return update_wrapper(decorator, function)

    def generator() -> cabc.Iterator[t.AnyStr]:
        ctx = _cv_request.get(None)
        if ctx is None:
            raise RuntimeError(
                "'stream_with_context' can only be used when a request"
                " context is active, such as in a view function."
            )
        with ctx:
            yield None  # type: ignore[misc]
            try:
                yield from gen
            finally:
                close = getattr(gen, "close", None)
                if close is not None:
                    close()

    wrapped = generator()
    next(wrapped)
    return wrapped


def flash(message: str, category: str = "message") -> None:
    """Store ``message`` in the session for the next request to show.

    :param category: a label such as ``"error"`` or ``"info"``.
    """
    session = request_ctx.session
    flashes = session.get("_flashes", [])
    flashes.append((category, message))
    session["_flashes"] = flashes
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    from . import signals

    if signals.message_flashed.receivers:
        signals.message_flashed.send(
            app, _async_wrapper=app.ensure_sync, message=message, category=category
        )


def get_flashed_messages(
    with_categories: bool = False,
    category_filter: cabc.Iterable[str] = (),
) -> list[str] | list[tuple[str, str]]:
    """Return (and remove from the session) the flashed messages.

    Within one request every call returns the same messages.

    :param with_categories: return ``(category, message)`` pairs.
    :param category_filter: only messages of these categories.
    """
    ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
    flashes = ctx.flashes
    if flashes is None:
        flashes = ctx.session.pop("_flashes") if "_flashes" in ctx.session else []
        ctx.flashes = flashes
    if category_filter:
        flashes = [f for f in flashes if f[0] in category_filter]
    if not with_categories:
        return [x[1] for x in flashes]
    return flashes  # type: ignore[no-any-return]


def get_template_attribute(template_name: str, attribute: str) -> t.Any:
    """Return a macro or variable exported by a template."""
    return getattr(current_app.jinja_env.get_template(template_name).module, attribute)


def send_file(*args: t.Any, **kwargs: t.Any) -> Response:
    """Send a file (see :func:`erlen._send_file.send_file`)."""
    from ._send_file import send_file as _send_file

    return _send_file(*args, **kwargs)


def send_from_directory(
    directory: str | os.PathLike[str],
    path: str | os.PathLike[str],
    **kwargs: t.Any,
) -> Response:
    """Send ``path`` from inside ``directory``; 404 if it would escape it."""
    from ._send_file import send_from_directory as _send_from_directory

    return _send_from_directory(directory, path, **kwargs)
