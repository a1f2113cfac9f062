"""Tests for erlen.datastructures.auth (Authorization, WWWAuthenticate)."""

from __future__ import annotations

import base64

import pytest

from erlen.datastructures import Authorization
from erlen.datastructures import WWWAuthenticate


def _basic(raw: bytes) -> str:
    return "Basic " + base64.b64encode(raw).decode()


AUTH_HEADERS = [
    _basic(b"user:pass"),
    _basic(b"user:pa:ss"),
    _basic(b"nocolon"),
    _basic("ünï:cödé".encode()),
    "basic " + base64.b64encode(b"a:b").decode(),
    "Bearer abc.def-ghi",
    "Bearer abc==",
    'Digest username="u", realm="r", nonce="n", uri="/", response="x"',
    "Token a=b",
    "Custom",
    "Basic !!!",
    "Basic YWJj",
    _basic(b"\xff\xfe:x"),
]


@pytest.mark.parametrize("header", AUTH_HEADERS)
def test_authorization_matches_werkzeug(header: str) -> None:
    from werkzeug.datastructures import Authorization as WzAuthorization

    ours = Authorization.from_header(header)
    theirs = WzAuthorization.from_header(header)
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    assert ours.type == theirs.type
    assert ours.parameters == theirs.parameters
    assert ours.token == theirs.token
    assert ours.to_header() == theirs.to_header()


@pytest.mark.parametrize("header", [None, "", "Basic é", "Basic ====", "Basic a"])
def test_authorization_bad_values_give_none(header: str | None) -> None:
    assert Authorization.from_header(header) is None


def test_authorization_access() -> None:
    auth = Authorization.from_header(_basic(b"user:secret"))
    assert auth is not None
    assert auth.type == "basic"
    assert auth.username == "user"
    assert auth.password == "secret"
    assert auth["username"] == "user"
    assert auth.get("missing", "d") == "d"
    assert auth.missing is None
    assert "username" in auth
    assert auth == Authorization("basic", {"username": "user", "password": "secret"})
    assert auth != Authorization("basic", {"username": "other", "password": "secret"})
    assert auth.__eq__("x") is NotImplemented
    assert str(auth) == _basic(b"user:secret")
    assert repr(auth) == f"<Authorization {_basic(b'user:secret')}>"
    with pytest.raises(AttributeError):
        auth.__wrapped__  # noqa: B018  # dunder lookups must not hit parameters
    bearer = Authorization("bearer", token="tok")
    assert bearer.to_header() == "Bearer tok"
    assert bearer.parameters == {}
    params = Authorization("digest", {"a": "b c"})
    assert params.to_header() == 'Digest a="b c"'


WWW_HEADERS = [
    'Basic realm="app"',
    "Basic realm=app, charset=UTF-8",
    'Digest realm="r", nonce="n", qop="auth", algorithm=MD5, opaque="o"',
    "Bearer",
    "Bearer token68==",
    'Bearer realm="example", error="invalid_token"',
]


@pytest.mark.parametrize("header", WWW_HEADERS)
def test_www_authenticate_matches_werkzeug(header: str) -> None:
    from werkzeug.datastructures import WWWAuthenticate as WzWWWAuthenticate

    ours = WWWAuthenticate.from_header(header)
    theirs = WzWWWAuthenticate.from_header(header)
    assert ours is not None and theirs is not None
    assert ours.type == theirs.type
    assert ours.parameters == theirs.parameters
    assert ours.token == theirs.token
    assert ours.to_header() == theirs.to_header()
    assert repr(ours) == repr(theirs)


def test_www_authenticate_updates() -> None:
    calls: list[str] = []
    www = WWWAuthenticate("Basic", {"realm": "x"})
    assert www.type == "basic"
    www._on_update = lambda w: calls.append(w.to_header())
    www.realm = "y"
    assert www.realm == "y"
    assert www["realm"] == "y"
    assert www.get("missing", "d") == "d"
    assert www.missing is None
    www["charset"] = "UTF-8"
    www["charset"] = None
    www["charset"] = None  # absent: no call
    del www.realm
    del www["realm"]  # absent: no call
    www.parameters["a"] = "b"
    assert calls == [
        "Basic realm=y",
        "Basic realm=y, charset=UTF-8",
        "Basic realm=y",
        "Basic ",
        "Basic a=b",
    ]
    www.type = "Bearer"
    www.token = "tok"
    assert calls[-2:] == ["Bearer a=b", "Bearer tok"]
    www.parameters = {"realm": "z"}
    www.token = None
    assert www.to_header() == "Bearer realm=z"
    assert "realm" in www
    assert www == WWWAuthenticate("bearer", {"realm": "z"})
    assert www.__eq__(1) is NotImplemented
    assert str(www) == "Bearer realm=z"
    with pytest.raises(AttributeError):
        www.__wrapped__  # noqa: B018


def test_www_authenticate_without_callback() -> None:
    www = WWWAuthenticate("basic")
    www.realm = "x"
    www.type = "digest"
    assert www.to_header() == 'Digest realm="x"'


def test_www_authenticate_empty() -> None:
    assert WWWAuthenticate.from_header(None) is None
    assert WWWAuthenticate.from_header("") is None
