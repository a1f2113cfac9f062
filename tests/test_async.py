"""Async views, hooks and handlers on the WSGI app, and :mod:`erlen._async`."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import typing as t

import pytest

from erlen import Erlen
from erlen import Response
from erlen import abort
from erlen import current_app
from erlen import g
from erlen import request
from erlen._async import async_to_sync
from erlen.views import MethodView
from erlen.views import View

if t.TYPE_CHECKING:
    from erlen.testing import ErlenClient

_marker: contextvars.ContextVar[str] = contextvars.ContextVar("_marker")


class LoopAwareErlen(Erlen):
    """An app whose ``async_to_sync`` is :func:`erlen._async.async_to_sync`."""

    def async_to_sync(self, func: t.Any) -> t.Any:
        return async_to_sync(func)


# -- erlen._async.async_to_sync --------------------------------------------------


def test_returns_the_coroutine_result_and_keeps_metadata() -> None:
    async def add(a: int, b: int = 1) -> int:
        """Add two numbers."""
        await asyncio.sleep(0)
        return a + b

    sync_add = async_to_sync(add)
    assert sync_add(2) == 3
    assert sync_add(2, b=5) == 7
    assert sync_add.__name__ == "add"
    assert sync_add.__doc__ == "Add two numbers."
    assert not asyncio.iscoroutinefunction(sync_add)


def test_exception_propagates_with_its_type() -> None:
    async def fail() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        async_to_sync(fail)()


def test_context_variables_are_visible_inside() -> None:
    async def read() -> str:
        return _marker.get()

    token = _marker.set("outer")
    try:
        assert async_to_sync(read)() == "outer"
    finally:
        _marker.reset(token)


def test_runs_in_a_worker_thread_when_a_loop_is_running() -> None:
    main_thread = threading.get_ident()

    async def where() -> tuple[int, str]:
        await asyncio.sleep(0)
        return threading.get_ident(), _marker.get()

    async def outer() -> tuple[int, str]:
        _marker.set("inside-loop")
        # A sync call from inside a coroutine: the loop of this thread is busy.
        return async_to_sync(where)()

    ident, seen = asyncio.run(outer())
    assert ident != main_thread
    assert seen == "inside-loop"


def test_exception_from_worker_thread_propagates() -> None:
    async def fail() -> None:
        raise ValueError("in worker")

    async def outer() -> None:
        async_to_sync(fail)()

    with pytest.raises(ValueError, match="in worker"):
        asyncio.run(outer())


def test_nested_calls_through_sync_code_complete() -> None:
    async def leaf() -> int:
        return 1

    def sync_middle() -> int:
        return async_to_sync(leaf)() + 1

    async def top() -> int:
        return sync_middle() + 1

    assert async_to_sync(top)() == 3


def test_awaitable_that_is_not_a_coroutine_is_awaited() -> None:
    def returns_future() -> asyncio.Future[int]:
        future: asyncio.Future[int] = asyncio.get_event_loop().create_future()
        future.set_result(42)
        return future

    async def outer() -> int:
        return async_to_sync(returns_future)()

    # Inside a running loop the future belongs to the worker thread's loop.
    assert asyncio.run(outer()) == 42


def test_tasks_left_running_are_cancelled() -> None:
    cancelled = threading.Event()

    async def background() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async def starts_task() -> str:
        asyncio.get_running_loop().create_task(background())
        await asyncio.sleep(0)
        return "done"

    assert async_to_sync(starts_task)() == "done"
    assert cancelled.is_set()


def test_loop_is_reused_per_thread_and_replaced_when_closed() -> None:
    async def current_loop() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    get_loop = async_to_sync(current_loop)
    first = get_loop()
    assert get_loop() is first
    first.close()
    second = get_loop()
    assert second is not first
    assert not second.is_closed()


def test_thread_loop_is_closed_when_its_thread_ends() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def current_loop() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    def run() -> None:
        loops.append(async_to_sync(current_loop)())

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    assert loops[0].is_closed()


def test_many_sequential_calls_finish() -> None:
    async def echo(value: int) -> int:
        await asyncio.sleep(0)
        return value

    sync_echo = async_to_sync(echo)
    assert sum(sync_echo(i) for i in range(2000)) == sum(range(2000))


# -- async views, hooks and handlers through the app ------------------------------


@pytest.fixture(params=["erlen", "loop_aware"])
def async_app(request: pytest.FixtureRequest) -> Erlen:
    """The stock app and one wired to :func:`erlen._async.async_to_sync`."""
    cls = Erlen if request.param == "erlen" else LoopAwareErlen
    app = cls("erlen_async_test")
    app.config.update(TESTING=True, SECRET_KEY="test key")
    return app


def test_async_view_sees_request_g_and_app(async_app: Erlen) -> None:
    @async_app.route("/hello/<name>")
    async def hello(name: str) -> str:
        await asyncio.sleep(0)
        g.seen = name
        return f"{name} {request.args['x']} {current_app.name} {g.seen}"

    rv = async_app.test_client().get("/hello/ada?x=1")
    assert rv.status_code == 200
    assert rv.get_data(as_text=True) == "ada 1 erlen_async_test ada"


def test_async_hooks_run_in_order(async_app: Erlen) -> None:
    events: list[str] = []

    @async_app.before_request
    async def before() -> None:
        await asyncio.sleep(0)
        g.user = "ada"
        events.append("before")

    @async_app.after_request
    async def after(response: Response) -> Response:
        events.append("after")
        response.headers["X-User"] = g.user
        return response

    @async_app.teardown_request
    async def teardown(exc: BaseException | None) -> None:
        events.append(f"teardown {exc!r}")

    @async_app.teardown_appcontext
    async def teardown_app(exc: BaseException | None) -> None:
        events.append("teardown_app")

    @async_app.route("/")
    async def index() -> str:
        events.append("view")
        return g.user  # type: ignore[no-any-return]

    rv = async_app.test_client().get("/")
    assert rv.get_data(as_text=True) == "ada"
    assert rv.headers["X-User"] == "ada"
    assert events == ["before", "view", "after", "teardown None", "teardown_app"]


def test_async_before_request_response_short_circuits(async_app: Erlen) -> None:
    @async_app.before_request
    async def deny() -> tuple[str, int]:
        return "denied", 403

    @async_app.route("/")
    async def index() -> str:
        raise AssertionError("not reached")

    rv = async_app.test_client().get("/")
    assert (rv.status_code, rv.get_data()) == (403, b"denied")


def test_async_error_handlers(async_app: Erlen) -> None:
    @async_app.errorhandler(404)
    async def not_found(e: Exception) -> tuple[str, int]:
        return f"missing {request.path}", 404

    @async_app.errorhandler(ZeroDivisionError)
    async def zero(e: ZeroDivisionError) -> tuple[str, int]:
        return "zero", 500

    @async_app.route("/div")
    async def div() -> str:
        return str(1 // 0)

    @async_app.route("/gone")
    async def gone() -> str:
        abort(404)

    client = async_app.test_client()
    assert client.get("/nope").get_data() == b"missing /nope"
    assert client.get("/gone").get_data() == b"missing /gone"
    rv = client.get("/div")
    assert (rv.status_code, rv.get_data()) == (500, b"zero")


def test_unhandled_async_error_propagates_in_testing(async_app: Erlen) -> None:
    @async_app.route("/")
    async def index() -> str:
        raise RuntimeError("async failure")

    with pytest.raises(RuntimeError, match="async failure"):
        async_app.test_client().get("/")


def test_async_method_view(async_app: Erlen) -> None:
    class Items(MethodView):
        async def get(self, item_id: int) -> str:
            await asyncio.sleep(0)
            return f"get {item_id} {request.method}"

        async def post(self, item_id: int) -> tuple[str, int]:
            return f"post {item_id} {request.get_data(as_text=True)!s}", 201

    async_app.add_url_rule("/items/<int:item_id>", view_func=Items.as_view("items"))
    client = async_app.test_client()
    assert client.get("/items/3").get_data() == b"get 3 GET"
    rv = client.post("/items/4", data="body")
    assert (rv.status_code, rv.get_data()) == (201, b"post 4 body")
    head = client.head("/items/5")
    assert head.status_code == 200
    assert head.get_data() == b""


def test_async_view_dispatch_request(async_app: Erlen) -> None:
    class Hello(View):
        async def dispatch_request(self, name: str) -> str:  # type: ignore[override]
            return f"hi {name}"

    async_app.add_url_rule("/hi/<name>", view_func=Hello.as_view("hi"))
    assert async_app.test_client().get("/hi/bo").get_data() == b"hi bo"


def test_loop_aware_app_works_under_a_running_loop() -> None:
    app = LoopAwareErlen("erlen_async_test")
    app.config["TESTING"] = True

    @app.route("/")
    async def index() -> str:
        return f"{request.path} {current_app.name}"

    async def serve() -> bytes:
        # WSGI app driven from async code: the calling thread's loop is running.
        client: ErlenClient = app.test_client()
        return bytes(client.get("/").data)

    assert asyncio.run(serve()) == b"/ erlen_async_test"
