"""Run coroutine functions from synchronous WSGI code, without asgiref.

:func:`async_to_sync` wraps a coroutine function in a plain function that runs
the coroutine to completion and returns its result. Two cases:

* The calling thread has no running event loop (the normal WSGI case). The
  coroutine runs on an event loop owned by the calling thread, created on first
  use and reused for later calls. Its task copies the caller's
  :mod:`contextvars`, so ``request``, ``g`` and ``current_app`` work inside it.
* The calling thread already runs an event loop (a sync function called from a
  coroutine, or a WSGI app driven from async code). Blocking that loop with a
  second one is impossible, so the coroutine runs on a fresh loop in a new worker
  thread, inside a copy of the caller's context, while the caller waits.
"""

from __future__ import annotations

import asyncio
import collections.abc as cabc
import contextvars
import threading
import typing as t
from functools import wraps

_R = t.TypeVar("_R")


class _LoopOwner:
    """Own one thread's reusable event loop and close it with the thread."""

    __slots__ = ("loop",)

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        # The thread-local storage holding this owner is dropped when its thread
        # ends; close the loop then so it never warns about being left open.
        self.loop.close()


class _ThreadLoops(threading.local):
    owner: _LoopOwner | None = None


_thread_loops = _ThreadLoops()


def _thread_loop() -> asyncio.AbstractEventLoop:
    owner = _thread_loops.owner
    if owner is None or owner.loop.is_closed():
        owner = _thread_loops.owner = _LoopOwner()
    return owner.loop


def _run_on_thread_loop(coro: cabc.Coroutine[t.Any, t.Any, _R]) -> _R:
    """Run ``coro`` on this thread's loop, then cancel tasks it left behind.

    # PERF: reusing the thread's loop instead of ``asyncio.run`` saves creating
    # and closing an event loop (selector, self-pipe) for every async call.
    """
    loop = _thread_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        # COMPAT: ``asyncio.run`` (what asgiref gives Flask) cancels the tasks a
        # coroutine started but did not await; do the same so nothing leaks into
        # the next request.
        leftovers = asyncio.all_tasks(loop)
        if leftovers:
            for task in leftovers:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))


def _run_in_worker_thread(coro: cabc.Coroutine[t.Any, t.Any, _R]) -> _R:
    """Run ``coro`` on a new thread with its own loop; block until it is done."""
    context = contextvars.copy_context()
    outcome: list[t.Any] = []

    def target() -> None:
        try:
            outcome.append((True, context.run(asyncio.run, coro)))
        except BaseException as exc:  # noqa: B036 - re-raised in the caller
            outcome.append((False, exc))

    # A new thread per call rather than a bounded pool: a coroutine may call back
    # into sync code that needs another worker, and a pool could run dry waiting
    # on itself. This path only runs when a loop is already running.
    worker = threading.Thread(target=target, name="erlen-async-to-sync")
    worker.start()
    worker.join()
    succeeded, value = outcome[0]
    if succeeded:
        return value  # type: ignore[no-any-return]
    raise value


def async_to_sync(
    func: cabc.Callable[..., cabc.Awaitable[_R]],
) -> cabc.Callable[..., _R]:
    """Return a synchronous function that runs ``func`` to completion.

    The wrapper calls ``func(*args, **kwargs)`` and runs the awaitable it
    returns on an event loop, in the caller's :mod:`contextvars` context, so the
    request and application contexts are visible inside the coroutine. When the
    calling thread already runs an event loop, the coroutine runs in a worker
    thread with a loop of its own. Exceptions propagate to the caller.

    :param func: a coroutine function (or any callable returning an awaitable).

    .. note::
        Flask delegates to ``asgiref.sync.async_to_sync``; erlen needs no extra
        dependency. Tasks the coroutine starts but does not await are cancelled
        when it returns, as with :func:`asyncio.run`.
    """

    @wraps(func)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> _R:
        coro = _as_coroutine(func(*args, **kwargs))
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return _run_on_thread_loop(coro)
        return _run_in_worker_thread(coro)

    return wrapper


def _as_coroutine(
    awaitable: cabc.Awaitable[_R],
) -> cabc.Coroutine[t.Any, t.Any, _R]:
    if isinstance(awaitable, cabc.Coroutine):
        return awaitable

    async def await_it() -> _R:
        return await awaitable

    return await_it()
