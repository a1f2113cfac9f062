"""Signals sent by the app during requests, renders and flashes.

``tests/test_signals.py`` covers the signal objects; this module covers when
the app sends them, to whom, and with what.
"""

from __future__ import annotations

import asyncio
import collections.abc as cabc
import typing as t

import blinker
import pytest

from erlen import Erlen
from erlen import Response
from erlen import flash
from erlen import request
from erlen import signals
from erlen import stream_template_string

if t.TYPE_CHECKING:
    from erlen.testing import ErlenClient

ALL_SIGNALS = [
    signals.template_rendered,
    signals.before_render_template,
    signals.request_started,
    signals.request_finished,
    signals.request_tearing_down,
    signals.got_request_exception,
    signals.appcontext_tearing_down,
    signals.appcontext_pushed,
    signals.appcontext_popped,
    signals.message_flashed,
]


class Recorder:
    """Connect to every signal for one sender and log (signal name, kwargs)."""

    def __init__(self, sender: t.Any) -> None:
        self.sender = sender
        self.log: list[tuple[str, dict[str, t.Any]]] = []

    def receive(self, name: str) -> cabc.Callable[..., None]:
        def receiver(sender: t.Any, **kwargs: t.Any) -> None:
            assert sender is self.sender
            self.log.append((name, kwargs))

        return receiver

    def __enter__(self) -> Recorder:
        self._receivers = [
            (signal, self.receive(signal.name)) for signal in ALL_SIGNALS
        ]
        for signal, receiver in self._receivers:
            signal.connect(receiver, self.sender)
        return self

    def __exit__(self, *exc_info: object) -> None:
        for signal, receiver in self._receivers:
            # Without a sender, blinker also drops the receiver from ``receivers``.
            signal.disconnect(receiver)

    def names(self) -> list[str]:
        return [name for name, _ in self.log]


def test_request_signals_in_order_with_final_response(
    app: Erlen, client: ErlenClient
) -> None:
    @app.route("/")
    def index() -> str:
        return "hello"

    @app.after_request
    def stamp(response: Response) -> Response:
        response.headers["X-Stamp"] = "1"
        return response

    with Recorder(app) as recorder:
        client.get("/")
    assert recorder.names() == [
        "appcontext-pushed",
        "request-started",
        "request-finished",
        "request-tearing-down",
        "appcontext-tearing-down",
        "appcontext-popped",
    ]
    finished = dict(recorder.log)["request-finished"]["response"]
    assert finished.headers["X-Stamp"] == "1"
    assert dict(recorder.log)["request-tearing-down"] == {"exc": None}


def test_receivers_only_hear_their_own_app(app: Erlen) -> None:
    other = Erlen("other")

    @other.route("/")
    def index() -> str:
        return "other"

    with Recorder(app) as recorder:
        other.test_client().get("/")
    assert recorder.log == []


@pytest.mark.parametrize("propagate", [False, True])
def test_got_request_exception_carries_the_error(app: Erlen, propagate: bool) -> None:
    app.config["TESTING"] = propagate
    error = LookupError("lost")

    @app.route("/")
    def index() -> str:
        raise error

    with Recorder(app) as recorder:
        if propagate:
            with pytest.raises(LookupError):
                app.test_client().get("/")
        else:
            assert app.test_client().get("/").status_code == 500
    logged = dict(recorder.log)
    assert logged["got-request-exception"] == {"exception": error}
    assert logged["request-tearing-down"] == {"exc": error}
    assert logged["appcontext-tearing-down"] == {"exc": error}


def test_http_errors_do_not_send_got_request_exception(
    app: Erlen, client: ErlenClient
) -> None:
    with Recorder(app) as recorder:
        assert client.get("/missing").status_code == 404
    assert "got-request-exception" not in recorder.names()


def test_flash_sends_message_and_category(app: Erlen, client: ErlenClient) -> None:
    @app.route("/")
    def index() -> str:
        flash("first")
        flash("second", "error")
        return "ok"

    with Recorder(app) as recorder:
        client.get("/")
    assert [kw for name, kw in recorder.log if name == "message-flashed"] == [
        {"message": "first", "category": "message"},
        {"message": "second", "category": "error"},
    ]


def test_streamed_template_signals_wrap_the_stream(
    app: Erlen, client: ErlenClient
) -> None:
    @app.route("/")
    def index() -> Response:
        return Response(stream_template_string("{{ a }}-{{ request.path }}", a=1))

    with Recorder(app) as recorder:
        rv = client.get("/")
        assert rv.data == b"1-/"
    names = recorder.names()
    assert names.count("before-render-template") == 1
    assert names.count("template-rendered") == 1
    before = names.index("before-render-template")
    assert before < names.index("request-finished") < names.index("template-rendered")
    rendered = dict(recorder.log)["template-rendered"]
    assert rendered["template"].name is None
    assert rendered["context"]["a"] == 1


def test_app_context_signals(app: Erlen) -> None:
    with Recorder(app) as recorder:
        with app.app_context():
            with app.app_context():
                pass
    assert recorder.names() == [
        "appcontext-pushed",
        "appcontext-pushed",
        "appcontext-tearing-down",
        "appcontext-popped",
        "appcontext-tearing-down",
        "appcontext-popped",
    ]


def test_async_receiver_runs_through_ensure_sync(
    app: Erlen, client: ErlenClient
) -> None:
    seen: list[str] = []

    async def receiver(sender: Erlen, **kwargs: t.Any) -> None:
        await asyncio.sleep(0)
        seen.append(request.path)

    @app.route("/async-signal")
    def index() -> str:
        return "ok"

    signals.request_started.connect(receiver, app)
    try:
        client.get("/async-signal")
    finally:
        signals.request_started.disconnect(receiver)
    assert seen == ["/async-signal"]


def test_signals_without_receivers_are_never_sent(
    app: Erlen, client: ErlenClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise AssertionError("sent without receivers")

    for signal in ALL_SIGNALS:
        assert not signal.receivers
        monkeypatch.setattr(signal, "send", refuse)

    @app.route("/")
    def index() -> str:
        flash("quiet")
        return "ok"

    @app.route("/fail")
    def fail() -> str:
        raise KeyError("x")

    assert client.get("/").data == b"ok"
    app.config["TESTING"] = False
    assert client.get("/fail").status_code == 500


def test_namespace_makes_extension_signals() -> None:
    namespace = signals.Namespace()
    custom = namespace.signal("my-extension-event")
    received: list[dict[str, t.Any]] = []

    def receiver(sender: str, **kwargs: t.Any) -> None:
        received.append(kwargs)

    custom.connect(receiver)
    custom.send("sender", value=1)
    assert received == [{"value": 1}]
    assert isinstance(custom, blinker.NamedSignal)
    assert namespace.signal("my-extension-event") is custom
