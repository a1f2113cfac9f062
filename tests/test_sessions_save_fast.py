"""SecureCookieSessionInterface.save_session's plain path against the general one.

While neither the interface's hooks nor the response's ``vary`` are overridden,
``save_session`` reads the config itself and writes ``Vary: Cookie`` without
parsing an absent header. Each test saves the same session both ways and
compares every header and the session's flags.
"""

from __future__ import annotations

import datetime
import typing as t

import pytest

from erlen import Erlen
from erlen import _session_save
from erlen.sessions import SecureCookieSession
from erlen.sessions import SecureCookieSessionInterface
from erlen.sessions import SessionMixin
from erlen.wrappers import Response

NOW = 1_800_000_000.0


@pytest.fixture(autouse=True)
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.time", lambda: NOW)


class GeneralInterface(SecureCookieSessionInterface):
    """Overrides a hook without changing it: save_session takes the general path."""

    def get_cookie_name(self, app: t.Any) -> str:
        return super().get_cookie_name(app)


class DictSession(dict[str, t.Any], SessionMixin):
    accessed = True


def _make_session(
    kind: str, items: dict[str, t.Any], accessed: bool, modified: bool
) -> SessionMixin:
    session: SessionMixin
    if kind == "cookie":
        session = SecureCookieSession(items)
        session.accessed = accessed
        session.modified = modified
    else:
        session = DictSession(items)
    return session


def _save(
    app: Erlen,
    interface: SecureCookieSessionInterface,
    session: SessionMixin,
    vary: str | None,
) -> Response:
    response = Response("body")
    if vary is not None:
        response.headers["Vary"] = vary
    with app.app_context():
        interface.save_session(app, session, response)
    return response


CASES = [
    # (items, accessed, modified, permanent)
    ({"count": 6}, True, True, False),
    ({"count": 6}, True, False, False),
    ({"count": 6}, False, True, False),  # modified without being read
    ({"count": 6}, False, False, False),
    ({"count": 6}, True, False, True),  # permanent: refreshed unmodified
    ({}, True, True, False),  # emptied: deleted
    ({}, False, False, False),
    ({}, True, False, False),
    ({"nested": {"a": [1, (2,)]}, "b": b"x"}, True, True, True),
]


@pytest.mark.parametrize(("items", "accessed", "modified", "permanent"), CASES)
@pytest.mark.parametrize("vary", [None, "Accept", "Cookie", "cookie", "", "A, Cookie"])
@pytest.mark.parametrize("kind", ["cookie", "mixin"])
def test_plain_save_equals_general_save(
    items: dict[str, t.Any],
    accessed: bool,
    modified: bool,
    permanent: bool,
    vary: str | None,
    kind: str,
) -> None:
    app = Erlen(__name__)
    app.secret_key = "secret"
    app.config.update(
        SESSION_COOKIE_DOMAIN="example.org", SESSION_COOKIE_SAMESITE="Lax"
    )
    if permanent:
        items = {**items, "_permanent": True}
    plain = SecureCookieSessionInterface()
    general = GeneralInterface()
    fast_session = _make_session(kind, items, accessed, modified)
    slow_session = _make_session(kind, items, accessed, modified)
    assert _session_save.is_plain(plain, Response(), SecureCookieSessionInterface)
    assert not _session_save.is_plain(general, Response(), SecureCookieSessionInterface)
    fast = _save(app, plain, fast_session, vary)
    slow = _save(app, general, slow_session, vary)
    assert fast.headers.to_wsgi_list() == slow.headers.to_wsgi_list()
    assert fast_session.accessed == slow_session.accessed
    assert fast_session.modified == slow_session.modified


def test_plain_save_without_secret_key_raises_like_the_general_path() -> None:
    app = Erlen(__name__)
    session = SecureCookieSession({"a": 1})
    session.modified = True
    for interface in (SecureCookieSessionInterface(), GeneralInterface()):
        with pytest.raises(RuntimeError, match="no secret key"):
            _save(app, interface, session, None)


def test_plain_save_honours_config_changes_between_requests() -> None:
    app = Erlen(__name__)
    app.secret_key = "secret"
    interface = SecureCookieSessionInterface()
    session = SecureCookieSession({"a": 1})
    session.modified = True
    app.config.update(SESSION_COOKIE_NAME="first", SESSION_COOKIE_PATH="/p")
    assert (
        _save(app, interface, session, None).headers["Set-Cookie"].startswith("first=")
    )
    app.config.update(SESSION_COOKIE_NAME="second", SESSION_COOKIE_PATH=None)
    cookie = _save(app, interface, session, None).headers["Set-Cookie"]
    assert cookie.startswith("second=")
    assert "Path=/" in cookie


def test_permanent_cookie_expires_after_the_lifetime() -> None:
    app = Erlen(__name__)
    app.secret_key = "secret"
    app.permanent_session_lifetime = datetime.timedelta(days=2)
    session = SecureCookieSession({"_permanent": True})
    before = datetime.datetime.now(datetime.timezone.utc)
    cookie = _save(app, SecureCookieSessionInterface(), session, None)
    expires = cookie.headers["Set-Cookie"].split("Expires=")[1].split(";")[0]
    when = datetime.datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT")
    delta = when.replace(tzinfo=datetime.timezone.utc) - before
    assert datetime.timedelta(days=2, seconds=-2) < delta <= datetime.timedelta(days=2)


class VaryResponse(Response):
    @property
    def vary(self) -> t.Any:  # type: ignore[override]  # read-only on purpose
        raise AssertionError("the plain path must not be taken")


class NoVaryResponse:
    headers: t.Any = None


def _is_plain(interface: SecureCookieSessionInterface, response: t.Any) -> bool:
    return _session_save.is_plain(interface, response, SecureCookieSessionInterface)


def test_is_plain_by_class_and_instance() -> None:
    interface = SecureCookieSessionInterface()
    assert _is_plain(interface, Response())

    class SubResponse(Response):
        pass

    assert _is_plain(interface, SubResponse())
    assert not _is_plain(interface, VaryResponse())
    assert not _is_plain(interface, NoVaryResponse())

    class Renamed(SecureCookieSessionInterface):
        salt = "other"  # not a hook: still plain

    assert _is_plain(Renamed(), Response())
    replaced = SecureCookieSessionInterface()
    replaced.get_cookie_name = lambda app: "mine"  # type: ignore[method-assign]
    assert not _is_plain(replaced, Response())


def test_plain_class_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_session_save, "_PLAIN_CLASSES", {})
    for number in range(_session_save._PLAIN_CLASSES_MAX + 3):
        cls = type(f"Interface{number}", (SecureCookieSessionInterface,), {})
        assert _is_plain(cls(), Response())
        assert len(_session_save._PLAIN_CLASSES) <= _session_save._PLAIN_CLASSES_MAX


def test_through_the_app_vary_and_cookie_written_once(app: Erlen) -> None:
    @app.get("/count")
    def count() -> str:
        from erlen import session

        session["n"] = session.get("n", 0) + 1
        return str(session["n"])

    client = app.test_client()
    first = client.get("/count")
    assert first.headers.getlist("Vary") == ["Cookie"]
    assert len(first.headers.getlist("Set-Cookie")) == 1
    assert client.get("/count").text == "2"
