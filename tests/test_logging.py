"""Tests for erlen.logging: the app logger, its default handler and stream."""

from __future__ import annotations

import collections.abc as cabc
import io
import logging
import sys
import types
import typing as t
import uuid

import flask.logging
import pytest

from erlen.globals import _cv_request
from erlen.logging import create_logger
from erlen.logging import default_handler
from erlen.logging import has_level_handler
from erlen.logging import wsgi_errors_stream


class FakeApp:
    """The two attributes create_logger reads, until the real app exists."""

    def __init__(self, debug: bool = False) -> None:
        self.name = f"erlen_test_{uuid.uuid4().hex}"
        self.debug = debug


@pytest.fixture(autouse=True)
def isolated_logging(
    monkeypatch: pytest.MonkeyPatch, pytestconfig: pytest.Config
) -> cabc.Iterator[None]:
    """Run without pytest's log capture, whose root handler would satisfy
    ``has_level_handler`` for every logger."""
    monkeypatch.setattr(logging.root, "handlers", [])
    monkeypatch.setattr(logging.root, "level", logging.WARNING)
    plugin = pytestconfig.pluginmanager.unregister(name="logging-plugin")
    before = set(logging.Logger.manager.loggerDict)
    yield
    if plugin is not None:
        pytestconfig.pluginmanager.register(plugin, "logging-plugin")
    for name in set(logging.Logger.manager.loggerDict) - before:
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
        logger.propagate = True


@pytest.fixture
def errors() -> cabc.Iterator[io.StringIO]:
    """Push a stand-in request context whose environ has a ``wsgi.errors``."""
    stream = io.StringIO()
    request = types.SimpleNamespace(environ={"wsgi.errors": stream})
    ctx = types.SimpleNamespace(request=request)
    token = _cv_request.set(t.cast(t.Any, ctx))
    yield stream
    _cv_request.reset(token)


# --- wsgi_errors_stream -----------------------------------------------------


def test_stream_outside_request_writes_to_current_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert wsgi_errors_stream.write("to stderr\n") == len("to stderr\n")
    wsgi_errors_stream.flush()
    captured = capsys.readouterr()
    assert captured.err == "to stderr\n"
    assert captured.out == ""


def test_stream_inside_request_writes_to_wsgi_errors(
    errors: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    wsgi_errors_stream.write("to server log\n")
    wsgi_errors_stream.flush()
    assert errors.getvalue() == "to server log\n"
    assert capsys.readouterr().err == ""


def test_stream_follows_context_changes(
    errors: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    wsgi_errors_stream.write("inside\n")
    token = _cv_request.set(t.cast(t.Any, None))
    _cv_request.reset(token)
    other = io.StringIO()
    inner = types.SimpleNamespace(
        request=types.SimpleNamespace(environ={"wsgi.errors": other})
    )
    token = _cv_request.set(t.cast(t.Any, inner))
    try:
        wsgi_errors_stream.write("nested\n")
    finally:
        _cv_request.reset(token)
    wsgi_errors_stream.write("inside again\n")
    assert errors.getvalue() == "inside\ninside again\n"
    assert other.getvalue() == "nested\n"


def test_stream_forwards_other_attributes_and_repr(errors: io.StringIO) -> None:
    wsgi_errors_stream.write("x")
    assert wsgi_errors_stream.getvalue() == "x"  # type: ignore[attr-defined]
    assert wsgi_errors_stream.writable() is True
    assert repr(wsgi_errors_stream) == f"<wsgi_errors_stream {errors!r}>"
    with pytest.raises(AttributeError):
        _ = wsgi_errors_stream.no_such_attribute  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "text",
    ["", "\x00\x1b[31m\r\n\x7f", "caf\u00e9 \u2713 \udcff", "x" * 3_000_000],
    ids=["empty", "control-characters", "non-ascii-and-surrogate", "3-megabytes"],
)
def test_stream_passes_text_through_unchanged(errors: io.StringIO, text: str) -> None:
    wsgi_errors_stream.write(text)
    assert errors.getvalue() == text


# --- default_handler --------------------------------------------------------


def test_default_handler_writes_to_wsgi_errors_stream() -> None:
    assert isinstance(default_handler, logging.StreamHandler)
    assert default_handler.stream is wsgi_errors_stream
    assert default_handler.level == logging.NOTSET


def test_default_handler_format_matches_flask() -> None:
    record = logging.LogRecord(
        "app", logging.WARNING, "/src/views.py", 3, "careful %s", ("now",), None
    )
    record.created = 0.0
    record.msecs = 0.0
    ours = default_handler.format(record)
    theirs = flask.logging.default_handler.format(record)
    assert ours == theirs
    assert ours.endswith("] WARNING in views: careful now")


# --- has_level_handler ------------------------------------------------------


def make_logger(level: int = logging.NOTSET) -> logging.Logger:
    logger = logging.getLogger(f"erlen_test_{uuid.uuid4().hex}")
    logger.setLevel(level)
    return logger


def add_handler(logger: logging.Logger, level: int) -> None:
    handler = logging.NullHandler()
    handler.setLevel(level)
    logger.addHandler(handler)


@pytest.mark.parametrize(
    ("logger_level", "handler_level", "expected"),
    [
        (logging.DEBUG, logging.NOTSET, True),
        (logging.DEBUG, logging.DEBUG, True),
        (logging.INFO, logging.DEBUG, True),
        (logging.DEBUG, logging.INFO, False),
        (logging.NOTSET, logging.WARNING, True),
        (logging.NOTSET, logging.ERROR, False),
    ],
)
def test_has_level_handler_compares_handler_to_effective_level(
    logger_level: int, handler_level: int, expected: bool
) -> None:
    logger = make_logger(logger_level)
    add_handler(logger, handler_level)
    assert has_level_handler(logger) is expected
    assert flask.logging.has_level_handler(logger) is expected


def test_has_level_handler_without_handlers_is_false() -> None:
    assert has_level_handler(make_logger(logging.DEBUG)) is False


def test_has_level_handler_finds_ancestor_handler() -> None:
    parent = make_logger()
    child = logging.getLogger(f"{parent.name}.child.grandchild")
    assert has_level_handler(child) is False
    add_handler(parent, logging.NOTSET)
    assert has_level_handler(child) is True


def test_has_level_handler_finds_root_handler() -> None:
    logger = make_logger()
    add_handler(logging.root, logging.WARNING)
    assert has_level_handler(logger) is True


def test_has_level_handler_stops_where_propagation_stops() -> None:
    parent = make_logger()
    add_handler(parent, logging.NOTSET)
    child = logging.getLogger(f"{parent.name}.child")
    child.propagate = False
    assert has_level_handler(child) is False
    assert flask.logging.has_level_handler(child) is False


# --- create_logger ----------------------------------------------------------


@pytest.mark.parametrize(
    ("debug", "preset_level", "expected_level"),
    [
        (False, logging.NOTSET, logging.NOTSET),
        (True, logging.NOTSET, logging.DEBUG),
        (True, logging.ERROR, logging.ERROR),
        (False, logging.INFO, logging.INFO),
    ],
)
def test_create_logger_level_matches_flask(
    debug: bool, preset_level: int, expected_level: int
) -> None:
    app = FakeApp(debug=debug)
    logging.getLogger(app.name).setLevel(preset_level)
    logger = create_logger(app)
    assert logger is logging.getLogger(app.name)
    assert logger.level == expected_level

    flask_app = FakeApp(debug=debug)
    logging.getLogger(flask_app.name).setLevel(preset_level)
    assert flask.logging.create_logger(t.cast(t.Any, flask_app)).level == logger.level


def test_create_logger_adds_default_handler_once() -> None:
    app = FakeApp()
    logger = create_logger(app)
    assert logger.handlers == [default_handler]
    assert create_logger(app).handlers == [default_handler]


def test_create_logger_keeps_configured_handler() -> None:
    app = FakeApp()
    add_handler(logging.root, logging.NOTSET)
    assert create_logger(app).handlers == []


def test_create_logger_adds_default_handler_when_existing_one_is_too_quiet() -> None:
    app = FakeApp(debug=True)
    add_handler(logging.root, logging.WARNING)
    logger = create_logger(app)
    assert logger.level == logging.DEBUG
    assert logger.handlers == [default_handler]


def test_logged_error_reaches_wsgi_errors_in_request(
    errors: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    logger = create_logger(FakeApp())
    logger.error("broke on %s", "/path")
    assert errors.getvalue().endswith("] ERROR in test_logging: broke on /path\n")
    assert capsys.readouterr().err == ""


def test_logged_error_reaches_stderr_outside_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logger = create_logger(FakeApp())
    logger.warning("no request")
    logger.debug("hidden")
    err = capsys.readouterr().err
    assert err.startswith("[")
    assert err.endswith("] WARNING in test_logging: no request\n")
    assert "hidden" not in err
    assert sys.stderr is not None
