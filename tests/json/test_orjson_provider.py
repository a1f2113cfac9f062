"""Tests for erlen.json.orjson_provider: differential against the stdlib provider."""

from __future__ import annotations

import collections
import dataclasses
import datetime
import decimal
import enum
import importlib
import json
import sys
import typing as t
import uuid

import flask
import orjson
import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from markupsafe import Markup

from erlen import Erlen
from erlen import jsonify
from erlen import request
from erlen import session
from erlen.json.orjson_provider import OrjsonProvider
from erlen.json.provider import DefaultJSONProvider

COMPACT = {"separators": (",", ":")}
PRETTY = {"indent": 2}


@dataclasses.dataclass
class Point:
    y: int
    x: list[int]
    _hidden: str = "kept by asdict"


@dataclasses.dataclass
class Line:
    end: Point
    start: Point


class Html:
    def __html__(self) -> str:
        return "<b>hi</b>"


class Colour(enum.IntEnum):
    RED = 1


class Plain(enum.Enum):
    A = "a"


class Tagged(dict[str, int]):
    pass


class Name(str):
    pass


Pair = collections.namedtuple("Pair", "left right")


def nested_lists(depth: int) -> list[t.Any]:
    value: list[t.Any] = []
    for _ in range(depth):
        value = [value]
    return value


VALUES: list[t.Any] = [
    None,
    True,
    False,
    0,
    -12,
    2**63 - 1,
    -(2**63),
    2**64 - 1,
    2**64,  # beyond orjson: the stdlib writes it
    -(2**63) - 1,
    2**200,
    1.5,
    0.1,
    -0.0,
    1e16,
    123456789.123,
    "",
    "plain",
    'quote " backslash \\ slash / control \x00\x08\t\n\x0b\x0c\r\x1f',
    "del \x7f",
    "é ☃ \U0001f600 \u2028",
    "é" * 17 + "\U0010ffff" * 5,
    "é" * 40,
    "é\x7f",
    "\ud800",  # a lone surrogate: orjson refuses, the stdlib writes it
    [],
    {},
    [1, "a", None, [2, [3]], {}],
    (1, 2),
    Pair(1, 2),
    {"b": 1, "a": 2, "c": {"z": 0, "y": [1, {"x": None}]}, "": []},
    {"é": 1, "e": 2, "\U0001f600": 3, "z": 4},
    {1: "int key", 2: "x"},
    {True: 1, False: 2},
    Tagged(b=1, a=2),
    Name("sub"),
    Colour.RED,
    datetime.date(2020, 1, 2),
    datetime.datetime(2021, 3, 4, 5, 6, 7, 891),
    datetime.datetime(2021, 3, 4, 5, 6, 7, tzinfo=datetime.timezone.utc),
    decimal.Decimal("1.10"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    Point(1, [2, 3]),
    Line(Point(1, [2]), Point(3, [4])),
    Markup("<i>x</i>"),
    Html(),
    {"when": datetime.date(1999, 12, 31), "items": [decimal.Decimal("0.5")]},
    nested_lists(300),  # deeper than orjson's limit: the stdlib writes it
]
IDS = [f"{i}-{type(v).__name__}" for i, v in enumerate(VALUES)]


def flask_body(flask_app: flask.Flask, value: t.Any) -> bytes:
    """Return Flask's ``jsonify`` body for ``value`` (inside an app context)."""
    return t.cast(flask.Response, flask_app.json.response(value)).get_data()


def providers(
    app: Erlen, **attributes: t.Any
) -> tuple[OrjsonProvider, DefaultJSONProvider]:
    fast = OrjsonProvider(app)
    slow = DefaultJSONProvider(app)
    for name, value in attributes.items():
        setattr(fast, name, value)
        setattr(slow, name, value)
    return fast, slow


@pytest.mark.parametrize("value", VALUES, ids=IDS)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        COMPACT,
        PRETTY,
        {"indent": "  "},
        {"indent": 2, "separators": [",", ": "]},
        {"separators": [",", ":"], "sort_keys": False},
        {"separators": (",", ":"), "ensure_ascii": False},
        {"indent": 2, "sort_keys": False, "ensure_ascii": False},
    ],
)
def test_dumps_matches_default_provider(
    app: Erlen, value: t.Any, kwargs: dict[str, t.Any]
) -> None:
    fast, slow = providers(app)
    assert fast.dumps(value, **kwargs) == slow.dumps(value, **kwargs)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
@pytest.mark.parametrize("ensure_ascii", [True, False])
@pytest.mark.parametrize("sort_keys", [True, False])
def test_dumps_matches_default_provider_for_attributes(
    app: Erlen, value: t.Any, ensure_ascii: bool, sort_keys: bool
) -> None:
    fast, slow = providers(app, ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    for kwargs in (COMPACT, PRETTY):
        assert fast.dumps(value, **kwargs) == slow.dumps(value, **kwargs)


@pytest.mark.parametrize("value", VALUES, ids=IDS)
@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("compact", [None, True, False])
def test_response_body_matches_flask(
    value: t.Any, debug: bool, compact: bool | None
) -> None:
    app = Erlen(__name__)
    app.debug = debug
    app.json = OrjsonProvider(app)
    app.json.compact = compact
    flask_app = flask.Flask(__name__)
    flask_app.debug = debug
    flask_app.json.compact = compact  # type: ignore[attr-defined]
    with app.app_context():
        rv = app.json.response(value)
    with flask_app.app_context():
        expected = flask_body(flask_app, value)
    assert rv.get_data() == expected
    assert rv.mimetype == "application/json"


@pytest.mark.parametrize("value", VALUES, ids=IDS)
def test_response_without_ensure_ascii_matches_default_provider(
    app: Erlen, value: t.Any
) -> None:
    fast, slow = providers(app, ensure_ascii=False, sort_keys=False)
    try:
        expected = slow.response(value).get_data()
    except UnicodeEncodeError:  # a lone surrogate cannot be sent as UTF-8
        with pytest.raises(UnicodeEncodeError):
            fast.response(value).get_data()
    else:
        assert fast.response(value).get_data() == expected


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (object(), TypeError, "Object of type object is not JSON serializable"),
        ({1, 2}, TypeError, "Object of type set is not JSON serializable"),
        (b"bytes", TypeError, "Object of type bytes is not JSON serializable"),
        (datetime.time(1, 2), TypeError, "Object of type time is not JSON"),
        ({"a": 1, 2: 3}, TypeError, "not supported between instances"),
    ],
)
def test_unserialisable_values_raise_the_stdlib_error(
    app: Erlen, value: t.Any, error: type[Exception], message: str
) -> None:
    fast, slow = providers(app)
    calls: list[t.Callable[[DefaultJSONProvider], object]] = [
        lambda p: p.dumps(value, **COMPACT),
        lambda p: p.dumps(value, **PRETTY),
        lambda p: p.response(value),
    ]
    for call in calls:
        with pytest.raises(error, match=message):
            call(slow)
        with pytest.raises(error, match=message):
            call(fast)


def test_circular_reference_raises_value_error(app: Erlen) -> None:
    loop: list[t.Any] = []
    loop.append(loop)
    fast = OrjsonProvider(app)
    with pytest.raises(ValueError, match="Circular reference"):
        fast.response(loop)
    assert fast.response([1]).get_data() == b"[1]\n"


@pytest.mark.parametrize(
    ("value", "ours", "stdlib"),
    [
        (float("nan"), "null", "NaN"),
        (float("inf"), "null", "Infinity"),
        (float("-inf"), "null", "-Infinity"),
        (1e-7, "1e-7", "1e-07"),
        (1e-5, "0.00001", "1e-05"),
        (Plain.A, '"a"', None),
    ],
)
def test_documented_differences(
    app: Erlen, value: t.Any, ours: str, stdlib: str | None
) -> None:
    fast, slow = providers(app)
    assert fast.dumps(value, **COMPACT) == ours
    if stdlib is None:
        with pytest.raises(TypeError):
            slow.dumps(value, **COMPACT)
    else:
        assert slow.dumps(value, **COMPACT) == stdlib


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sort_keys": True},
        {"allow_nan": False, "separators": (",", ":")},
        {"indent": 4},
        {"indent": True},
        {"indent": 2, "separators": (",", ":")},
        {"separators": (";", "=")},
        {"skipkeys": True, "separators": (",", ":")},
    ],
)
def test_other_dumps_kwargs_use_the_stdlib(
    app: Erlen, kwargs: dict[str, t.Any]
) -> None:
    value = {"b": [1, 2], "a": {"c": None}, "d": 1.5}
    fast, slow = providers(app)
    assert fast.dumps(value, **kwargs) == slow.dumps(value, **kwargs)


def test_allow_nan_false_still_raises(app: Erlen) -> None:
    with pytest.raises(ValueError, match="Out of range float"):
        OrjsonProvider(app).dumps(float("nan"), allow_nan=False, **COMPACT)


def test_dumps_without_kwargs_keeps_the_stdlib_spacing(app: Erlen) -> None:
    assert OrjsonProvider(app).dumps({"b": 1, "a": [1, 2]}) == '{"a": [1, 2], "b": 1}'


def test_default_kwarg_and_attribute_reach_orjson(app: Erlen) -> None:
    class Money:
        pass

    def default(value: t.Any) -> t.Any:
        if isinstance(value, Money):
            return "1 EUR"
        return DefaultJSONProvider.default(value)

    provider = OrjsonProvider(app)
    assert provider.dumps([Money()], default=default, **COMPACT) == '["1 EUR"]'
    provider.default = default
    assert provider.response(Money()).get_data() == b'"1 EUR"\n'
    assert provider.dumps(datetime.date(2020, 1, 2), **COMPACT) == (
        '"Thu, 02 Jan 2020 00:00:00 GMT"'
    )


class OwnDumps(OrjsonProvider):
    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        return f"<{super().dumps(obj, **kwargs)}>"


@pytest.mark.parametrize(("debug", "body"), [(False, b'<{"a":1}>\n'), (True, None)])
def test_response_uses_an_overridden_dumps(debug: bool, body: bytes | None) -> None:
    app = Erlen(__name__)
    app.debug = debug
    provider = OwnDumps(app)
    expected = body or b'<{\n  "a": 1\n}>\n'
    assert provider.response(a=1).get_data() == expected


def test_ensure_ascii_false_keeps_utf8(app: Erlen) -> None:
    provider = OrjsonProvider(app)
    provider.ensure_ascii = False
    rv = provider.response(name="é\x7f")
    assert rv.get_data() == '{"name":"é\x7f"}\n'.encode()
    assert provider.loads(rv.get_data()) == {"name": "é\x7f"}


# -- loads --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b'{"a":[1,2.5,"x",null,true]}', {"a": [1, 2.5, "x", None, True]}),
        ('{"a": "é"}', {"a": "é"}),
        (bytearray(b"[1]"), [1]),
        (memoryview(b"[2]"), [2]),
        ('"\\ud83d\\ude00"', "\U0001f600"),
        (" \n 1 \t", 1),
        (b"18446744073709551615", 2**64 - 1),
        (b"-9223372036854775808", -(2**63)),
        ('{"a": 1, "a": 2}', {"a": 2}),
        # not UTF-8: the standard library sniffs the encoding
        ('{"é": 1}'.encode("utf-16"), {"é": 1}),
        ('{"é": 1}'.encode("utf-16-le"), {"é": 1}),
        ('["x"]'.encode("utf-32-be"), ["x"]),
        ("[1]".encode("utf-8-sig"), [1]),
    ],
)
def test_loads_matches_the_stdlib(app: Erlen, document: t.Any, expected: t.Any) -> None:
    fast, slow = providers(app)
    assert fast.loads(document) == expected
    if not isinstance(document, memoryview):
        assert slow.loads(document) == expected


def test_loads_kwargs_use_the_stdlib(app: Erlen) -> None:
    rv = OrjsonProvider(app).loads(b"[1.10, NaN]", parse_float=decimal.Decimal)
    assert rv[0] == decimal.Decimal("1.10")
    assert rv[1] != rv[1]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (b"18446744073709551616", 18446744073709551616.0),
        (b"-9223372036854775809", -9223372036854775809.0),
    ],
)
def test_loads_outside_64_bits_gives_float(
    app: Erlen, document: bytes, expected: float
) -> None:
    rv = OrjsonProvider(app).loads(document)
    assert type(rv) is float
    assert rv == expected


HOSTILE_DOCUMENTS: list[t.Any] = [
    b"",
    "",
    b"[",
    b'{"a":',
    b'{"a" 1}',
    b"[1,]",
    b'"unterminated',
    b"NaN",
    b"[Infinity]",
    b"1e400",
    b'"\xff"',
    b'"\xc3"',
    b'"\x01"',
    b'"\\ud800"',
    "\ufeff[1]",
    "\ud800",
    b"\xff\xfe",
    b"[" * 1025 + b"]" * 1025,
    b"[" * 4_000_000,
    b'{"a":' * 1_000_000,
    b"1" * 4_000_000,
    b'"' + b"\\" * 3_000_001 + b'"',
    b"[1]" + b" " * 3_000_000 + b"x",
]


@pytest.mark.parametrize(
    "document", HOSTILE_DOCUMENTS, ids=[repr(d[:12]) for d in HOSTILE_DOCUMENTS]
)
def test_loads_rejects_hostile_documents_with_value_error(
    app: Erlen, document: str | bytes
) -> None:
    with pytest.raises(ValueError):
        OrjsonProvider(app).loads(document)


def test_large_documents_round_trip(app: Erlen) -> None:
    provider = OrjsonProvider(app)
    value = {"text": "x" * 3_000_000, "items": list(range(200_000))}
    body = provider.response(value).get_data()
    assert provider.loads(body) == value
    rv = provider.loads(b"[" * 1000 + b"]" * 1000)
    depth = 0
    while rv:
        rv, depth = rv[0], depth + 1
    assert depth == 999


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.text(), children, max_size=5)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values, ensure_ascii=st.booleans(), sort_keys=st.booleans())
def test_hypothesis_output_matches_the_stdlib(
    value: t.Any, ensure_ascii: bool, sort_keys: bool
) -> None:
    app = Erlen(__name__)
    fast, slow = providers(app, ensure_ascii=ensure_ascii, sort_keys=sort_keys)
    assert fast.response(value).get_data() == slow.response(value).get_data()
    assert fast.dumps(value, **PRETTY) == slow.dumps(value, **PRETTY)
    text = slow.dumps(value, **COMPACT)
    if "\\ud8" in text or "\\udb" in text or "\\udc" in text or "\\udf" in text:
        return  # an escaped lone surrogate: orjson refuses it (documented)
    assert fast.loads(text.encode()) == value


@settings(max_examples=200, deadline=None)
@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_hypothesis_floats_parse_to_the_same_value(value: float) -> None:
    app = Erlen(__name__)
    fast, slow = providers(app)
    assert json.loads(fast.dumps([value], **COMPACT)) == [value]
    assert fast.loads(slow.dumps([value], **COMPACT)) == [value]


# -- through the app ------------------------------------------------------------


@pytest.fixture
def fast_app(app: Erlen) -> Erlen:
    app.json_provider_class = OrjsonProvider

    @app.post("/echo")
    def echo() -> t.Any:
        return jsonify(request.get_json())

    @app.get("/kwargs")
    def kwargs() -> t.Any:
        return jsonify(message="Hello, World!", when=datetime.date(2020, 1, 2))

    @app.get("/dict")
    def as_dict() -> t.Any:
        return {"b": Point(1, [2]), "a": uuid.UUID(int=5), "é": "ü"}

    @app.get("/list")
    def as_list() -> t.Any:
        return [decimal.Decimal("2.50"), Markup("<b>")]

    @app.post("/session")
    def store() -> t.Any:
        session["value"] = request.get_json()
        return "stored"

    @app.get("/session")
    def load() -> t.Any:
        return jsonify(session["value"])

    return app


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/kwargs",
            b'{"message":"Hello, World!","when":"Thu, 02 Jan 2020 00:00:00 GMT"}\n',
        ),
        (
            "/dict",
            b'{"a":"00000000-0000-0000-0000-000000000005",'
            b'"b":{"_hidden":"kept by asdict","x":[2],"y":1},'
            b'"\\u00e9":"\\u00fc"}\n',
        ),
        ("/list", b'["2.50","<b>"]\n'),
    ],
)
def test_views_respond_through_the_provider(
    fast_app: Erlen, path: str, body: bytes
) -> None:
    assert isinstance(fast_app.json, OrjsonProvider)
    rv = fast_app.test_client().get(path)
    assert rv.status_code == 200
    assert rv.mimetype == "application/json"
    assert rv.data == body
    flask_app = flask.Flask(__name__)
    with flask_app.app_context():
        assert rv.data == flask_body(flask_app, json.loads(body))


def test_app_json_assigned_instance_is_used(app: Erlen) -> None:
    app.json = OrjsonProvider(app)
    app.json.compact = False

    @app.get("/")
    def index() -> t.Any:
        return jsonify([1])

    assert app.test_client().get("/").data == b"[\n  1\n]\n"


@pytest.mark.parametrize(
    "document",
    [{"x": [1, 2], "y": None}, [], "é", 2**63, {"deep": nested_lists(500)}],
)
def test_get_json_round_trips(fast_app: Erlen, document: t.Any) -> None:
    rv = fast_app.test_client().post("/echo", json=document)
    assert rv.status_code == 200
    assert rv.get_json() == document


def test_get_json_reads_utf16_bodies(fast_app: Erlen) -> None:
    rv = fast_app.test_client().post(
        "/echo", data='{"a": "é"}'.encode("utf-16"), content_type="application/json"
    )
    assert rv.status_code == 200
    assert rv.data == b'{"a":"\\u00e9"}\n'


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"NaN", b'"\xff"', b"[" * 1025 + b"]" * 1025, b"[" * 2_000_000],
)
@pytest.mark.parametrize("debug", [False, True])
def test_invalid_json_body_is_400(fast_app: Erlen, body: bytes, debug: bool) -> None:
    fast_app.debug = debug
    rv = fast_app.test_client().post(
        "/echo", data=body, content_type="application/json"
    )
    assert rv.status_code == 400
    assert (b"Failed to decode JSON object" in rv.data) is debug


def test_session_round_trips_through_the_provider(fast_app: Erlen) -> None:
    client = fast_app.test_client()
    value = {"name": "é", "n": [1, 2], "big": 2**70}
    assert client.post("/session", json=value).status_code == 200
    rv = client.get("/session")
    assert rv.get_json() == value


# -- without orjson -----------------------------------------------------------


def test_import_without_orjson_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "orjson", None)
    monkeypatch.delitem(sys.modules, "erlen.json.orjson_provider")
    with pytest.raises(ImportError, match=r"pip install erlen\[orjson\]"):
        importlib.import_module("erlen.json.orjson_provider")
    assert orjson.dumps(1) == b"1"
