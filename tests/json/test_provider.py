"""Tests for erlen.json.provider, differential against Flask's providers."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import gc
import io
import typing as t
import uuid

import flask
import flask.json.provider as flask_provider
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from markupsafe import Markup

from erlen import Erlen
from erlen import request
from erlen.json import provider
from erlen.json.provider import DefaultJSONProvider
from erlen.json.provider import JSONProvider


class FakeResponse:
    """Records what the provider passes to ``app.response_class``."""

    def __init__(self, body: str, mimetype: str | None = None) -> None:
        self.body = body
        self.mimetype = mimetype


class FakeApp:
    response_class = FakeResponse

    def __init__(self, debug: bool = False) -> None:
        self.debug = debug
        self.json = DefaultJSONProvider(self)


@dataclasses.dataclass
class Point:
    x: int
    y: list[int]


class Html:
    def __html__(self) -> str:
        return "<b>hi</b>"


def make_flask_app(debug: bool = False) -> flask.Flask:
    app = flask.Flask(__name__)
    app.debug = debug
    return app


VALUES = [
    None,
    True,
    0,
    -12,
    2**70,
    1.5,
    float("nan"),
    float("inf"),
    "",
    "plain",
    "é ☃ \U0001f600",
    "\ud800",
    'quote " backslash \\ control \x00\x1f',
    [],
    {},
    [1, "a", None, [2, [3]]],
    (1, 2),
    {"b": 1, "a": 2, "c": {"z": 0, "y": [1, {"x": None}]}},
    {1: "int key", 2: "x"},
    datetime.date(2020, 1, 2),
    datetime.datetime(2021, 3, 4, 5, 6, 7, 891),
    datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc),
    decimal.Decimal("1.10"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    Point(1, [2, 3]),
    Markup("<i>x</i>"),
    Html(),
    {"when": datetime.date(1999, 12, 31), "items": [decimal.Decimal("0.5")]},
]


@pytest.mark.parametrize("value", VALUES)
def test_dumps_matches_flask(value: object) -> None:
    ours = FakeApp().json
    theirs = make_flask_app().json
    assert ours.dumps(value) == theirs.dumps(value)
    # a second call goes through the cached encoder
    assert ours.dumps(value) == theirs.dumps(value)


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("compact", [None, True, False])
def test_response_body_matches_flask(
    value: object, debug: bool, compact: bool | None
) -> None:
    app = FakeApp(debug=debug)
    app.json.compact = compact
    flask_app = make_flask_app(debug=debug)
    flask_app.json.compact = compact  # type: ignore[attr-defined]
    rv = app.json.response(value)
    with flask_app.app_context():
        expected = flask_app.json.response(value)
    assert rv.body.encode() == expected.get_data()
    assert rv.mimetype == "application/json"
    assert rv.body.endswith("\n")


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((), {}, None),
        ((1,), {}, 1),
        (([1, 2],), {}, [1, 2]),
        ((1, 2), {}, (1, 2)),
        ((), {"a": 1}, {"a": 1}),
        ((None,), {}, None),
    ],
)
def test_prepare_response_obj(
    args: tuple[object, ...], kwargs: dict[str, object], expected: object
) -> None:
    app = FakeApp()
    assert app.json._prepare_response_obj(args, kwargs) == expected


def test_response_rejects_args_and_kwargs() -> None:
    app = FakeApp()
    with pytest.raises(TypeError, match=r"either args or kwargs, not both"):
        app.json.response(1, a=2)


@pytest.mark.parametrize(
    ("args", "kwargs", "body"),
    [
        ((), {}, "null\n"),
        ((1, 2), {}, "[1,2]\n"),
        ((), {"message": "hi", "a": 1}, '{"a":1,"message":"hi"}\n'),
        (("x",), {}, '"x"\n'),
    ],
)
def test_response_bodies(
    args: tuple[object, ...], kwargs: dict[str, object], body: str
) -> None:
    app = FakeApp()
    assert app.json.response(*args, **kwargs).body == body


def test_debug_response_is_indented() -> None:
    app = FakeApp(debug=True)
    rv = app.json.response(a=[1, 2])
    assert rv.body == '{\n  "a": [\n    1,\n    2\n  ]\n}\n'


def test_compact_true_wins_over_debug() -> None:
    app = FakeApp(debug=True)
    app.json.compact = True
    assert app.json.response(a=[1, 2]).body == '{"a":[1,2]}\n'


def test_mimetype_attribute_is_used() -> None:
    app = FakeApp()
    app.json.mimetype = "application/vnd.api+json"
    assert app.json.response(1).mimetype == "application/vnd.api+json"


def test_settings_changed_at_runtime_take_effect() -> None:
    app = FakeApp()
    value = {"b": "é", "a": 1}
    assert app.json.dumps(value) == '{"a": 1, "b": "\\u00e9"}'
    app.json.sort_keys = False  # type: ignore[misc]
    assert app.json.dumps(value) == '{"b": "\\u00e9", "a": 1}'
    assert app.json.response(value).body == '{"b":"\\u00e9","a":1}\n'
    app.json.ensure_ascii = False  # type: ignore[misc]
    assert app.json.dumps(value) == '{"b": "é", "a": 1}'
    assert app.json.response(value).body == '{"b":"é","a":1}\n'


def test_default_replaced_on_instance_takes_effect() -> None:
    app = FakeApp()
    assert app.json.response(x=decimal.Decimal(2)).body == '{"x":"2"}\n'
    app.json.default = lambda o: "custom"  # type: ignore[method-assign]
    assert app.json.response(x=decimal.Decimal(2)).body == '{"x":"custom"}\n'
    assert app.json.dumps(decimal.Decimal(2)) == '"custom"'


class SortedOff(DefaultJSONProvider):
    sort_keys = False
    ensure_ascii = False

    def default(self, o: object) -> object:  # type: ignore[override]
        return repr(o)


def test_subclass_attributes_and_method_default() -> None:
    app = FakeApp()
    app.json = SortedOff(app)
    assert app.json.dumps({"b": object, "a": "é"}) == (
        '{"b": "<class \'object\'>", "a": "é"}'
    )
    assert app.json.response(b=1, a=2).body == '{"b":1,"a":2}\n'
    # the bound method compares equal across calls, so the encoders are reused
    encoders = app.json._encoders
    app.json.dumps(1)
    assert app.json._encoders is encoders


def test_class_attribute_change_rebuilds_encoders(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = FakeApp()
    assert app.json.dumps({"b": 1, "a": 2}) == '{"a": 2, "b": 1}'
    monkeypatch.setattr(DefaultJSONProvider, "sort_keys", False)
    assert app.json.dumps({"b": 1, "a": 2}) == '{"b": 1, "a": 2}'


class UpperDumps(DefaultJSONProvider):
    def dumps(self, obj: object, **kwargs: object) -> str:
        return super().dumps(obj, **kwargs).upper()


@pytest.mark.parametrize("debug", [False, True])
def test_response_uses_overridden_dumps(debug: bool) -> None:
    app = FakeApp(debug=debug)
    app.json = UpperDumps(app)
    flask_app = make_flask_app(debug=debug)

    class FlaskUpper(flask_provider.DefaultJSONProvider):
        def dumps(self, obj: object, **kwargs: object) -> str:
            return super().dumps(obj, **kwargs).upper()

    flask_app.json = FlaskUpper(flask_app)
    with flask_app.app_context():
        expected = flask_app.json.response(key=["v"]).get_data(as_text=True)
    assert app.json.response(key=["v"]).body == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"indent": 4},
        {"separators": (",", ":")},
        {"separators": (";", "=")},
        {"sort_keys": False},
        {"ensure_ascii": False},
        {"default": str},
        {"separators": (",", ":"), "sort_keys": False},
    ],
)
def test_dumps_kwargs_match_flask(kwargs: dict[str, object]) -> None:
    value = {"z": [1, {"é": decimal.Decimal(1)}], "a": None}
    app = FakeApp()
    ours = app.json.dumps(value, **dict(kwargs))
    assert ours == make_flask_app().json.dumps(value, **dict(kwargs))


def test_without_c_accelerator_output_is_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(provider, "_make_c_encoder", None)
    app = FakeApp()
    value = {"b": [1, 2.5, "é"], "a": datetime.date(2000, 1, 1)}
    assert app.json._get_encoders().compact_args is None
    assert app.json.dumps(value) == make_flask_app().json.dumps(value)
    assert app.json.dumps(value, separators=(",", ":")) == (
        '{"a":"Sat, 01 Jan 2000 00:00:00 GMT","b":[1,2.5,"\\u00e9"]}'
    )
    assert app.json.response(value).body == (
        '{"a":"Sat, 01 Jan 2000 00:00:00 GMT","b":[1,2.5,"\\u00e9"]}\n'
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (object(), "Object of type object is not JSON serializable"),
        (Point, "Object of type type is not JSON serializable"),
        ({1, 2}, "Object of type set is not JSON serializable"),
        (b"bytes", "Object of type bytes is not JSON serializable"),
    ],
)
def test_unserialisable_values_raise_type_error(value: object, message: str) -> None:
    app = FakeApp()
    with pytest.raises(TypeError, match=message):
        app.json.dumps(value)
    with pytest.raises(TypeError, match=message):
        app.json.response(value)
    with pytest.raises(TypeError):
        make_flask_app().json.dumps(value)


def test_mixed_key_types_fail_when_sorting_like_flask() -> None:
    app = FakeApp()
    with pytest.raises(TypeError):
        app.json.dumps({1: "a", "b": 2})
    with pytest.raises(TypeError):
        make_flask_app().json.dumps({1: "a", "b": 2})


def test_circular_reference_raises_and_does_not_poison_later_calls() -> None:
    app = FakeApp()
    loop: list[object] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        app.json.response(loop)
    shared = {"a": [1]}
    bad = {"ok": shared, "bad": object()}
    with pytest.raises(TypeError):
        app.json.response(bad)
    # the failed encode left no markers behind
    assert app.json.response(shared).body == '{"a":[1]}\n'
    assert app.json.dumps(shared) == '{"a": [1]}'


def test_loads_and_load() -> None:
    app = FakeApp()
    assert app.json.loads('{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
    assert app.json.loads(b'"\\u00e9"') == "é"
    assert app.json.loads('["é"]'.encode("utf-16")) == ["é"]
    assert app.json.loads("1.5", parse_float=decimal.Decimal) == decimal.Decimal("1.5")
    assert app.json.load(io.StringIO("[1]")) == [1]
    assert app.json.load(io.BytesIO(b"{}")) == {}


def test_dump_writes_to_file() -> None:
    app = FakeApp()
    out = io.StringIO()
    app.json.dump({"b": 1, "a": 2}, out)
    assert out.getvalue() == '{"a": 2, "b": 1}'


@pytest.mark.parametrize(
    "document",
    [
        "",
        "{",
        '{"a": }',
        "[1,]",
        "\x00",
        b"\xff\xfe\x00",
        "nul",
        '"unterminated',
    ],
)
def test_loads_rejects_malformed_documents(document: str | bytes) -> None:
    app = FakeApp()
    with pytest.raises(ValueError):
        app.json.loads(document)


def test_large_documents_round_trip() -> None:
    app = FakeApp()
    big = {"text": "x" * 3_000_000, "items": list(range(100_000))}
    text = app.json.response(big).body
    assert len(text) > 3_000_000
    assert app.json.loads(text) == big
    escaped = "\x01" * 500_000
    assert app.json.loads(app.json.dumps(escaped)) == escaped


class Minimal(JSONProvider):
    def dumps(self, obj: object, **kwargs: object) -> str:
        return f"<{obj!r}>"

    def loads(self, s: str | bytes, **kwargs: object) -> object:
        return ("loaded", s)


def test_base_provider_builds_on_dumps_and_loads() -> None:
    app = FakeApp()
    json_provider = Minimal(app)
    out = io.StringIO()
    json_provider.dump([1], out)
    assert out.getvalue() == "<[1]>"
    assert json_provider.load(io.StringIO("x")) == ("loaded", "x")
    rv = json_provider.response(a=1)
    assert (rv.body, rv.mimetype) == ("<{'a': 1}>", "application/json")


def test_base_provider_methods_are_abstract() -> None:
    app = FakeApp()
    json_provider = JSONProvider(app)
    with pytest.raises(NotImplementedError):
        json_provider.dumps(1)
    with pytest.raises(NotImplementedError):
        json_provider.loads("1")


def test_provider_does_not_keep_the_app_alive() -> None:
    app = FakeApp()
    json_provider = app.json
    del app
    gc.collect()
    with pytest.raises(ReferenceError):
        json_provider.response(1)


def test_default_matches_flask_for_every_extra_type() -> None:
    for value in VALUES[19:27]:
        assert provider._default(value) == flask_provider._default(value)


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.dates()
    | st.datetimes()
    | st.decimals(allow_nan=False)
    | st.uuids(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values, debug=st.booleans())
def test_hypothesis_output_matches_flask(value: object, debug: bool) -> None:
    app = FakeApp(debug=debug)
    flask_app = make_flask_app(debug=debug)
    assert app.json.dumps(value) == flask_app.json.dumps(value)
    with flask_app.app_context():
        expected = flask_app.json.response(value).get_data()
    assert app.json.response(value).body.encode() == expected


@pytest.mark.parametrize("body", [b"[" * 100_000, '{"a":' * 100_000])
def test_deep_nesting_is_a_value_error(body: str | bytes) -> None:
    app = Erlen("deep")
    with pytest.raises(ValueError, match="nested too deeply"):
        app.json.loads(body)


def test_deep_nesting_in_a_request_body_is_400() -> None:
    app = Erlen("deep")

    @app.post("/")
    def index() -> str:
        return str(request.get_json())

    rv = app.test_client().post(
        "/", data=b"[" * 100_000, content_type="application/json"
    )
    assert rv.status_code == 400


def test_shared_encoder_reports_cycles_and_depth_like_json_dumps() -> None:
    app = FakeApp()
    loop: dict[str, object] = {}
    loop["self"] = loop
    for encode in (app.json.dumps, app.json.response):
        with pytest.raises(ValueError, match="Circular reference"):
            encode(loop)
    deep: dict[str, object] = {}
    for _ in range(5000):
        deep = {"a": deep}
    with pytest.raises(RecursionError):
        app.json.dumps(deep)
    with pytest.raises(RecursionError):
        make_flask_app().json.dumps(deep)
    # the same object twice is not a cycle
    twice = [1]
    assert app.json.dumps({"a": twice, "b": twice}) == '{"a": [1], "b": [1]}'


class Wrapping(DefaultJSONProvider):
    """Overrides response(): jsonify must call it, not the shortcut."""

    def response(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        rv = super().response(*args, **kwargs)
        rv.headers["X-Wrapped"] = "yes"
        return rv


class Inheriting(DefaultJSONProvider):
    sort_keys = False


@pytest.mark.parametrize(
    ("call", "body"),
    [
        (lambda j: j(b=1, a=2), b'{"a":2,"b":1}\n'),
        (lambda j: j({"b": 1}), b'{"b":1}\n'),
        (lambda j: j(1, 2), b"[1,2]\n"),
        (lambda j: j(), b"null\n"),
    ],
)
@pytest.mark.parametrize("provider_class", [DefaultJSONProvider, Wrapping, Inheriting])
def test_jsonify_goes_through_an_overridden_response(
    provider_class: type[DefaultJSONProvider], call: t.Any, body: bytes
) -> None:
    from erlen import jsonify

    app = Erlen(__name__)
    app.json = provider_class(app)
    with app.app_context():
        rv = call(jsonify)
    expected = body
    if provider_class is Inheriting and body.startswith(b'{"a"'):
        expected = b'{"b":1,"a":2}\n'  # keys in the order given
    assert rv.get_data() == expected
    assert (rv.headers.get("X-Wrapped") == "yes") is (provider_class is Wrapping)
