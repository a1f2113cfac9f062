"""The built-in cookie session's save path when nothing in it is customised.

:meth:`erlen.sessions.SecureCookieSessionInterface.save_session` hands over to
:func:`save_plain` while :func:`is_plain` holds; the result (headers, cookie,
session flags) is the same as the general path's.
"""

from __future__ import annotations

import inspect
import typing as t
from datetime import datetime
from datetime import timezone

from .wrappers.response import Response as _BaseResponse

if t.TYPE_CHECKING:
    from .app import Erlen
    from .sessions import SecureCookieSessionInterface
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


def save_plain(
    interface: SecureCookieSessionInterface,
    app: Erlen,
    session: SessionMixin,
    response: Response,
    cookie_session_class: type[SessionMixin],
) -> None:
    """``save_session`` with the getters, ``should_set_cookie`` and
    ``get_expiration_time`` inlined (none of them is overridden).

    :param cookie_session_class: ``SecureCookieSession``, a dict whose plain
        copy equals ``dict(session)``.
    """
    config = app.config
    name = config["SESSION_COOKIE_NAME"]
    domain = config["SESSION_COOKIE_DOMAIN"]
    path = config["SESSION_COOKIE_PATH"] or config["APPLICATION_ROOT"]
    secure = config["SESSION_COOKIE_SECURE"]
    partitioned = config["SESSION_COOKIE_PARTITIONED"]
    samesite = config["SESSION_COOKIE_SAMESITE"]
    httponly = config["SESSION_COOKIE_HTTPONLY"]
    if session.accessed:
        add_vary_cookie(response)
    if not session:
        if session.modified:
            response.delete_cookie(
                name,
                domain=domain,
                path=path,
                secure=secure,
                partitioned=partitioned,
                samesite=samesite,
                httponly=httponly,
            )
            add_vary_cookie(response)
        return
    if not (
        session.modified
        or (session.permanent and config["SESSION_REFRESH_EACH_REQUEST"])
    ):
        return
    expires = (
        datetime.now(timezone.utc) + app.permanent_session_lifetime
        if session.permanent
        else None
    )
    signing = interface._signer(app)
    if signing is None:
        raise RuntimeError(
            "The session cannot be saved because no secret key was set. Set"
            " the secret_key on the application to something unique and secret."
        )
    if type(session) is cookie_session_class:
        # PERF: dict(session) goes through keys() and __getitem__ in Python;
        # both would only mark the session accessed.
        data = dict.copy(session)  # type: ignore[arg-type]
        session.accessed = True
    else:
        data = dict(session)
    response.set_cookie(
        name,
        signing.dumps(data),
        expires=expires,
        httponly=httponly,
        domain=domain,
        path=path,
        secure=secure,
        partitioned=partitioned,
        samesite=samesite,
    )
    add_vary_cookie(response)
