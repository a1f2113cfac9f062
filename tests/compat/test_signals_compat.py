"""Differential tests: erlen sends Flask's signals with Flask's senders and arguments.

Every signal of ``flask.signals`` and ``erlen.signals`` gets a receiver that logs
the signal name, the sender's type and the keyword arguments (reduced to
comparable values). The same requests through the same app on both frameworks
must give the same log, in the same order.
"""

# mypy: disable-error-code="untyped-decorator"
# (the framework module is passed in as ``t.Any``, so its decorators are untyped)
from __future__ import annotations

import collections.abc as cabc
import os
import typing as t

import flask
import flask.signals
import pytest

import erlen
import erlen.signals

ROOT = os.path.join(os.path.dirname(os.path.dirname(__file__)), "apps", "bpf")
SIGNAL_NAMES = [
    "template_rendered",
    "before_render_template",
    "request_started",
    "request_finished",
    "request_tearing_down",
    "got_request_exception",
    "appcontext_tearing_down",
    "appcontext_pushed",
    "appcontext_popped",
    "message_flashed",
]


def describe(name: str, value: t.Any) -> t.Any:
    """Reduce a signal argument to something equal on both frameworks."""
    if name == "template":
        return ("template", value.name)
    if name == "context":
        # KNOWN DIFFERENCE (reported to the lead): erlen's default context
        # processor adds ``session``; Flask only has it as a Jinja global.
        return ("context", sorted(set(value) - {"session"}))
    if name == "response":
        # The body is compared by the test client; reading it here could consume
        # a stream (Flask wraps error responses in a WSGI-app iterator).
        length = value.headers.get("Content-Length")
        return ("response", value.status, value.mimetype, length)
    if isinstance(value, BaseException):
        return (type(value).__name__, str(value))
    return value


def signal_app(mod: t.Any) -> t.Any:
    cls = getattr(mod, "Erlen", None) or mod.Flask
    app = cls("bpf_signals", root_path=ROOT, static_folder=None)
    app.config.update(SECRET_KEY="k", TESTING=False)

    @app.route("/render")
    def render() -> t.Any:
        return mod.render_template("bpf_shared.html", extra=1)

    @app.route("/string")
    def string() -> t.Any:
        return mod.render_template_string("{{ x }}", x=2)

    @app.route("/flash")
    def flash() -> t.Any:
        mod.flash("saved")
        mod.flash("careful", "warning")
        return "flashed"

    @app.route("/fail")
    def fail() -> t.Any:
        raise ZeroDivisionError("view failed")

    @app.route("/abort")
    def abort() -> t.Any:
        mod.abort(403)

    @app.errorhandler(LookupError)
    def lookup(e: LookupError) -> t.Any:
        return "lookup handled", 400

    @app.route("/handled")
    def handled() -> t.Any:
        raise KeyError("handled")

    return app


def record_signals(
    mod: t.Any, signals_module: t.Any, run: cabc.Callable[[t.Any], t.Any]
) -> list[t.Any]:
    log: list[t.Any] = []
    app = signal_app(mod)
    receivers = []
    for name in SIGNAL_NAMES:

        def receiver(sender: t.Any, name: str = name, **kwargs: t.Any) -> None:
            kind = type(sender).__name__.replace("Flask", "Erlen")
            args = sorted((k, describe(k, v)) for k, v in kwargs.items())
            log.append((name, kind, sender is app, args))

        receivers.append(receiver)
        getattr(signals_module, name).connect(receiver, app)
    try:
        log.append(("result", run(app)))
    finally:
        for name, receiver in zip(SIGNAL_NAMES, receivers, strict=True):
            getattr(signals_module, name).disconnect(receiver)
    return log


def get(path: str) -> cabc.Callable[[t.Any], t.Any]:
    def run(app: t.Any) -> t.Any:
        rv = app.test_client().get(path, headers={"User-Agent": "compat"})
        body = rv.get_data()
        rv.close()
        return rv.status, body

    return run


def with_app_context(app: t.Any) -> t.Any:
    with app.app_context():
        return "inside"


def with_request_context(app: t.Any) -> t.Any:
    with app.test_request_context("/render"):
        return "inside"


def nested_app_contexts(app: t.Any) -> t.Any:
    with app.app_context(), app.app_context():
        return "inside"


SCENARIOS: dict[str, cabc.Callable[[t.Any], t.Any]] = {
    "render": get("/render"),
    "render string": get("/string"),
    "flash": get("/flash"),
    "unhandled error": get("/fail"),
    "http error": get("/abort"),
    "handled error": get("/handled"),
    "not found": get("/nope"),
    "app context": with_app_context,
    "request context": with_request_context,
    "nested app contexts": nested_app_contexts,
}


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_signals_match_flask(scenario: str) -> None:
    run = SCENARIOS[scenario]
    expected = record_signals(flask, flask.signals, run)
    actual = record_signals(erlen, erlen.signals, run)
    assert actual == expected
    # Every scenario sends something, so the comparison is never vacuous.
    assert len(expected) > 1


def test_propagated_exception_sends_got_request_exception_like_flask() -> None:
    def run(app: t.Any) -> t.Any:
        app.config["TESTING"] = True
        try:
            app.test_client().get("/fail")
        except ZeroDivisionError as exc:
            return f"raised {exc}"
        return "not raised"

    expected = record_signals(flask, flask.signals, run)
    assert record_signals(erlen, erlen.signals, run) == expected
    assert expected[-1] == ("result", "raised view failed")
