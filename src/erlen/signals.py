"""The signals erlen sends during a request, built on :mod:`blinker`.

Each signal has the same name as in Flask, so receivers written for Flask's
signals connect the same way::

    from erlen.signals import request_started

    @request_started.connect_via(app)
    def log_start(sender, **extra):
        sender.logger.debug("request started")

The app only calls ``send`` when a signal has receivers, so an application that
connects nothing pays nothing for them.
"""

from __future__ import annotations

import typing as t

from blinker import ANY
from blinker import NamedSignal
from blinker import Namespace

__all__ = [
    "Namespace",
    "appcontext_popped",
    "appcontext_pushed",
    "appcontext_tearing_down",
    "before_render_template",
    "got_request_exception",
    "message_flashed",
    "request_finished",
    "request_started",
    "request_tearing_down",
    "template_rendered",
]

# COMPAT: Flask keeps its signals in a private namespace of its own rather than
# blinker's default one; the signal names below are Flask's, hyphens included.
_signals = Namespace()


class _Quiet:
    """Whether no request-cycle signal has a receiver (see :class:`_PipelineSignal`)."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = True


#: ``quiet.value`` is true while none of the signals a request sends on every
#: request has a receiver; the app's fast path reads this one flag instead of
#: six ``receivers`` dicts.
quiet = _Quiet()


class _PipelineSignal(NamedSignal):
    """A signal sent on every request: connecting or disconnecting updates
    :data:`quiet`.

    # PERF: a receiver that dies through its weak reference leaves ``quiet``
    # false until the next connect or disconnect, which only costs speed.
    """

    def connect(self, receiver: t.Any, sender: t.Any = ANY, weak: bool = True) -> t.Any:
        result = super().connect(receiver, sender, weak)
        quiet.value = False
        return result

    def disconnect(self, receiver: t.Any, sender: t.Any = ANY) -> None:
        super().disconnect(receiver, sender)
        quiet.value = not any(signal.receivers for signal in _PIPELINE)


def _pipeline_signal(name: str, doc: str) -> NamedSignal:
    signal = _signals[name] = _PipelineSignal(name, doc)
    return signal


template_rendered = _signals.signal(
    "template-rendered", "Sent after a template was rendered (template, context)."
)
before_render_template = _signals.signal(
    "before-render-template",
    "Sent before a template is rendered (template, context).",
)
request_started = _pipeline_signal(
    "request-started", "Sent when the request context is set up, before dispatch."
)
request_finished = _pipeline_signal(
    "request-finished", "Sent right before the response is returned (response)."
)
request_tearing_down = _pipeline_signal(
    "request-tearing-down", "Sent when the request context is popped (exc)."
)
got_request_exception = _signals.signal(
    "got-request-exception",
    "Sent when an unhandled exception reaches the app (exception).",
)
appcontext_tearing_down = _pipeline_signal(
    "appcontext-tearing-down", "Sent when the app context is popped (exc)."
)
appcontext_pushed = _pipeline_signal(
    "appcontext-pushed", "Sent when an application context is pushed."
)
appcontext_popped = _pipeline_signal(
    "appcontext-popped", "Sent when an application context is popped."
)
message_flashed = _signals.signal(
    "message-flashed", "Sent when a message is flashed (message, category)."
)

_PIPELINE = (
    request_started,
    request_finished,
    request_tearing_down,
    appcontext_tearing_down,
    appcontext_pushed,
    appcontext_popped,
)
