"""Tests for erlen.sessions, with fake app/request/response objects and Flask as
the reference for cookies in both directions."""

from __future__ import annotations

import datetime
import hashlib
import time
import typing as t
import uuid

import flask
import pytest
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup

from erlen import sessions
from erlen.sessions import NullSession
from erlen.sessions import SecureCookieSession
from erlen.sessions import SecureCookieSessionInterface
from erlen.sessions import SessionInterface
from erlen.sessions import SessionMixin

UTC = datetime.timezone.utc


class FakeApp:
    """The attributes the session interface reads, with Flask's default config."""

    def __init__(self, secret_key: str | bytes | None = "secret") -> None:
        self.config: dict[str, t.Any] = dict(flask.Flask.default_config)
        self.secret_key = secret_key

    @property
    def permanent_session_lifetime(self) -> datetime.timedelta:
        return t.cast(datetime.timedelta, self.config["PERMANENT_SESSION_LIFETIME"])


class FakeRequest:
    def __init__(self, cookies: dict[str, str] | None = None) -> None:
        self.cookies = cookies or {}


class FakeResponse:
    def __init__(self) -> None:
        self.vary: set[str] = set()
        self.cookies: list[tuple[str, str, dict[str, t.Any]]] = []
        self.deleted: list[tuple[str, dict[str, t.Any]]] = []

    def set_cookie(self, key: str, value: str = "", **kwargs: t.Any) -> None:
        self.cookies.append((key, value, kwargs))

    def delete_cookie(self, key: str, **kwargs: t.Any) -> None:
        self.deleted.append((key, kwargs))


def open_with(
    app: FakeApp, cookie: str | None, interface: SessionInterface | None = None
) -> t.Any:
    interface = interface or SecureCookieSessionInterface()
    cookies = {} if cookie is None else {"session": cookie}
    return interface.open_session(app, FakeRequest(cookies))  # type: ignore[arg-type]


def save_with(
    app: FakeApp, session: SessionMixin, interface: SessionInterface | None = None
) -> FakeResponse:
    interface = interface or SecureCookieSessionInterface()
    response = FakeResponse()
    interface.save_session(app, session, response)  # type: ignore[arg-type]
    return response


# --- SessionMixin and SecureCookieSession ---------------------------------------


class DictSession(dict[str, t.Any], SessionMixin):
    pass


def test_mixin_defaults_and_permanent() -> None:
    session = DictSession()
    assert (session.new, session.modified, session.accessed) == (False, True, False)
    assert session.permanent is False
    session.permanent = 1  # type: ignore[assignment]
    assert session["_permanent"] is True
    assert session.permanent is True
    session.permanent = False
    assert session == {"_permanent": False}


def test_new_cookie_session_is_untouched() -> None:
    session = SecureCookieSession({"a": 1})
    assert (session.new, session.modified, session.accessed) == (False, False, False)
    assert SecureCookieSession() == {}


READS: list[t.Callable[[SecureCookieSession], object]] = [
    lambda s: s["a"],
    lambda s: s.get("a"),
    lambda s: s.get("missing", 0),
    lambda s: "a" in s,
    lambda s: len(s),
    lambda s: bool(s),
    lambda s: list(s),
    lambda s: s.keys(),
    lambda s: s.values(),
    lambda s: s.items(),
    lambda s: dict(s),
    lambda s: s.permanent,
    lambda s: s.setdefault("a", 2),
]

WRITES: list[t.Callable[[SecureCookieSession], object]] = [
    lambda s: s.__setitem__("b", 2),
    lambda s: s.__delitem__("a"),
    lambda s: s.pop("a"),
    lambda s: s.popitem(),
    lambda s: s.clear(),
    lambda s: s.update(b=2),
    lambda s: s.setdefault("b", 2),
    lambda s: setattr(s, "permanent", True),
]


@pytest.mark.parametrize("read", READS)
def test_reads_set_accessed_only(
    read: t.Callable[[SecureCookieSession], object],
) -> None:
    session = SecureCookieSession({"a": 1})
    read(session)
    assert session.accessed is True
    assert session.modified is False


@pytest.mark.parametrize("write", WRITES)
def test_writes_set_modified_and_accessed(
    write: t.Callable[[SecureCookieSession], object],
) -> None:
    session = SecureCookieSession({"a": 1})
    write(session)
    assert session.modified is True
    assert session.accessed is True


def test_missing_key_still_raises_key_error() -> None:
    session = SecureCookieSession()
    with pytest.raises(KeyError):
        session["missing"]
    assert session.accessed is True


NULL_SESSION_WRITES: list[t.Callable[[NullSession], object]] = [
    lambda s: s.__setitem__("a", 1),
    lambda s: s.__delitem__("a"),
    lambda s: s.clear(),
    lambda s: s.pop("a"),
    lambda s: s.popitem(),
    lambda s: s.update(a=1),
    lambda s: s.setdefault("a", 1),
    lambda s: setattr(s, "permanent", True),
]


@pytest.mark.parametrize("write", NULL_SESSION_WRITES)
def test_null_session_refuses_writes_like_flask(
    write: t.Callable[[t.Any], object],
) -> None:
    with pytest.raises(RuntimeError) as ours:
        write(NullSession())
    with pytest.raises(RuntimeError) as theirs:
        write(flask.sessions.NullSession())
    assert str(ours.value) == str(theirs.value)
    assert "no secret key was set" in str(ours.value)


def test_null_session_reads_are_empty() -> None:
    session = NullSession()
    assert session.get("a") is None
    assert "a" not in session
    assert dict(session) == {}
    assert session.permanent is False


# --- SessionInterface -------------------------------------------------------------


def test_base_interface_is_abstract_and_makes_null_sessions() -> None:
    interface = SessionInterface()
    app = FakeApp()
    with pytest.raises(NotImplementedError):
        interface.open_session(app, FakeRequest())  # type: ignore[arg-type]
    with pytest.raises(NotImplementedError):
        interface.save_session(app, DictSession(), FakeResponse())  # type: ignore[arg-type]
    null = interface.make_null_session(app)  # type: ignore[arg-type]
    assert type(null) is NullSession
    assert interface.is_null_session(null) is True
    assert interface.is_null_session(SecureCookieSession()) is False
    assert interface.pickle_based is False


@pytest.mark.parametrize(
    ("method", "key", "value"),
    [
        ("get_cookie_name", "SESSION_COOKIE_NAME", "sid"),
        ("get_cookie_domain", "SESSION_COOKIE_DOMAIN", "example.com"),
        ("get_cookie_domain", "SESSION_COOKIE_DOMAIN", None),
        ("get_cookie_path", "SESSION_COOKIE_PATH", "/app"),
        ("get_cookie_httponly", "SESSION_COOKIE_HTTPONLY", False),
        ("get_cookie_secure", "SESSION_COOKIE_SECURE", True),
        ("get_cookie_samesite", "SESSION_COOKIE_SAMESITE", "Lax"),
        ("get_cookie_partitioned", "SESSION_COOKIE_PARTITIONED", True),
    ],
)
def test_cookie_settings_come_from_config(method: str, key: str, value: object) -> None:
    app = FakeApp()
    app.config[key] = value
    assert getattr(SessionInterface(), method)(app) == value
    flask_app = flask.Flask(__name__)
    flask_app.config[key] = value
    assert getattr(flask.sessions.SessionInterface(), method)(flask_app) == value


def test_cookie_path_falls_back_to_application_root() -> None:
    app = FakeApp()
    app.config["APPLICATION_ROOT"] = "/root"
    assert SessionInterface().get_cookie_path(app) == "/root"  # type: ignore[arg-type]


def test_expiration_time() -> None:
    app = FakeApp()
    interface = SessionInterface()
    session = DictSession()
    assert interface.get_expiration_time(app, session) is None  # type: ignore[arg-type]
    session.permanent = True
    before = datetime.datetime.now(UTC)
    expires = interface.get_expiration_time(app, session)  # type: ignore[arg-type]
    assert expires is not None
    assert expires.tzinfo is not None
    lifetime = app.permanent_session_lifetime
    assert before + lifetime <= expires <= datetime.datetime.now(UTC) + lifetime


@pytest.mark.parametrize(
    ("modified", "permanent", "refresh", "expected"),
    [
        (False, False, True, False),
        (True, False, True, True),
        (False, True, True, True),
        (False, True, False, False),
        (True, True, False, True),
    ],
)
def test_should_set_cookie(
    modified: bool, permanent: bool, refresh: bool, expected: bool
) -> None:
    app = FakeApp()
    app.config["SESSION_REFRESH_EACH_REQUEST"] = refresh
    session = SecureCookieSession({"_permanent": True} if permanent else {})
    session.modified = modified
    assert SessionInterface().should_set_cookie(app, session) is expected  # type: ignore[arg-type]


# --- SecureCookieSessionInterface: opening ---------------------------------------


def test_class_attributes_match_flask() -> None:
    interface = SecureCookieSessionInterface
    assert interface.salt == "cookie-session"
    assert interface.key_derivation == "hmac"
    assert interface.digest_method is hashlib.sha1
    assert interface.session_class is SecureCookieSession
    assert interface.null_session_class is NullSession
    assert interface.serializer is sessions.session_json_serializer


@pytest.mark.parametrize("secret_key", [None, "", b""])
def test_no_secret_key_means_no_session(secret_key: str | bytes | None) -> None:
    app = FakeApp(secret_key)
    interface = SecureCookieSessionInterface()
    assert interface.get_signing_serializer(app) is None  # type: ignore[arg-type]
    assert open_with(app, "anything") is None


@pytest.mark.parametrize("cookie", [None, ""])
def test_missing_cookie_gives_empty_session(cookie: str | None) -> None:
    session = open_with(FakeApp(), cookie)
    assert type(session) is SecureCookieSession
    assert session == {}
    assert (session.modified, session.accessed) == (False, False)


def test_save_then_open_round_trips_tagged_values() -> None:
    app = FakeApp()
    data = {
        "user": 42,
        "pair": (1, "two"),
        "raw": b"\x00\x01",
        "html": Markup("<b>"),
        "id": uuid.UUID(int=7),
        "when": datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    session = SecureCookieSession()
    session.update(data)
    response = save_with(app, session)
    [(name, value, _)] = response.cookies
    assert name == "session"
    opened = open_with(app, value)
    assert opened == data
    assert opened.modified is False


def valid_cookie(app: FakeApp, data: dict[str, t.Any] | None = None) -> str:
    interface = SecureCookieSessionInterface()
    signing = interface.get_signing_serializer(app)  # type: ignore[arg-type]
    assert signing is not None
    return signing.dumps(data or {"user": 1})


def hostile_cookies() -> list[tuple[str, str]]:
    app = FakeApp()
    good = valid_cookie(app)
    payload, timestamp, signature = good.split(".")
    other_salt = URLSafeTimedSerializer("secret", salt="other").dumps({"user": 1})
    other_key = URLSafeTimedSerializer("other", salt="cookie-session").dumps({"u": 1})
    return [
        ("truncated", good[:-1]),
        ("truncated-half", good[: len(good) // 2]),
        ("flipped-signature", f"{payload}.{timestamp}.{signature[::-1]}"),
        ("tampered-payload", f"{payload[:-2]}xx.{timestamp}.{signature}"),
        ("no-dots", "garbage"),
        ("only-dots", "...."),
        ("other-salt", other_salt),
        ("other-key", other_key),
        ("control-chars", "\x00\x01\x7f.\r\n.\t"),
        ("non-ascii", "s\u00e9ssion.\u2603.x"),
        ("huge", "A" * 3_000_000 + ".AAAA.AAAA"),
        ("many-dots", "." * 1_000_000),
    ]


@pytest.mark.parametrize(("label", "cookie"), hostile_cookies())
def test_bad_cookies_give_empty_new_session(label: str, cookie: str) -> None:
    session = open_with(FakeApp(), cookie)
    assert type(session) is SecureCookieSession
    assert session == {}


@pytest.mark.parametrize("payload", [[1, 2], "text", 5, None, [["a", 1]]])
def test_signed_non_dict_payload_gives_empty_session(payload: object) -> None:
    app = FakeApp()
    interface = SecureCookieSessionInterface()
    signing = interface.get_signing_serializer(app)  # type: ignore[arg-type]
    assert signing is not None
    session = open_with(app, signing.dumps(payload))
    assert session == {}


def test_expired_cookie_gives_empty_session(monkeypatch: pytest.MonkeyPatch) -> None:
    app = FakeApp()
    app.config["PERMANENT_SESSION_LIFETIME"] = datetime.timedelta(seconds=60)
    now = time.time()
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: now - 3600)
        old = valid_cookie(app)
    assert open_with(app, old) == {}
    assert open_with(app, valid_cookie(app)) == {"user": 1}


def test_fallback_keys_verify_and_current_key_signs() -> None:
    app = FakeApp("old-key")
    old_cookie = valid_cookie(app, {"a": 1})
    app.secret_key = "new-key"
    assert open_with(app, old_cookie) == {}
    app.config["SECRET_KEY_FALLBACKS"] = ["older", "old-key"]
    assert open_with(app, old_cookie) == {"a": 1}
    new_cookie = valid_cookie(app, {"b": 2})
    current_only = URLSafeTimedSerializer(
        "new-key",
        salt="cookie-session",
        signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1},
    )
    assert current_only.loads(new_cookie) == {"b": 2}


def test_signing_serializer_is_cached_until_settings_change() -> None:
    app = FakeApp()
    interface = SecureCookieSessionInterface()
    first = interface.get_signing_serializer(app)  # type: ignore[arg-type]
    assert interface.get_signing_serializer(app) is first  # type: ignore[arg-type]
    assert SecureCookieSessionInterface().get_signing_serializer(app) is first  # type: ignore[arg-type]
    cookie = valid_cookie(app)

    app.secret_key = "rotated"
    second = interface.get_signing_serializer(app)  # type: ignore[arg-type]
    assert second is not first
    assert open_with(app, cookie, interface) == {}

    app.config["SECRET_KEY_FALLBACKS"] = ["secret"]
    third = interface.get_signing_serializer(app)  # type: ignore[arg-type]
    assert third is not second
    assert open_with(app, cookie, interface) == {"user": 1}

    interface.salt = "another-salt"
    assert interface.get_signing_serializer(app) is not third  # type: ignore[arg-type]
    assert open_with(app, cookie, interface) == {}


def test_signing_serializer_cache_is_bounded() -> None:
    app = FakeApp()
    interface = SecureCookieSessionInterface()
    for number in range(sessions._SIGNING_SERIALIZERS_MAX * 3):
        app.secret_key = f"key-{number}"
        assert interface.get_signing_serializer(app) is not None  # type: ignore[arg-type]
        assert len(sessions._SIGNING_SERIALIZERS) <= sessions._SIGNING_SERIALIZERS_MAX
    cookie = valid_cookie(app)
    assert open_with(app, cookie, interface) == {"user": 1}


def test_bytes_secret_key_and_custom_digest() -> None:
    class Sha256Interface(SecureCookieSessionInterface):
        digest_method = staticmethod(hashlib.sha256)

    app = FakeApp(b"bytes-key")
    interface = Sha256Interface()
    session = SecureCookieSession()
    session["x"] = "y"
    response = save_with(app, session, interface)
    cookie = response.cookies[0][1]
    assert open_with(app, cookie, interface) == {"x": "y"}
    assert open_with(app, cookie) == {}


# --- SecureCookieSessionInterface: saving ----------------------------------------


def test_untouched_session_sets_nothing() -> None:
    response = save_with(FakeApp(), SecureCookieSession({"a": 1}))
    assert (response.cookies, response.deleted, response.vary) == ([], [], set())


def test_read_session_adds_vary_only() -> None:
    session = SecureCookieSession({"a": 1})
    session.get("a")
    response = save_with(FakeApp(), session)
    assert response.vary == {"Cookie"}
    assert response.cookies == []


def test_modified_session_sets_cookie_with_config_attributes() -> None:
    app = FakeApp()
    app.config.update(
        SESSION_COOKIE_NAME="sid",
        SESSION_COOKIE_DOMAIN="example.com",
        SESSION_COOKIE_PATH="/app",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_PARTITIONED=True,
        SESSION_COOKIE_HTTPONLY=False,
    )
    session = SecureCookieSession()
    session["a"] = 1
    response = save_with(app, session)
    [(name, value, kwargs)] = response.cookies
    assert name == "sid"
    assert kwargs == {
        "expires": None,
        "httponly": False,
        "domain": "example.com",
        "path": "/app",
        "secure": True,
        "partitioned": True,
        "samesite": "Strict",
    }
    assert response.vary == {"Cookie"}
    assert open_with(app, value) == {}  # cookie name differs
    opened = SecureCookieSessionInterface().open_session(
        app,  # type: ignore[arg-type]
        FakeRequest({"sid": value}),  # type: ignore[arg-type]
    )
    assert opened == {"a": 1}


def test_permanent_session_cookie_expires_and_refreshes() -> None:
    app = FakeApp()
    session = SecureCookieSession({"_permanent": True, "a": 1})
    response = save_with(app, session)
    [(_, _, kwargs)] = response.cookies
    expires = kwargs["expires"]
    assert isinstance(expires, datetime.datetime)
    assert expires > datetime.datetime.now(UTC) + datetime.timedelta(days=30)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    assert save_with(app, SecureCookieSession({"_permanent": True})).cookies == []


def test_emptied_session_deletes_cookie() -> None:
    app = FakeApp()
    app.config["SESSION_COOKIE_DOMAIN"] = "example.com"
    session = SecureCookieSession({"a": 1})
    session.clear()
    response = save_with(app, session)
    assert response.deleted == [
        (
            "session",
            {
                "domain": "example.com",
                "path": "/",
                "secure": False,
                "partitioned": False,
                "samesite": None,
                "httponly": True,
            },
        )
    ]
    assert response.cookies == []
    assert response.vary == {"Cookie"}


def test_empty_unmodified_session_deletes_nothing() -> None:
    session = SecureCookieSession()
    response = save_with(FakeApp(), session)
    assert (response.deleted, response.cookies, response.vary) == ([], [], set())


def test_saving_without_secret_key_raises() -> None:
    session = SecureCookieSession()
    session["a"] = 1
    with pytest.raises(RuntimeError, match="no secret key"):
        save_with(FakeApp(None), session)


def test_custom_mixin_session_is_saved() -> None:
    session = DictSession(a=1)
    response = save_with(FakeApp(), session)
    assert len(response.cookies) == 1
    assert response.vary == {"Cookie"}


# --- cookies cross-compatible with Flask -----------------------------------------

FLASK_DATA: dict[str, t.Any] = {
    "user_id": 7,
    "name": "é\u2603",
    "tuple": (1, (2, 3)),
    "bytes": b"\xff\x00",
    "markup": Markup("<em>hi</em>"),
    "uuid": uuid.UUID(int=99),
    "when": datetime.datetime(2023, 4, 5, 6, 7, 8, tzinfo=UTC),
    "nested": {"list": [1, {" t": "protected"}]},
}


def make_flask_app() -> flask.Flask:
    app = flask.Flask(__name__)
    app.secret_key = "shared-secret"

    @app.get("/set")
    def set_session() -> str:
        flask.session.update(FLASK_DATA)
        return "ok"

    @app.get("/read")
    def read_session() -> str:
        return repr(sorted(flask.session.items()))

    return app


def test_flask_cookie_opens_in_erlen() -> None:
    flask_app = make_flask_app()
    client = flask_app.test_client()
    client.get("/set")
    cookie = client.get_cookie("session")
    assert cookie is not None
    app = FakeApp("shared-secret")
    assert open_with(app, cookie.value) == FLASK_DATA


def test_erlen_cookie_opens_in_flask() -> None:
    app = FakeApp("shared-secret")
    interface = SecureCookieSessionInterface()
    signing = interface.get_signing_serializer(app)  # type: ignore[arg-type]
    assert signing is not None
    flask_app = make_flask_app()
    client = flask_app.test_client()
    client.set_cookie("session", signing.dumps(dict(FLASK_DATA)))
    body = client.get("/read").get_data(as_text=True)
    assert body == repr(sorted(FLASK_DATA.items()))


def test_erlen_saved_cookie_opens_in_flask_with_fallback_keys() -> None:
    app = FakeApp("new-secret")
    app.config["SECRET_KEY_FALLBACKS"] = ["shared-secret"]
    session = SecureCookieSession()
    session["k"] = (1, b"v")
    cookie = save_with(app, session).cookies[0][1]
    flask_app = make_flask_app()
    flask_app.secret_key = "other"
    flask_app.config["SECRET_KEY_FALLBACKS"] = ["new-secret"]
    client = flask_app.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/read").get_data(as_text=True) == repr([("k", (1, b"v"))])


# --- through the application, differential against Flask --------------------------


def install_session_routes(app: t.Any, session: t.Any) -> None:
    @app.get("/set")
    def set_value() -> str:
        session["value"] = (1, b"two")
        return "set"

    @app.get("/read")
    def read_value() -> str:
        return repr(session.get("value"))

    @app.get("/contains")
    def contains() -> str:
        return str("value" in session)

    @app.get("/keys")
    def keys() -> str:
        return ",".join(session)

    @app.get("/untouched")
    def untouched() -> str:
        return "untouched"

    @app.get("/clear")
    def clear() -> str:
        session.clear()
        return "cleared"

    @app.get("/permanent")
    def permanent() -> str:
        session.permanent = True
        session["p"] = 1
        return "permanent"


def normalise_response(response: t.Any) -> tuple[t.Any, ...]:
    """Status, body, Vary and Set-Cookie with the value and dates masked."""
    cookies = []
    for header in response.headers.getlist("Set-Cookie"):
        name_value, *attributes = header.split("; ")
        name, _, value = name_value.partition("=")
        kept = sorted(
            attribute.partition("=")[0]
            if attribute.startswith("Expires")
            else attribute
            for attribute in attributes
        )
        cookies.append((name, bool(value), kept))
    return (
        response.status_code,
        response.get_data(as_text=True),
        response.headers.get("Vary"),
        cookies,
    )


SCENARIOS = [
    ["/untouched"],
    ["/read"],
    ["/set", "/untouched"],
    ["/set", "/read"],
    ["/set", "/contains"],
    ["/set", "/keys"],
    ["/contains"],
    ["/set", "/clear"],
    ["/clear"],
    ["/permanent", "/untouched"],
    ["/permanent", "/read", "/clear"],
]


@pytest.mark.parametrize("paths", SCENARIOS, ids="+".join)
def test_session_cookies_match_flask_through_the_app(
    app: t.Any, paths: list[str]
) -> None:
    from erlen import session as erlen_session

    install_session_routes(app, erlen_session)
    flask_app = flask.Flask(__name__)
    flask_app.config.update(TESTING=True, SECRET_KEY="test key")
    install_session_routes(flask_app, flask.session)
    client = app.test_client()
    flask_client = flask_app.test_client()
    for path in paths:
        ours = normalise_response(client.get(path))
        theirs = normalise_response(flask_client.get(path))
        assert ours == theirs, path


def test_cookie_from_flask_app_read_by_erlen_app(app: t.Any) -> None:
    from erlen import session as erlen_session

    install_session_routes(app, erlen_session)
    flask_app = flask.Flask(__name__)
    flask_app.config.update(TESTING=True, SECRET_KEY="test key")
    install_session_routes(flask_app, flask.session)
    flask_client = flask_app.test_client()
    flask_client.get("/set")
    cookie = flask_client.get_cookie("session")
    assert cookie is not None
    client = app.test_client()
    client.set_cookie("session", cookie.value)
    assert client.get("/read").get_data(as_text=True) == "(1, b'two')"


def test_writing_without_secret_key_raises_like_flask(app: t.Any) -> None:
    from erlen import session as erlen_session

    app.config["SECRET_KEY"] = None
    install_session_routes(app, erlen_session)
    with pytest.raises(RuntimeError, match="no secret key was set"):
        app.test_client().get("/set")
    assert app.test_client().get("/read").get_data(as_text=True) == "None"
