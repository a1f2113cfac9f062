"""The context proxies: what they point to and how they fail outside a context."""

from __future__ import annotations

import typing as t

import pytest

from erlen import Erlen
from erlen import Request
from erlen import current_app
from erlen import g
from erlen import request
from erlen import session
from erlen.ctx import AppContext
from erlen.ctx import RequestContext
from erlen.globals import app_ctx
from erlen.globals import request_ctx

APP_PROXIES: list[tuple[str, t.Any]] = [
    ("current_app", current_app),
    ("g", g),
    ("app_ctx", app_ctx),
]
REQUEST_PROXIES: list[tuple[str, t.Any]] = [
    ("request", request),
    ("session", session),
    ("request_ctx", request_ctx),
]


@pytest.mark.parametrize(
    ("name", "proxy"), APP_PROXIES, ids=[n for n, _ in APP_PROXIES]
)
def test_app_proxies_outside_a_context_explain_the_fix(name: str, proxy: t.Any) -> None:
    with pytest.raises(RuntimeError) as info:
        proxy.anything  # noqa: B018 - the access is what raises
    message = str(info.value)
    assert message.startswith("Working outside of application context.")
    assert "app.app_context()" in message
    assert not proxy
    assert repr(proxy) == "<LocalProxy unbound>"


@pytest.mark.parametrize(
    ("name", "proxy"), REQUEST_PROXIES, ids=[n for n, _ in REQUEST_PROXIES]
)
@pytest.mark.usefixtures("app_ctx")
def test_request_proxies_outside_a_context_explain_the_fix(
    name: str, proxy: t.Any
) -> None:
    with pytest.raises(RuntimeError) as info:
        proxy.anything  # noqa: B018 - the access is what raises
    message = str(info.value)
    assert message.startswith("Working outside of request context.")
    assert "testing" in message


def test_proxies_point_to_the_current_objects(app: Erlen) -> None:
    with app.test_request_context("/here") as ctx:
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        current_ctx: t.Any = app_ctx
        assert g._get_current_object() is current_ctx.g
        assert request._get_current_object() is ctx.request  # type: ignore[attr-defined]
        assert session._get_current_object() is ctx.session  # type: ignore[attr-defined]
        assert request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]


def test_proxies_pass_isinstance_checks(app: Erlen) -> None:
    with app.test_request_context():
        assert isinstance(request, Request)
        assert isinstance(current_app, Erlen)
        assert isinstance(request_ctx, RequestContext)
        assert isinstance(app_ctx, AppContext)


def test_proxies_are_usable_in_views(app: Erlen, client: t.Any) -> None:
    @app.route("/<name>")
    def view(name: str) -> str:
        g.name = name
        session["seen"] = True
        return f"{current_app.name} {request.path} {g.name} {session['seen']}"

    assert client.get("/x").text == "erlen_test /x x True"


def test_proxies_are_importable_from_flask_locations() -> None:
    import erlen
    import erlen.globals

    for name in ("current_app", "g", "request", "session"):
        assert getattr(erlen, name) is getattr(erlen.globals, name)
