"""Tests for the erlen.json module helpers, differential against flask.json."""

from __future__ import annotations

import collections.abc as cabc
import datetime
import decimal
import io
import types
import typing as t
import uuid

import flask
import flask.json
import pytest

import erlen.json
from erlen.globals import _cv_app
from erlen.json.provider import DefaultJSONProvider


class FakeResponse:
    def __init__(self, body: str, mimetype: str | None = None) -> None:
        self.body = body
        self.mimetype = mimetype


class FakeApp:
    response_class = FakeResponse
    debug = False

    def __init__(self) -> None:
        self.json = DefaultJSONProvider(self)


@pytest.fixture
def fake_app() -> cabc.Iterator[FakeApp]:
    """An app-like object pushed as the current application."""
    app = FakeApp()
    token = _cv_app.set(types.SimpleNamespace(app=app))  # type: ignore[arg-type]
    try:
        yield app
    finally:
        _cv_app.reset(token)


VALUES = [
    {"b": 1, "a": "é"},
    [1, (2, 3)],
    "text",
    datetime.date(2022, 2, 3),
    decimal.Decimal("2.50"),
    uuid.UUID(int=5),
]


@pytest.mark.parametrize("value", VALUES)
def test_dumps_without_app_matches_flask(value: object) -> None:
    assert erlen.json.dumps(value) == flask.json.dumps(value)
    assert erlen.json.dumps(value, indent=1) == flask.json.dumps(value, indent=1)


@pytest.mark.parametrize("value", VALUES)
def test_dumps_with_app_matches_flask(fake_app: FakeApp, value: object) -> None:
    with flask.Flask(__name__).app_context():
        expected = flask.json.dumps(value)
    assert erlen.json.dumps(value) == expected


def test_dumps_without_app_does_not_sort_keys() -> None:
    assert erlen.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


def test_dumps_with_app_uses_its_provider(fake_app: FakeApp) -> None:
    assert erlen.json.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
    fake_app.json.sort_keys = False  # type: ignore[misc]
    assert erlen.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


def test_dumps_without_app_rejects_unknown_types() -> None:
    with pytest.raises(TypeError, match="Object of type object is not JSON"):
        erlen.json.dumps(object())


def test_dumps_default_can_be_overridden() -> None:
    assert erlen.json.dumps(object(), default=lambda o: "x") == '"x"'


def test_dump_without_app() -> None:
    out = io.StringIO()
    erlen.json.dump({"d": datetime.date(2000, 1, 1)}, out)
    assert out.getvalue() == '{"d": "Sat, 01 Jan 2000 00:00:00 GMT"}'


def test_dump_with_app(fake_app: FakeApp) -> None:
    out = io.StringIO()
    erlen.json.dump({"b": 1, "a": 2}, out, separators=(",", ":"))
    assert out.getvalue() == '{"a":2,"b":1}'


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ('{"a": [1, null]}', {"a": [1, None]}),
        (b'"\\u00e9"', "é"),
        ('"é"'.encode("utf-16"), "é"),
        ("1e400", float("inf")),
    ],
)
def test_loads_and_load_with_and_without_app(
    document: str | bytes, expected: object
) -> None:
    assert erlen.json.loads(document) == expected
    stream = (
        io.BytesIO(document) if isinstance(document, bytes) else io.StringIO(document)
    )
    assert erlen.json.load(stream) == expected
    app = FakeApp()
    token = _cv_app.set(types.SimpleNamespace(app=app))  # type: ignore[arg-type]
    try:
        assert erlen.json.loads(document) == expected
        stream.seek(0)
        assert erlen.json.load(stream) == expected
    finally:
        _cv_app.reset(token)


def test_loads_kwargs_pass_through(fake_app: FakeApp) -> None:
    assert erlen.json.loads("1.1", parse_float=decimal.Decimal) == decimal.Decimal(
        "1.1"
    )


@pytest.mark.parametrize("document", ["", "{", "[1,", "nan", "\x00", b"\xff"])
def test_loads_rejects_malformed(document: str | bytes) -> None:
    with pytest.raises(ValueError):
        erlen.json.loads(document)


def test_jsonify_outside_app_context_raises() -> None:
    with pytest.raises(RuntimeError, match="application context"):
        erlen.json.jsonify(a=1)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        ((1,), {}),
        ((1, 2), {}),
        (([1, {"b": 2, "a": 3}],), {}),
        ((), {"message": "hello", "count": 3}),
        ((datetime.datetime(2020, 5, 6, 7, 8, 9),), {}),
    ],
)
@pytest.mark.parametrize("debug", [False, True])
def test_jsonify_matches_flask(
    fake_app: FakeApp,
    args: tuple[object, ...],
    kwargs: dict[str, object],
    debug: bool,
) -> None:
    fake_app.debug = debug
    flask_app = flask.Flask(__name__)
    flask_app.debug = debug
    with flask_app.app_context():
        expected = flask.jsonify(*args, **kwargs)
    rv = erlen.json.jsonify(*args, **kwargs)
    assert rv.body.encode() == expected.get_data()
    assert rv.mimetype == expected.mimetype


def test_jsonify_rejects_args_and_kwargs(fake_app: FakeApp) -> None:
    with pytest.raises(TypeError, match="either args or kwargs"):
        erlen.json.jsonify(1, a=2)


def test_jsonify_large_payload(fake_app: FakeApp) -> None:
    rv = erlen.json.jsonify(data="\u2603" * 1_000_000)
    assert len(rv.body) == len('{"data":""}\n') + 6 * 1_000_000


def install_json_routes(app: t.Any, jsonify: t.Any) -> None:
    @app.get("/kwargs")
    def kwargs_view() -> t.Any:
        return jsonify(message="Hello, World!", n=1)

    @app.get("/list")
    def list_view() -> t.Any:
        return jsonify([1, {"b": datetime.date(2020, 1, 1), "a": None}])

    @app.get("/dict")
    def dict_view() -> t.Any:
        return {"z": decimal.Decimal("1.5"), "a": uuid.UUID(int=1)}

    @app.get("/none")
    def none_view() -> t.Any:
        return jsonify()


@pytest.mark.parametrize("path", ["/kwargs", "/list", "/dict", "/none"])
@pytest.mark.parametrize("debug", [False, True])
def test_json_responses_match_flask_through_the_app(
    app: t.Any, path: str, debug: bool
) -> None:
    app.debug = debug
    install_json_routes(app, erlen.json.jsonify)
    flask_app = flask.Flask(__name__)
    flask_app.debug = debug
    install_json_routes(flask_app, flask.jsonify)
    ours = app.test_client().get(path)
    theirs = flask_app.test_client().get(path)
    assert ours.status_code == theirs.status_code == 200
    assert ours.get_data() == theirs.get_data()
    assert dict(ours.headers) == dict(theirs.headers)


def test_module_helpers_use_the_real_app_provider(app: t.Any) -> None:
    class NoSort(DefaultJSONProvider):
        sort_keys = False

    app.json = NoSort(app)
    with app.app_context():
        assert erlen.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
        assert erlen.json.jsonify(b=1, a=2).get_data() == b'{"b":1,"a":2}\n'
    assert erlen.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'
