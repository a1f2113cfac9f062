"""Shortcuts for the built-in cookie session's save path.

:meth:`erlen.sessions.SecureCookieSessionInterface.save_session` reads the
cookie settings from the config and adds ``Vary`` without parsing while
:func:`is_plain` holds; the result (headers, cookie, session flags) is the same
as through the overridable getters.
"""

from __future__ import annotations

import inspect
import typing as t

from .wrappers.response import Response as _BaseResponse

if t.TYPE_CHECKING:
    from .app import Erlen
    from .sessions import SessionInterface
    from .sessions import SessionMixin
    from .wrappers import Response

_VARY_PROPERTY = inspect.getattr_static(_BaseResponse, "vary")

#: The methods save_session calls that a subclass may override.
_INTERFACE_HOOKS = (
    "get_cookie_name",
    "get_cookie_domain",
    "get_cookie_path",
    "get_cookie_httponly",
    "get_cookie_secure",
    "get_cookie_samesite",
    "get_cookie_partitioned",
    "should_set_cookie",
    "get_expiration_time",
)
# PERF: whether an (interface class, response class) pair overrides nothing
# save_session relies on. Keyed by classes, never by request data.
_PLAIN_CLASSES: dict[tuple[type, type], bool] = {}
_PLAIN_CLASSES_MAX = 64


def is_plain(
    interface: SessionInterface, response: Response, reference: type[SessionInterface]
) -> bool:
    """Whether ``save_session`` may read the config and the Vary header itself:
    ``interface`` overrides none of ``reference``'s hooks and ``response`` keeps
    the built-in ``vary`` property."""
    if interface.__dict__:
        # A method replaced on the instance (or any instance state) is honoured.
        return False
    key = (type(interface), type(response))
    plain = _PLAIN_CLASSES.get(key)
    if plain is None:
        plain = (
            all(
                getattr(key[0], name) is getattr(reference, name)
                for name in _INTERFACE_HOOKS
            )
            and inspect.getattr_static(key[1], "vary", None) is _VARY_PROPERTY
        )
        if len(_PLAIN_CLASSES) >= _PLAIN_CLASSES_MAX:
            _PLAIN_CLASSES.clear()
        _PLAIN_CLASSES[key] = plain
    return plain


def add_vary_cookie(response: Response) -> None:
    """``response.vary.add("Cookie")``, without parsing when there is no Vary."""
    headers = response.headers
    vary = headers.get("Vary")
    if vary is None:
        # PERF: what the Vary property writes for a set holding only Cookie.
        headers.add("Vary", "Cookie")
    elif vary != "Cookie":
        response.vary.add("Cookie")


def config_cookie_settings(app: Erlen) -> tuple[t.Any, ...]:
    """The cookie's ``(name, domain, path, secure, partitioned, samesite,
    httponly)`` read straight from the config: what the interface's getters
    give while :func:`is_plain` holds."""
    config = app.config
    return (
        config["SESSION_COOKIE_NAME"],
        config["SESSION_COOKIE_DOMAIN"],
        config["SESSION_COOKIE_PATH"] or config["APPLICATION_ROOT"],
        config["SESSION_COOKIE_SECURE"],
        config["SESSION_COOKIE_PARTITIONED"],
        config["SESSION_COOKIE_SAMESITE"],
        config["SESSION_COOKIE_HTTPONLY"],
    )


def add_vary_through_property(response: Response) -> None:
    """``response.vary.add("Cookie")``, for a response class that customises it."""
    response.vary.add("Cookie")


def session_data(
    session: SessionMixin, cookie_session_class: type[SessionMixin]
) -> dict[str, t.Any]:
    """``dict(session)``, the data to sign.

    :param cookie_session_class: ``SecureCookieSession``, a dict whose plain
        copy equals ``dict(session)``.
    """
    if type(session) is cookie_session_class:
        # PERF: dict(session) goes through keys() and __getitem__ in Python;
        # both would only mark the session accessed.
        data: dict[str, t.Any] = dict.copy(session)  # type: ignore[arg-type]
        session.accessed = True
        return data
    return dict(session)
