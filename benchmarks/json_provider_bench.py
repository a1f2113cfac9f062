"""Per-request cost of the ``json`` and ``jsonbody`` scenarios with each JSON provider.

Run with ``python benchmarks/json_provider_bench.py`` (needs ``erlen[orjson]``).
The views are the bench harness's: ``GET /json`` answers
``jsonify(message="Hello, World!")`` and ``POST /jsonbody`` parses a ~1 KB
document with ``request.get_json()`` and echoes three fields. Each app is
called in-process as ``app(environ, start_response)``; the rounds interleave
the providers so machine noise hits them alike, and the report gives the
median time per request and the median of the per-round ratios.

Providers: the stdlib ``DefaultJSONProvider``, ``OrjsonProvider`` as shipped
(``ensure_ascii = True``, so a reply with non-ASCII text is written again by
the standard library) and ``OrjsonProvider`` with ``ensure_ascii = False``.
"""

from __future__ import annotations

import io
import json
import statistics
import timeit
import typing as t

from erlen import Erlen
from erlen import jsonify
from erlen import request
from erlen.json.orjson_provider import OrjsonProvider
from erlen.json.provider import DefaultJSONProvider

ROUNDS = 15
NUMBER = 2000

DOCUMENT = {
    "id": 4242,
    "name": "Widget \u00fcber deluxe",
    "tags": ["alpha", "beta", "gamma", "delta", "epsilon"],
    "owner": {"id": 7, "login": "ada", "roles": ["admin", "dev"]},
    "items": [
        {"sku": f"SKU-{i:04d}", "qty": i, "price": round(9.99 + i, 2), "note": "x" * 8}
        for i in range(14)
    ],
}
BODY = json.dumps(DOCUMENT).encode()


class UTF8OrjsonProvider(OrjsonProvider):
    """``OrjsonProvider`` that keeps orjson's UTF-8 output."""

    ensure_ascii = False


PROVIDERS: dict[str, type[DefaultJSONProvider]] = {
    "stdlib": DefaultJSONProvider,
    "orjson": OrjsonProvider,
    "orjson-utf8": UTF8OrjsonProvider,
}


def make_app(provider_class: type[DefaultJSONProvider]) -> Erlen:
    """Build the two scenario views on an app using ``provider_class``."""
    app = Erlen(__name__)
    app.secret_key = "bench"
    app.json_provider_class = provider_class

    @app.route("/json")
    def json_view() -> t.Any:
        return jsonify(message="Hello, World!")

    @app.route("/jsonbody", methods=["POST"])
    def jsonbody_view() -> t.Any:
        doc = t.cast("dict[str, t.Any]", request.get_json())
        return jsonify(id=doc["id"], name=doc["name"], n_items=len(doc["items"]))

    return app


def make_environ(method: str, path: str, body: bytes) -> dict[str, t.Any]:
    """Return a WSGI environ for one request (a fresh input stream each time)."""
    environ: dict[str, t.Any] = {
        "REQUEST_METHOD": method,
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if body:
        environ["CONTENT_LENGTH"] = str(len(body))
        environ["CONTENT_TYPE"] = "application/json"
    return environ


def start_response(status: str, headers: t.Any, exc_info: t.Any = None) -> t.Any:
    """Accept the status and headers and drop them."""
    return None


def make_call(app: Erlen, method: str, path: str, body: bytes) -> t.Callable[[], bytes]:
    """Return a function that serves one request and returns the body."""

    def call() -> bytes:
        rv = app(make_environ(method, path, body), start_response)
        try:
            return b"".join(rv)
        finally:
            close = getattr(rv, "close", None)
            if close is not None:
                close()

    return call


def main() -> None:
    """Time each scenario with each provider and print medians and ratios."""
    scenarios = {"json": ("GET", "/json", b""), "jsonbody": ("POST", "/jsonbody", BODY)}
    apps = {name: make_app(cls) for name, cls in PROVIDERS.items()}
    print(f"{'scenario':<10} {'provider':<12} {'us/req':>8} {'ratio':>7}")
    for scenario, (method, path, body) in scenarios.items():
        calls = {name: make_call(app, method, path, body) for name, app in apps.items()}
        outputs = {name: json.loads(call()) for name, call in calls.items()}
        if len({json.dumps(value) for value in outputs.values()}) != 1:
            raise SystemExit(f"{scenario}: providers disagree: {outputs!r}")
        times: dict[str, list[float]] = {name: [] for name in calls}
        for _ in range(ROUNDS):
            for name, call in calls.items():
                times[name].append(timeit.timeit(call, number=NUMBER) / NUMBER)
        for name, samples in times.items():
            ratios = [a / b for a, b in zip(samples, times["stdlib"], strict=True)]
            print(
                f"{scenario:<10} {name:<12} {statistics.median(samples) * 1e6:>8.2f}"
                f" {statistics.median(ratios):>7.3f}"
            )


if __name__ == "__main__":
    main()
