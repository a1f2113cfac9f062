"""Sessions: the interface an application uses to load and save them, and the
default implementation that keeps the session in a signed cookie.
"""

from __future__ import annotations

import collections.abc as cabc
import hashlib
import typing as t
from datetime import datetime
from datetime import timezone

from itsdangerous import BadData
from itsdangerous import URLSafeTimedSerializer

from ._cookie_signer import CookieSigner
from ._session_save import add_vary_cookie
from ._session_save import add_vary_through_property
from ._session_save import config_cookie_settings
from ._session_save import is_plain
from ._session_save import session_data
from .datastructures import CallbackDict
from .json.tag import TaggedJSONSerializer

if t.TYPE_CHECKING:
    from _collections_abc import dict_items
    from _collections_abc import dict_keys
    from _collections_abc import dict_values

    from .app import Erlen
    from .wrappers import Request
    from .wrappers import Response


class SessionMixin(cabc.MutableMapping[str, t.Any]):
    """Attributes that every session object has, whatever stores it."""

    @property
    def permanent(self) -> bool:
        """Whether the cookie outlives the browser session (the ``_permanent`` key).

        A permanent session's cookie expires after
        ``app.permanent_session_lifetime``; otherwise it is a browser-session
        cookie.
        """
        return bool(self.get("_permanent", False))

    @permanent.setter
    def permanent(self, value: bool) -> None:
        self["_permanent"] = bool(value)

    #: Whether the session was just created. Not every implementation can
    #: tell; the default is always ``False``.
    new = False

    #: Whether the session changed during the request. Implementations that
    #: cannot tell leave this ``True``, so the session is always saved.
    modified = True

    #: Whether the session was read or written during the request. The cookie
    #: session then adds ``Vary: Cookie`` to the response.
    #:
    #: .. note::
    #:     As in Flask 3.1.3, the request context sets this whenever the
    #:     session is accessed through it, so the default is ``False``.
    accessed = False


class SecureCookieSession(CallbackDict[str, t.Any], SessionMixin):
    """The session of :class:`SecureCookieSessionInterface`: a dict stored in a cookie.

    Writing an item sets :attr:`modified` and :attr:`accessed`; reading
    (``[]``, ``get``, ``setdefault``, ``in``, ``len``, iterating, ``keys``,
    ``values``, ``items``) sets :attr:`accessed`. Only the
    top level is tracked: after changing a nested mutable value, set
    ``session.modified = True`` yourself. :attr:`new` stays ``False``, since an
    empty session cannot be told apart from a new one.

    :param initial: the items the session starts with.
    """

    #: Set when the session's items change; the cookie is only rewritten then
    #: (or on every request for permanent sessions, see
    #: ``SESSION_REFRESH_EACH_REQUEST``).
    modified = False

    #: Set when the session's items are read or changed.
    accessed = False

    def __init__(self, initial: cabc.Mapping[str, t.Any] | None = None) -> None:
        def on_update(session: SecureCookieSession) -> None:
            session.modified = True
            session.accessed = True

        super().__init__(initial, on_update)

    def __getitem__(self, key: str) -> t.Any:
        self.accessed = True
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.accessed = True
        return super().__contains__(key)

    def __iter__(self) -> cabc.Iterator[str]:
        self.accessed = True
        return super().__iter__()

    def __len__(self) -> int:
        self.accessed = True
        return super().__len__()

    def keys(self) -> dict_keys[str, t.Any]:
        """Return the keys; marks the session accessed."""
        self.accessed = True
        return super().keys()

    def values(self) -> dict_values[str, t.Any]:
        """Return the values; marks the session accessed."""
        self.accessed = True
        return super().values()

    def items(self) -> dict_items[str, t.Any]:
        """Return the items; marks the session accessed."""
        self.accessed = True
        return super().items()

    def get(self, key: str, default: t.Any = None) -> t.Any:
        """Return the item for ``key``, or ``default``; marks the session accessed."""
        self.accessed = True
        return super().get(key, default)

    def setdefault(self, key: str, default: t.Any = None) -> t.Any:
        """Return the item for ``key``, storing ``default`` first if it is missing."""
        self.accessed = True
        return super().setdefault(key, default)


class NullSession(SecureCookieSession):
    """The empty, read-only session used when sessions are unavailable.

    Reading works and finds nothing; any write raises :class:`RuntimeError`
    explaining that the application has no secret key.
    """

    def _fail(self, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise RuntimeError(
            "The session is unavailable because no secret "
            "key was set.  Set the secret_key on the "
            "application to something unique and secret."
        )

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _fail
    del _fail


class SessionInterface:
    """How an application opens and saves sessions; subclass it to store them elsewhere.

    :meth:`open_session` runs at the start of a request and returns a session
    object (a dict-like :class:`SessionMixin`), or ``None`` when sessions are
    unavailable, in which case :meth:`make_null_session` provides a read-only
    one. :meth:`save_session` runs after the response is built, unless the
    session is a null session. Install a subclass with
    ``app.session_interface = MySessionInterface()``.

    One interface object serves many requests at once, so keep per-request
    state on the session, not on the interface.
    """

    #: The class :meth:`make_null_session` instantiates.
    null_session_class = NullSession

    #: Set on interfaces that pickle session data, so extensions can tell.
    pickle_based = False

    def make_null_session(self, app: Erlen) -> NullSession:
        """Return the read-only session used when :meth:`open_session` gives ``None``.

        :param app: the application handling the request.
        """
        return self.null_session_class()

    def is_null_session(self, obj: object) -> bool:
        """Return whether ``obj`` is a null session (which is never saved)."""
        return isinstance(obj, self.null_session_class)

    def get_cookie_name(self, app: Erlen) -> str:
        """Return the session cookie's name, ``SESSION_COOKIE_NAME``."""
        name: str = app.config["SESSION_COOKIE_NAME"]
        return name

    def get_cookie_domain(self, app: Erlen) -> str | None:
        """Return the cookie's ``Domain`` attribute, ``SESSION_COOKIE_DOMAIN``.

        ``None`` (the default) makes it a host-only cookie.
        """
        domain: str | None = app.config["SESSION_COOKIE_DOMAIN"]
        return domain

    def get_cookie_path(self, app: Erlen) -> str:
        """Return the ``Path``: ``SESSION_COOKIE_PATH``, else ``APPLICATION_ROOT``."""
        config = app.config
        path: str = config["SESSION_COOKIE_PATH"] or config["APPLICATION_ROOT"]
        return path

    def get_cookie_httponly(self, app: Erlen) -> bool:
        """Return whether the cookie is ``HttpOnly``, ``SESSION_COOKIE_HTTPONLY``."""
        httponly: bool = app.config["SESSION_COOKIE_HTTPONLY"]
        return httponly

    def get_cookie_secure(self, app: Erlen) -> bool:
        """Return whether the cookie is ``Secure``, ``SESSION_COOKIE_SECURE``."""
        secure: bool = app.config["SESSION_COOKIE_SECURE"]
        return secure

    def get_cookie_samesite(self, app: Erlen) -> str | None:
        """Return the cookie's ``SameSite`` value, ``SESSION_COOKIE_SAMESITE``."""
        samesite: str | None = app.config["SESSION_COOKIE_SAMESITE"]
        return samesite

    def get_cookie_partitioned(self, app: Erlen) -> bool:
        """Return whether the cookie is partitioned, ``SESSION_COOKIE_PARTITIONED``."""
        partitioned: bool = app.config["SESSION_COOKIE_PARTITIONED"]
        return partitioned

    def get_expiration_time(self, app: Erlen, session: SessionMixin) -> datetime | None:
        """Return when the cookie expires: now plus the permanent lifetime, or ``None``.

        A session that is not :attr:`~SessionMixin.permanent` gets ``None``, a
        cookie that ends with the browser session.
        """
        if session.permanent:
            return datetime.now(timezone.utc) + app.permanent_session_lifetime
        return None

    def should_set_cookie(self, app: Erlen, session: SessionMixin) -> bool:
        """Return whether :meth:`save_session` should write the cookie.

        It does when the session was modified, and also on every request for a
        permanent session when ``SESSION_REFRESH_EACH_REQUEST`` is set, which
        pushes the expiry date forward.
        """
        return session.modified or bool(
            session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]
        )

    def open_session(self, app: Erlen, request: Request) -> SessionMixin | None:
        """Load the session for ``request``; ``None`` means sessions are unavailable.

        Runs at the start of every request, before URL matching.

        :param app: the application handling the request.
        :param request: the request.
        """
        raise NotImplementedError

    def save_session(
        self, app: Erlen, session: SessionMixin, response: Response
    ) -> None:
        """Store the session, typically by setting a cookie on ``response``.

        Not called for null sessions.

        :param app: the application handling the request.
        :param session: the session returned by :meth:`open_session`.
        :param response: the response about to be sent.
        """
        raise NotImplementedError


#: The serializer :class:`SecureCookieSessionInterface` uses by default.
session_json_serializer = TaggedJSONSerializer()

_SigningSettings = tuple[t.Any, ...]

# PERF: signing serializers by their full configuration, so one is built per
# secret key and not per request. Keys come from application config, never
# from requests; the size cap only guards against code that rotates keys
# endlessly.
_SIGNING_SERIALIZERS: dict[_SigningSettings, URLSafeTimedSerializer] = {}
_SIGNING_SERIALIZERS_MAX = 64
# PERF: the same for the cookie signers that open_session/save_session use.
_COOKIE_SIGNERS: dict[_SigningSettings, CookieSigner] = {}


class SecureCookieSessionInterface(SessionInterface):
    """Keep the session in a cookie signed with the application's secret key.

    The data is serialised with :class:`~erlen.json.tag.TaggedJSONSerializer`
    and signed with a timestamp by :mod:`itsdangerous`; it can be read by the
    client but not changed. A cookie that is tampered with, truncated, signed
    with another key or older than ``app.permanent_session_lifetime`` gives a
    new, empty session. Cookies are compatible with Flask's.
    """

    #: Mixed into the signing key, so this cookie's signatures are not valid
    #: for other uses of the same secret key.
    salt = "cookie-session"

    #: The hash function used for signing.
    digest_method = staticmethod(hashlib.sha1)

    #: How itsdangerous derives the signing key from the secret key.
    key_derivation = "hmac"

    #: Turns the session dict into a string and back.
    serializer: t.Any = session_json_serializer

    #: The class of the sessions :meth:`open_session` returns.
    session_class = SecureCookieSession

    def get_signing_serializer(self, app: Erlen) -> URLSafeTimedSerializer | None:
        """Return the serializer that signs and verifies cookies for ``app``.

        It signs with ``app.secret_key`` and also accepts signatures made with
        any key in ``SECRET_KEY_FALLBACKS``. Returns ``None`` when the app has
        no secret key.

        .. note::
            Unlike Flask, which builds a new serializer on every call, erlen
            reuses one while the keys and this interface's settings stay the
            same. Changing ``app.secret_key`` takes effect on the next call.

        :param app: the application handling the request.
        """
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config["SECRET_KEY_FALLBACKS"]
        settings = (
            secret_key,
            tuple(fallbacks) if fallbacks else (),
            self.salt,
            self.serializer,
            self.digest_method,
            self.key_derivation,
        )
        signing = _SIGNING_SERIALIZERS.get(settings)
        if signing is None:
            signing = _make_signing_serializer(settings)
            if len(_SIGNING_SERIALIZERS) >= _SIGNING_SERIALIZERS_MAX:
                _SIGNING_SERIALIZERS.clear()
            _SIGNING_SERIALIZERS[settings] = signing
        return signing

    def _signer(self, app: Erlen) -> CookieSigner | URLSafeTimedSerializer | None:
        """The fast signer for the default settings, else the serializer."""
        if (
            type(self).get_signing_serializer
            is not SecureCookieSessionInterface.get_signing_serializer
            or self.key_derivation != "hmac"
        ):
            return self.get_signing_serializer(app)
        secret_key = app.secret_key
        if not secret_key:
            return None
        fallbacks = app.config["SECRET_KEY_FALLBACKS"]
        settings = (
            secret_key,
            tuple(fallbacks) if fallbacks else (),
            self.salt,
            self.serializer,
            self.digest_method,
        )
        signer = _COOKIE_SIGNERS.get(settings)
        if signer is None:
            signer = CookieSigner(
                [*settings[1], secret_key],
                self.salt,
                self.serializer,
                self.digest_method,
            )
            if len(_COOKIE_SIGNERS) >= _SIGNING_SERIALIZERS_MAX:
                _COOKIE_SIGNERS.clear()
            _COOKIE_SIGNERS[settings] = signer
        return signer

    def open_session(self, app: Erlen, request: Request) -> SecureCookieSession | None:
        """Load the session from the request's cookie.

        Returns ``None`` without a secret key, and a new empty session when the
        cookie is missing or cannot be verified.

        .. note::
            Flask only recovers from a bad signature; erlen also gives an empty
            session for a correctly signed cookie whose payload does not decode
            to a dict, instead of failing the request.

        :param app: the application handling the request.
        :param request: the request.
        """
        signing = self._signer(app)
        if signing is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data = signing.loads(value, max_age=max_age)
        except BadData:
            # SECURITY: a forged, truncated or expired cookie is just no session.
            return self.session_class()
        if not isinstance(data, dict):
            return self.session_class()
        return self.session_class(data)

    def save_session(
        self, app: Erlen, session: SessionMixin, response: Response
    ) -> None:
        """Write the session cookie to ``response``, or delete it.

        Adds ``Vary: Cookie`` when the session was accessed. An emptied
        session deletes the cookie; otherwise the cookie is written when
        :meth:`should_set_cookie` says so.

        :param app: the application handling the request.
        :param session: the session to store.
        :param response: the response about to be sent.
        """
        # PERF: with nothing customised, the settings come straight from the
        # config and Vary is added without parsing it.
        if is_plain(self, response, SecureCookieSessionInterface):
            settings = config_cookie_settings(app)
            add_vary = add_vary_cookie
        else:
            settings = (
                self.get_cookie_name(app),
                self.get_cookie_domain(app),
                self.get_cookie_path(app),
                self.get_cookie_secure(app),
                self.get_cookie_partitioned(app),
                self.get_cookie_samesite(app),
                self.get_cookie_httponly(app),
            )
            add_vary = add_vary_through_property
        name, domain, path, secure, partitioned, samesite, httponly = settings

        # COMPAT: the response depends on the cookie whenever the session was
        # looked at, so caches must key on it.
        if session.accessed:
            add_vary(response)

        if not session:
            # An emptied session removes the cookie; one that was always empty
            # never had a cookie to remove.
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
                add_vary(response)
            return

        if not self.should_set_cookie(app, session):
            return

        expires = self.get_expiration_time(app, session)
        signing = self._signer(app)
        if signing is None:
            raise RuntimeError(
                "The session cannot be saved because no secret key was set. Set"
                " the secret_key on the application to something unique and secret."
            )
        value = signing.dumps(session_data(session, SecureCookieSession))
        response.set_cookie(
            name,
            value,
            expires=expires,
            httponly=httponly,
            domain=domain,
            path=path,
            secure=secure,
            partitioned=partitioned,
            samesite=samesite,
        )
        add_vary(response)


def _make_signing_serializer(settings: _SigningSettings) -> URLSafeTimedSerializer:
    """Build the signing serializer for a ``get_signing_serializer`` settings tuple."""
    secret_key, fallbacks, salt, serializer, digest_method, key_derivation = settings
    # COMPAT: itsdangerous signs with the last key and verifies with all of
    # them, so the fallbacks go first.
    return URLSafeTimedSerializer(
        [*fallbacks, secret_key],
        salt=salt,
        serializer=serializer,
        signer_kwargs={
            "key_derivation": key_derivation,
            "digest_method": digest_method,
        },
    )
