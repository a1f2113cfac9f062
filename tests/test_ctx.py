"""Application and request contexts: pushing, nesting, popping, ``g``, helpers."""

from __future__ import annotations

import threading
import typing as t

import pytest

from erlen import Erlen
from erlen import Response
from erlen import current_app
from erlen import g
from erlen import request
from erlen import session
from erlen.ctx import AppContext
from erlen.ctx import RequestContext
from erlen.ctx import _AppCtxGlobals
from erlen.ctx import after_this_request
from erlen.ctx import copy_current_request_context
from erlen.ctx import has_app_context
from erlen.ctx import has_request_context
from erlen.globals import app_ctx
from erlen.globals import request_ctx
from erlen.sessions import SecureCookieSessionInterface


def test_app_context_pushes_current_app_and_g(app: Erlen) -> None:
    assert not has_app_context()
    with app.app_context() as ctx:
        assert isinstance(ctx, AppContext)
        assert has_app_context()
        assert not has_request_context()
        assert current_app._get_current_object() is app  # type: ignore[attr-defined]
        assert app_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        g.value = 1
        assert ctx.g.value == 1
    assert not has_app_context()


def test_each_app_context_has_its_own_g(app: Erlen) -> None:
    with app.app_context():
        g.name = "outer"
        with app.app_context():
            assert "name" not in g
            g.name = "inner"
        assert g.name == "outer"


def test_nested_push_of_the_same_context_tears_down_once(app: Erlen) -> None:
    calls: list[BaseException | None] = []
    app.teardown_appcontext(calls.append)
    ctx = app.app_context()
    ctx.push()
    ctx.push()
    ctx.pop()
    assert calls == []
    assert has_app_context()
    ctx.pop()
    assert calls == [None]
    assert not has_app_context()


def test_teardown_appcontext_gets_the_exception(app: Erlen) -> None:
    calls: list[BaseException | None] = []
    app.teardown_appcontext(calls.append)
    with pytest.raises(ZeroDivisionError):
        with app.app_context():
            1 / 0  # noqa: B018 - raises
    assert isinstance(calls[0], ZeroDivisionError)


def test_pop_without_exc_uses_the_exception_being_handled(app: Erlen) -> None:
    calls: list[BaseException | None] = []
    app.teardown_appcontext(calls.append)
    ctx = app.app_context()
    ctx.push()
    try:
        raise KeyError("handled")
    except KeyError:
        ctx.pop()
    assert isinstance(calls[0], KeyError)


def test_teardown_appcontext_runs_last_registered_first(app: Erlen) -> None:
    order: list[str] = []
    app.teardown_appcontext(lambda e: order.append("first"))
    app.teardown_appcontext(lambda e: order.append("second"))
    with app.app_context():
        pass
    assert order == ["second", "first"]


def test_popping_the_wrong_app_context_is_an_assertion_error(app: Erlen) -> None:
    outer = app.app_context()
    inner = app.app_context()
    outer.push()
    inner.push()
    with pytest.raises(AssertionError, match="Popped wrong app context"):
        outer.pop()
    # COMPAT: like Flask, the wrong pop still resets to before ``outer``.
    assert not has_app_context()


def test_popping_the_wrong_request_context_is_an_assertion_error(app: Erlen) -> None:
    outer = app.test_request_context("/outer")
    inner = app.test_request_context("/inner")
    outer.push()
    inner.push()
    with pytest.raises(AssertionError, match="Popped wrong request context") as info:
        outer.pop()
    assert "/inner" in str(info.value)
    assert not has_request_context()
    assert not has_app_context()


def test_request_context_pushes_an_app_context(app: Erlen) -> None:
    with app.test_request_context("/path?x=1", method="POST") as ctx:
        assert isinstance(ctx, RequestContext)
        assert has_request_context()
        assert has_app_context()
        assert request.path == "/path"
        assert request.args["x"] == "1"
        assert request.method == "POST"
        assert request_ctx._get_current_object() is ctx  # type: ignore[attr-defined]
        assert current_app.name == "erlen_test"
    assert not has_app_context()


def test_request_context_reuses_an_active_app_context_of_the_same_app(
    app: Erlen,
) -> None:
    with app.app_context() as actx:
        g.marker = "kept"
        with app.test_request_context():
            assert app_ctx._get_current_object() is actx  # type: ignore[attr-defined]
            assert g.marker == "kept"
        assert has_app_context()


def test_request_context_of_another_app_pushes_its_own_app_context(
    app: Erlen,
) -> None:
    other = Erlen("other_app")
    with app.app_context():
        with other.test_request_context():
            assert current_app.name == "other_app"
        assert current_app.name == "erlen_test"


def test_request_context_repr(app: Erlen) -> None:
    ctx = app.test_request_context("/r?q=1", method="PUT")
    assert repr(ctx) == "<RequestContext 'http://localhost/r?q=1' [PUT] of erlen_test>"


def test_teardown_request_and_appcontext_run_on_pop(app: Erlen) -> None:
    events: list[str] = []
    app.teardown_request(lambda e: events.append(f"request {e!r}"))
    app.teardown_appcontext(lambda e: events.append(f"app {e!r}"))
    with app.test_request_context():
        pass
    assert events == ["request None", "app None"]


def test_request_context_pop_with_exception_passes_it_on(app: Erlen) -> None:
    seen: list[BaseException | None] = []
    app.teardown_request(seen.append)
    app.teardown_appcontext(seen.append)
    error = ValueError("x")
    ctx = app.test_request_context()
    ctx.push()
    ctx.pop(error)
    assert seen == [error, error]


def test_nested_request_context_push_keeps_the_request(app: Erlen) -> None:
    seen: list[BaseException | None] = []
    app.teardown_request(seen.append)
    ctx = app.test_request_context("/nested")
    ctx.push()
    ctx.push()
    ctx.pop()
    assert request.path == "/nested"
    assert seen == []
    ctx.pop()
    assert seen == [None]
    assert not has_request_context()


def test_request_is_detached_from_environ_after_pop(app: Erlen) -> None:
    ctx = app.test_request_context()
    with ctx:
        pass
    assert ctx.request.environ["erlen.request"] is None


def test_url_adapter_is_bound_to_the_request(app: Erlen) -> None:
    @app.route("/a/<int:n>")
    def a(n: int) -> str:
        return str(n)

    with app.test_request_context("/a/3", base_url="https://h.example/root") as ctx:
        adapter = ctx.url_adapter
        assert adapter is not None
        assert adapter.build("a", {"n": 4}) == "/root/a/4"
        assert ctx.url_adapter is adapter
        assert request.view_args == {"n": 3}
        assert request.endpoint == "a"
        ctx.url_adapter = None
        assert ctx.url_adapter is None


def test_app_context_url_adapter_needs_server_name(app: Erlen) -> None:
    with app.app_context() as ctx:
        assert ctx.url_adapter is None
        sentinel: t.Any = object()
        ctx.url_adapter = sentinel
        assert ctx.url_adapter is sentinel
    app.config["SERVER_NAME"] = "example.org"
    with app.app_context() as ctx:
        assert ctx.url_adapter is not None


def test_routing_exception_is_stored_on_the_request(app: Erlen) -> None:
    with app.test_request_context("/missing"):
        assert request.url_rule is None
        assert request.routing_exception is not None
        assert request.routing_exception.code == 404  # type: ignore[attr-defined]


def test_session_is_opened_lazily_for_the_builtin_interface(app: Erlen) -> None:
    with app.test_request_context() as ctx:
        opened_before = ctx.session_is_open
        session["k"] = "v"
        assert (opened_before, ctx.session_is_open) == (False, True)
        assert ctx.session["k"] == "v"


def test_custom_session_interface_is_opened_at_push(app: Erlen) -> None:
    opened: list[str] = []

    class Interface(SecureCookieSessionInterface):
        def open_session(self, app: t.Any, request: t.Any) -> t.Any:
            opened.append(request.path)
            return super().open_session(app, request)

    app.session_interface = Interface()
    with app.test_request_context("/p") as ctx:
        assert opened == ["/p"]
        assert ctx.session_is_open


def test_session_can_be_replaced(app: Erlen) -> None:
    from erlen.sessions import SecureCookieSession

    replacement = SecureCookieSession({"a": 1})
    with app.test_request_context() as ctx:
        ctx.session = replacement
        assert session["a"] == 1


def test_copy_keeps_request_and_session(app: Erlen) -> None:
    with app.test_request_context("/c") as ctx:
        session["x"] = 1
        copied = ctx.copy()
        assert copied.request is ctx.request
        assert copied.session is ctx.session
        assert copied is not ctx


# -- g ----------------------------------------------------------------------------


def test_g_behaves_like_a_namespace(app_ctx: AppContext) -> None:
    g.a = 1
    assert g.get("a") == 1
    assert g.get("b") is None
    assert g.get("b", 2) == 2
    assert g.setdefault("c", 3) == 3
    assert g.setdefault("c", 4) == 3
    assert "c" in g
    assert sorted(g) == ["a", "c"]
    assert g.pop("a") == 1
    assert g.pop("a", "gone") == "gone"
    with pytest.raises(KeyError):
        g.pop("a")
    del g.c
    with pytest.raises(AttributeError):
        del g.c
    with pytest.raises(AttributeError, match="missing"):
        g.missing  # noqa: B018 - the access is what raises
    assert repr(g) == "<erlen.g of 'erlen_test'>"


def test_g_repr_outside_a_context_is_the_default() -> None:
    globals_ = _AppCtxGlobals()
    assert repr(globals_).startswith("<erlen.ctx._AppCtxGlobals object at")


def test_custom_app_ctx_globals_class(app: Erlen) -> None:
    class Globals(_AppCtxGlobals):
        preset = "class value"

    app.app_ctx_globals_class = Globals
    with app.app_context():
        assert g.preset == "class value"


def test_g_lives_for_one_request(app: Erlen) -> None:
    @app.route("/")
    def index() -> str:
        count = g.setdefault("count", 0) + 1
        g.count = count
        return str(count)

    client = app.test_client()
    assert client.get("/").text == "1"
    assert client.get("/").text == "1"


# -- after_this_request and copy_current_request_context ---------------------------


def test_after_this_request_runs_before_after_request_hooks(
    app: Erlen, client: t.Any
) -> None:
    order: list[str] = []

    @app.after_request
    def hook(response: Response) -> Response:
        order.append("hook")
        return response

    @app.route("/")
    def index() -> str:
        @after_this_request
        def first(response: Response) -> Response:
            order.append("first")
            response.headers["X-First"] = "1"
            return response

        @after_this_request
        def second(response: Response) -> Response:
            order.append("second")
            return response

        return "ok"

    rv = client.get("/")
    assert rv.headers["X-First"] == "1"
    assert order == ["first", "second", "hook"]


def test_after_this_request_async_function(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        @after_this_request
        async def later(response: Response) -> Response:
            response.headers["X-Async"] = "yes"
            return response

        return "ok"

    assert client.get("/").headers["X-Async"] == "yes"


def test_after_this_request_outside_request_is_an_error(app_ctx: AppContext) -> None:
    with pytest.raises(RuntimeError, match="'after_this_request' can only be used"):
        after_this_request(lambda r: r)


def test_copy_current_request_context_in_a_thread(app: Erlen, client: t.Any) -> None:
    results: list[str] = []

    @app.route("/")
    def index() -> str:
        session["who"] = "me"

        @copy_current_request_context
        def work() -> None:
            results.append(f"{request.path} {session['who']}")

        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
        return "ok"

    assert client.get("/").text == "ok"
    assert results == ["/ me"]


def test_copy_current_request_context_runs_async_functions(app: Erlen) -> None:
    with app.test_request_context("/async"):

        @copy_current_request_context
        async def work(suffix: str) -> str:
            return request.path + suffix

    run: t.Any = work
    assert run("!") == "/async!"
    assert work.__name__ == "work"


def test_copy_current_request_context_outside_request_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="'copy_current_request_context'"):
        copy_current_request_context(lambda: None)


# -- threads ------------------------------------------------------------------------


def test_each_thread_has_its_own_context(app: Erlen) -> None:
    barrier = threading.Barrier(4)
    seen: dict[int, tuple[str, int]] = {}

    def worker(number: int) -> None:
        with app.test_request_context(f"/t/{number}"):
            g.number = number
            barrier.wait()
            seen[number] = (request.path, g.number)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {n: (f"/t/{n}", n) for n in range(4)}


def test_a_new_thread_starts_without_a_context(app: Erlen) -> None:
    seen: list[bool] = []
    with app.test_request_context():
        thread = threading.Thread(
            target=lambda: seen.extend([has_app_context(), has_request_context()])
        )
        thread.start()
        thread.join()
    assert seen == [False, False]


def test_many_requests_do_not_leak_contexts(app: Erlen, client: t.Any) -> None:
    @app.route("/")
    def index() -> str:
        return request.path

    for _ in range(200):
        assert client.get("/").text == "/"
    assert not has_app_context()
    assert not has_request_context()


def test_context_signals_fire_in_order(app: Erlen, client: t.Any) -> None:
    from erlen import signals

    events: list[str] = []

    @app.route("/")
    def index() -> str:
        return "ok"

    def record(name: str) -> t.Any:
        def receiver(sender: t.Any, **extra: t.Any) -> None:
            assert sender is app
            events.append(name)

        return receiver

    names = [
        "appcontext_pushed",
        "request_started",
        "request_finished",
        "request_tearing_down",
        "appcontext_tearing_down",
        "appcontext_popped",
    ]
    receivers = [record(name) for name in names]
    for name, receiver in zip(names, receivers, strict=True):
        getattr(signals, name).connect(receiver, app)
    try:
        client.get("/")
        with app.app_context():
            pass
    finally:
        for name, receiver in zip(names, receivers, strict=True):
            getattr(signals, name).disconnect(receiver, app)
    bare_app_context = ["appcontext_pushed", "appcontext_tearing_down"]
    assert events == [*names, *bare_app_context, "appcontext_popped"]


def test_teardown_functions_called_directly_see_the_active_exception(
    app: Erlen,
) -> None:
    seen: list[BaseException | None] = []
    app.teardown_request(seen.append)
    app.teardown_appcontext(seen.append)
    with app.test_request_context():
        try:
            raise LookupError("active")
        except LookupError:
            app.do_teardown_request()
            app.do_teardown_appcontext()
    assert [type(e) for e in seen[:2]] == [LookupError, LookupError]


def test_custom_request_close_is_called_on_pop(app: Erlen) -> None:
    closed: list[str] = []

    class ClosingRequest(app.request_class):  # type: ignore[name-defined,misc]
        def close(self) -> None:
            closed.append(self.path)
            super().close()

    app.request_class = ClosingRequest
    with app.test_request_context("/closing"):
        pass
    assert closed == ["/closing"]


def test_request_with_parsed_files_is_closed(app: Erlen, client: t.Any) -> None:
    import io

    @app.post("/upload")
    def upload() -> str:
        return str(request.files["f"].read().decode())

    rv = client.post("/upload", data={"f": (io.BytesIO(b"content"), "a.txt")})
    assert rv.text == "content"
