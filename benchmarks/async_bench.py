"""Per-request cost of an ``async def`` view against a sync one, through raw WSGI.

Run with ``python benchmarks/async_bench.py``. Each app answers ``GET /`` with a
short text body; the environ is built once and the app is called directly, so
the numbers are the framework's own cost. Four variants are timed:

* sync view on the stock app;
* async view on the stock app (whatever ``Erlen.async_to_sync`` does today);
* async view on an app whose ``async_to_sync`` is :func:`erlen._async.async_to_sync`
  (one event loop per thread, reused);
* async view with ``asyncio.run`` per call (a fresh loop every request), for
  reference; and Flask 3.1 with asgiref when both are installed.
"""

from __future__ import annotations

import asyncio
import importlib.util
import io
import timeit
import typing as t
from functools import wraps

from erlen import Erlen
from erlen._async import async_to_sync

ROUNDS = 5
NUMBER = 2000


def environ() -> dict[str, t.Any]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }


class ThreadLoopErlen(Erlen):
    def async_to_sync(self, func: t.Any) -> t.Any:
        return async_to_sync(func)


class FreshLoopErlen(Erlen):
    def async_to_sync(self, func: t.Any) -> t.Any:
        @wraps(func)
        def run(*args: t.Any, **kwargs: t.Any) -> t.Any:
            return asyncio.run(func(*args, **kwargs))

        return run


async def index_async() -> str:
    return "Hello, World!"


def index() -> str:
    return "Hello, World!"


def make_app(cls: type[t.Any], use_async: bool) -> t.Any:
    app = cls("bench")
    app.add_url_rule("/", "index", index_async if use_async else index)
    return app


def per_request(app: t.Any) -> float:
    """Best of ``ROUNDS`` runs, in microseconds per request."""
    env = environ()

    def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> None:
        return None

    def call() -> None:
        body = app(dict(env), start_response)
        for _ in body:
            pass
        close = getattr(body, "close", None)
        if close is not None:
            close()

    call()
    best = min(timeit.repeat(call, number=NUMBER, repeat=ROUNDS))
    return best / NUMBER * 1e6


def main() -> None:
    results: dict[str, float] = {}
    results["erlen sync view"] = per_request(make_app(Erlen, False))
    results["erlen async view (stock app)"] = per_request(make_app(Erlen, True))
    results["erlen async view (_async, thread loop)"] = per_request(
        make_app(ThreadLoopErlen, True)
    )
    results["erlen async view (asyncio.run per call)"] = per_request(
        make_app(FreshLoopErlen, True)
    )
    if importlib.util.find_spec("flask") is not None:
        import flask

        results["flask sync view"] = per_request(make_app(flask.Flask, False))
        if importlib.util.find_spec("asgiref") is not None:
            results["flask async view (asgiref)"] = per_request(
                make_app(flask.Flask, True)
            )
    base = results["erlen sync view"]
    for name, micros in results.items():
        print(f"{name:45s} {micros:8.1f} us/request  x{micros / base:5.2f}")


if __name__ == "__main__":
    main()
