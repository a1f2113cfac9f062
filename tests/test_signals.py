"""Tests for erlen.signals: Flask's signal names on a private blinker namespace."""

from __future__ import annotations

import typing as t

import blinker
import pytest

from erlen import signals

SIGNALS = [
    ("template_rendered", "template-rendered"),
    ("before_render_template", "before-render-template"),
    ("request_started", "request-started"),
    ("request_finished", "request-finished"),
    ("request_tearing_down", "request-tearing-down"),
    ("got_request_exception", "got-request-exception"),
    ("appcontext_tearing_down", "appcontext-tearing-down"),
    ("appcontext_pushed", "appcontext-pushed"),
    ("appcontext_popped", "appcontext-popped"),
    ("message_flashed", "message-flashed"),
]


@pytest.mark.parametrize(("attribute", "signal_name"), SIGNALS)
def test_signal_is_named_signal_with_flask_name(
    attribute: str, signal_name: str
) -> None:
    signal = getattr(signals, attribute)
    assert isinstance(signal, blinker.NamedSignal)
    assert signal.name == signal_name
    assert signals._signals[signal_name] is signal
    assert signal.__doc__


def test_namespace_holds_exactly_flasks_signals() -> None:
    import flask.signals

    flask_names = {
        name
        for name, value in vars(flask.signals).items()
        if isinstance(value, blinker.NamedSignal)
    }
    assert flask_names == {attribute for attribute, _ in SIGNALS}
    assert set(signals._signals) == {name for _, name in SIGNALS}
    for attribute in flask_names:
        assert (
            getattr(signals, attribute).name == getattr(flask.signals, attribute).name
        )


def test_namespace_is_reexported_and_private_to_erlen() -> None:
    assert signals.Namespace is blinker.Namespace
    assert isinstance(signals._signals, blinker.Namespace)
    assert signals._signals is not blinker.default_namespace
    assert "request-started" not in blinker.default_namespace
    assert set(signals.__all__) == {"Namespace"} | {a for a, _ in SIGNALS}


def test_signal_delivers_to_receiver_connected_for_sender() -> None:
    received: list[tuple[object, dict[str, t.Any]]] = []
    sender = object()

    def receiver(sent_by: object, **extra: t.Any) -> None:
        received.append((sent_by, extra))

    with signals.message_flashed.connected_to(receiver, sender=sender):
        signals.message_flashed.send(object(), message="ignored", category="x")
        signals.message_flashed.send(sender, message="hi", category="info")
    signals.message_flashed.send(sender, message="after", category="info")
    assert received == [(sender, {"message": "hi", "category": "info"})]
    assert not signals.message_flashed.receivers
