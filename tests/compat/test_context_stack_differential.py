"""Pushes and pops of app and request contexts, in any order, on Flask and erlen.

erlen keeps both contexts in one context variable and emulates Flask's two
(``_cv_app``, ``_cv_request``); these seeded random sequences check that every
step leaves the same visible state as Flask 3.1: which contexts are active,
which app and request the proxies give, which ``g`` is current, and which pops
raise.
"""

from __future__ import annotations

import contextvars
import random
import threading
import typing as t

import flask
import flask.globals
import pytest

import erlen
import erlen.globals
from erlen import signals


class Side:
    """One framework's apps, contexts and observations."""

    def __init__(self, module: t.Any, app_class: t.Any, glob: t.Any) -> None:
        self.module = module
        self.glob = glob
        self.apps = [app_class("first"), app_class("second")]
        self.contexts: list[t.Any] = []
        self.g_seen: list[t.Any] = []  # kept alive, so identities stay unique

    def make(self, kind: str, app_index: int, path: str) -> None:
        app = self.apps[app_index]
        if kind == "app":
            self.contexts.append(app.app_context())
        else:
            self.contexts.append(app.test_request_context(path))

    def act(self, op: str, index: int) -> str:
        ctx = self.contexts[index]
        try:
            ctx.push() if op == "push" else ctx.pop()
        except Exception as e:  # AssertionError, LookupError: compared by type
            return type(e).__name__
        return "ok"

    def observe(self) -> tuple[t.Any, ...]:
        m = self.module
        has_app = m.has_app_context()
        has_req = m.has_request_context()
        app_name = m.current_app.name if has_app else None
        path = m.request.path if has_req else None
        g_id = None
        if has_app:
            g_obj = m.g._get_current_object()
            g_id = next(
                (i for i, seen in enumerate(self.g_seen) if seen is g_obj), None
            )
            if g_id is None:
                g_id = len(self.g_seen)
                self.g_seen.append(g_obj)
        app_ctx = self.glob._cv_app.get(None)
        req_ctx = self.glob._cv_request.get(None)
        return (
            has_app,
            has_req,
            app_name,
            path,
            g_id,
            self._index_of(app_ctx),
            self._index_of(req_ctx),
        )

    def _index_of(self, ctx: t.Any) -> t.Any:
        for i, known in enumerate(self.contexts):
            if ctx is known:
                return i
        return None if ctx is None else "created"  # made by a request push


def run_sequence(seed: int, steps: int = 14) -> None:
    rng = random.Random(seed)
    flask_side = Side(flask, flask.Flask, flask.globals)
    erlen_side = Side(erlen, erlen.Erlen, erlen.globals)
    sides = (flask_side, erlen_side)
    for _ in range(rng.randint(2, 4)):
        kind = rng.choice(["app", "request"])
        app_index = rng.randrange(2)
        path = f"/p{rng.randrange(100)}"
        for side in sides:
            side.make(kind, app_index, path)
    log: list[tuple[t.Any, ...]] = []
    for _ in range(steps):
        op = rng.choice(["push", "push", "pop"])
        index = rng.randrange(len(flask_side.contexts))
        results = [side.act(op, index) for side in sides]
        states = [side.observe() for side in sides]
        log.append((op, index, results[0], states[0]))
        assert results[1] == results[0], log
        assert states[1] == states[0], log


@pytest.mark.parametrize("seed", range(300))
def test_random_push_pop_sequences_match_flask(seed: int) -> None:
    # a copied context keeps the contexts a sequence leaves pushed (on purpose,
    # in both frameworks) away from the other tests
    contextvars.copy_context().run(run_sequence, seed)


def test_no_context_is_left_behind() -> None:
    assert not erlen.has_app_context()
    assert not erlen.has_request_context()
    assert erlen.globals._cv_ctx.get(None) is None


# -- a request served by the fast path: its app context is made on demand ----------


def test_app_context_of_a_fast_request_is_made_once_and_removed() -> None:
    app = erlen.Erlen(__name__)
    seen: list[t.Any] = []

    @app.get("/")
    def index() -> str:
        first = erlen.g._get_current_object()
        seen.append(first)
        seen.append(erlen.globals._cv_app.get())
        seen.append(erlen.globals.app_ctx.g)
        erlen.g.value = "kept"
        return erlen.g.value  # type: ignore[no-any-return]

    client = app.test_client()
    assert client.get("/").text == "kept"
    assert client.get("/").text == "kept"
    g1, ctx1, g1_again, g2, ctx2, _ = seen
    assert g1 is g1_again is ctx1.g
    assert g2 is ctx2.g and g2 is not g1
    assert ctx1 is not ctx2
    assert not erlen.has_app_context()


def test_fast_request_app_context_teardown_runs_when_a_receiver_appears() -> None:
    app = erlen.Erlen(__name__)
    torn: list[t.Any] = []

    def on_teardown(sender: t.Any, **kwargs: t.Any) -> None:
        torn.append((sender, erlen.has_app_context(), erlen.has_request_context()))

    @app.get("/")
    def index() -> str:
        # connected during the view: the request ends by the general path
        signals.appcontext_tearing_down.connect(on_teardown)
        return "ok"

    try:
        assert app.test_client().get("/").text == "ok"
    finally:
        signals.appcontext_tearing_down.disconnect(on_teardown)
    # as in Flask: the app context is still current, the request is not
    assert torn == [(app, True, False)]
    assert not erlen.has_app_context()


def test_request_stays_visible_in_an_app_context_pushed_by_the_view() -> None:
    app = erlen.Erlen(__name__)
    other = erlen.Erlen("other")

    @app.get("/here")
    def here() -> str:
        with other.app_context():
            inside = (erlen.current_app.name, erlen.request.path)
        return f"{inside[0]} {inside[1]} {erlen.current_app.name}"

    assert app.test_client().get("/here").text == f"other /here {app.name}"


def test_copied_request_context_runs_in_a_thread() -> None:
    app = erlen.Erlen(__name__)
    out: list[str] = []

    @app.get("/t")
    def view() -> str:
        @erlen.copy_current_request_context
        def work() -> None:
            out.append(f"{erlen.request.path} {erlen.current_app.name}")
            erlen.g.x = 1

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return "done"

    assert app.test_client().get("/t").text == "done"
    assert out == [f"/t {app.name}"]


# -- the _cv_app and _cv_request views --------------------------------------------


def test_views_get_set_and_reset_like_context_variables() -> None:
    cv_app = erlen.globals._cv_app
    cv_request = erlen.globals._cv_request
    with pytest.raises(LookupError):
        cv_app.get()
    assert cv_request.get("default") == "default"
    app = erlen.Erlen(__name__)
    app_ctx = app.app_context()
    token = cv_app.set(app_ctx)
    assert token.var is cv_app and token.old_value is None
    assert cv_app.get() is app_ctx
    assert erlen.current_app._get_current_object() is app
    with pytest.raises(ValueError, match="different variable"):
        cv_request.reset(token)
    cv_app.reset(token)
    assert cv_app.get(None) is None
    assert "erlen.app_ctx" in repr(cv_app) and cv_request.name == "erlen.request_ctx"


def test_a_stand_in_app_context_is_accepted() -> None:
    class StandIn:
        def __init__(self, app: t.Any) -> None:
            self.app = app

    app = erlen.Erlen(__name__)
    token = erlen.globals._cv_app.set(StandIn(app))  # type: ignore[arg-type]
    try:
        assert erlen.current_app._get_current_object() is app
        assert erlen.has_app_context()
        assert not erlen.has_request_context()
        with pytest.raises(RuntimeError, match="outside of request context"):
            erlen.request.path  # noqa: B018
        with pytest.raises(RuntimeError, match="outside of request context"):
            erlen.session.get("x")
    finally:
        erlen.globals._cv_app.reset(token)


def test_request_without_app_context_after_an_out_of_order_reset() -> None:
    app = erlen.Erlen(__name__)
    cv_app = erlen.globals._cv_app
    app_token = cv_app.set(app.app_context())
    req_ctx = app.test_request_context("/alone")
    req_token = erlen.globals._cv_request.set(req_ctx)
    try:
        cv_app.reset(app_token)  # out of order: the request variable stays
        assert erlen.has_request_context()
        assert not erlen.has_app_context()
        assert erlen.request.path == "/alone"
        with pytest.raises(RuntimeError, match="outside of application context"):
            erlen.current_app.name  # noqa: B018
        with pytest.raises(RuntimeError, match="outside of application context"):
            erlen.g.get("x")
    finally:
        erlen.globals._cv_request.reset(req_token)
    assert erlen.globals._cv_ctx.get(None) is None


def test_app_context_has_no_request_attribute() -> None:
    app = erlen.Erlen(__name__)
    with app.app_context() as ctx:
        assert not hasattr(ctx, "request")
        with pytest.raises(RuntimeError, match="outside of request context"):
            erlen.request.args  # noqa: B018
        assert not erlen.request
        assert repr(erlen.request) == "<LocalProxy unbound>"


def test_an_error_inside_a_context_attribute_is_not_hidden() -> None:
    app = erlen.Erlen(__name__)
    app.secret_key = "k"
    app.session_interface = erlen.sessions.SecureCookieSessionInterface()

    def broken(app: t.Any, request: t.Any) -> t.Any:
        raise AttributeError("broken session interface")

    with app.test_request_context("/"):
        # the built-in interface opens the session on first use
        app.session_interface.open_session = broken  # type: ignore[method-assign]
        with pytest.raises(AttributeError, match="broken session interface"):
            erlen.session.get("x")


# -- a view that pushes its own request context again, on the fast path ------------


def _serve_repush(module: t.Any, app_class: t.Any, leak: bool) -> tuple[t.Any, ...]:
    app = app_class(__name__)

    @app.get("/again")
    def again() -> str:
        ctx = module.globals._cv_request.get()
        ctx.push()
        inner = module.request.path
        if not leak:
            ctx.pop()
        return inner  # type: ignore[no-any-return]

    text = app.test_client().get("/again").text
    left = module.globals._cv_request.get(None)
    return (
        text,
        module.has_request_context(),
        module.has_app_context(),
        None if left is None else left.request.path,
    )


@pytest.mark.parametrize("leak", [False, True])
def test_view_pushing_its_request_context_again_matches_flask(leak: bool) -> None:
    def run(module: t.Any, app_class: t.Any) -> tuple[t.Any, ...]:
        return contextvars.copy_context().run(_serve_repush, module, app_class, leak)

    expected = run(flask, flask.Flask)
    assert run(erlen, erlen.Erlen) == expected
    # as in Flask, a leaked push stays current after the request
    assert expected[1] is leak
