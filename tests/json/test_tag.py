"""Tests for erlen.json.tag, differential against Flask's tagged serializer."""

from __future__ import annotations

import binascii
import datetime
import uuid
from collections import OrderedDict

import pytest
from flask.json.tag import TaggedJSONSerializer as FlaskSerializer
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from markupsafe import Markup

from erlen.json.tag import JSONTag
from erlen.json.tag import PassDict
from erlen.json.tag import PassList
from erlen.json.tag import TagBytes
from erlen.json.tag import TagDateTime
from erlen.json.tag import TagDict
from erlen.json.tag import TaggedJSONSerializer
from erlen.json.tag import TagMarkup
from erlen.json.tag import TagTuple
from erlen.json.tag import TagUUID

UTC = datetime.timezone.utc

ROUND_TRIP = [
    None,
    True,
    1,
    -1.5,
    "text",
    "é\U0001f600",
    [],
    {},
    [1, [2, [3]]],
    {"a": {"b": {"c": [1, 2]}}},
    (),
    (1, 2),
    ((1,), [(2, 3)]),
    b"",
    b"\x00\xffbytes",
    Markup("<b>x</b>"),
    uuid.UUID("12345678-1234-5678-1234-567812345678"),
    datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
    {" t": "looks like a tag"},
    {" t__": "already suffixed"},
    {" di": {" t": [1]}},
    {"x": {" b": "not base64 but protected"}},
    [{" u": 1}, {" m": 2, "other": 3}],
    {"_permanent": True, "user_id": 42, "csrf": b"\x01\x02"},
]


@pytest.mark.parametrize("value", ROUND_TRIP)
def test_round_trip(value: object) -> None:
    serializer = TaggedJSONSerializer()
    assert serializer.loads(serializer.dumps(value)) == value


@pytest.mark.parametrize("value", ROUND_TRIP)
def test_output_and_loading_match_flask(value: object) -> None:
    ours = TaggedJSONSerializer()
    theirs = FlaskSerializer()
    text = ours.dumps(value)
    assert text == theirs.dumps(value)
    assert theirs.loads(text) == value
    assert ours.loads(theirs.dumps(value)) == value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ((1, 2), '{" t":[1,2]}'),
        (b"hi", '{" b":"aGk="}'),
        (Markup("<i>"), '{" m":"<i>"}'),
        (
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            '{" u":"12345678123456781234567812345678"}',
        ),
        (
            datetime.datetime(2020, 1, 2, 3, 4, 5),
            '{" d":"Thu, 02 Jan 2020 03:04:05 GMT"}',
        ),
        ({" t": 1}, '{" di":{" t__":1}}'),
        ({"a": (1,), "b": [b"x"]}, '{"a":{" t":[1]},"b":[{" b":"eA=="}]}'),
    ],
)
def test_compact_tagged_output(value: object, expected: str) -> None:
    assert TaggedJSONSerializer().dumps(value) == expected


def test_datetime_reads_back_as_aware_utc_without_microseconds() -> None:
    serializer = TaggedJSONSerializer()
    naive = datetime.datetime(2020, 1, 2, 3, 4, 5, 678)
    assert serializer.loads(serializer.dumps(naive)) == datetime.datetime(
        2020, 1, 2, 3, 4, 5, tzinfo=UTC
    )


def test_default_tag_order_matches_flask() -> None:
    ours = [(type(tag).__name__, tag.key) for tag in TaggedJSONSerializer().order]
    theirs = [(type(tag).__name__, tag.key) for tag in FlaskSerializer().order]
    assert ours == theirs
    assert TaggedJSONSerializer.default_tags == [
        TagDict,
        PassDict,
        TagTuple,
        PassList,
        TagBytes,
        TagMarkup,
        TagUUID,
        TagDateTime,
    ]


class TagOrderedDict(JSONTag):
    __slots__ = ("serializer",)
    key = " od"

    def check(self, value: object) -> bool:
        return isinstance(value, OrderedDict)

    def to_json(self, value: OrderedDict[str, object]) -> object:
        return [[key, self.serializer.tag(item)] for key, item in value.items()]

    def to_python(self, value: list[list[object]]) -> object:
        return OrderedDict((key, item) for key, item in value)  # type: ignore[misc]


def test_register_custom_tag_first() -> None:
    serializer = TaggedJSONSerializer()
    serializer.register(TagOrderedDict, index=0)
    value = OrderedDict([("b", (1,)), ("a", b"x")])
    text = serializer.dumps(value)
    assert text == '{" od":[["b",{" t":[1]}],["a",{" b":"eA=="}]]}'
    loaded = serializer.loads(text)
    assert type(loaded) is OrderedDict
    assert list(loaded.items()) == [("b", (1,)), ("a", b"x")]


def test_register_appends_by_default_so_earlier_tags_win() -> None:
    serializer = TaggedJSONSerializer()
    serializer.register(TagOrderedDict)
    assert serializer.order[-1].key == " od"
    # PassDict comes first and handles the OrderedDict as a plain dict
    assert serializer.dumps(OrderedDict(a=1)) == '{"a":1}'


def test_register_duplicate_key_raises_unless_forced() -> None:
    serializer = TaggedJSONSerializer()
    with pytest.raises(KeyError, match="Tag ' t' is already registered."):
        serializer.register(TagTuple)

    class ListTuple(TagTuple):
        __slots__ = ()

        def to_python(self, value: object) -> object:
            return ["tuple", value]

    serializer.register(ListTuple, force=True)
    assert serializer.tags[" t"].__class__ is ListTuple
    assert serializer.loads('{" t":[1]}') == ["tuple", [1]]


def test_keyless_tags_are_not_looked_up() -> None:
    serializer = TaggedJSONSerializer()
    assert "" not in serializer.tags
    assert len(serializer.tags) == 6
    assert len(serializer.order) == 8


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({}, {}),
        ({"a": 1, "b": 2}, {"a": 1, "b": 2}),
        ({"unknown": 1}, {"unknown": 1}),
        ({" t": [1, 2]}, (1, 2)),
        ({" di": {" t__": 1}}, {" t": 1}),
    ],
)
def test_untag(value: dict[str, object], expected: object) -> None:
    assert TaggedJSONSerializer().untag(value) == expected


def test_tag_passes_unknown_values_through() -> None:
    serializer = TaggedJSONSerializer()
    marker = object()
    assert serializer.tag(marker) is marker
    assert serializer.tag(1.5) == 1.5


def test_base_tag_is_abstract() -> None:
    tag = JSONTag(TaggedJSONSerializer())
    for method in (tag.check, tag.to_json, tag.to_python):
        with pytest.raises(NotImplementedError):
            method(1)


def test_tag_wraps_to_json_under_key() -> None:
    serializer = TaggedJSONSerializer()
    assert serializer.tags[" b"].tag(b"a") == {" b": "YQ=="}


def test_markup_tag_accepts_any_html_object() -> None:
    class Html:
        def __html__(self) -> str:
            return "<p>"

    serializer = TaggedJSONSerializer()
    loaded = serializer.loads(serializer.dumps(Html()))
    assert loaded == Markup("<p>")
    assert isinstance(loaded, Markup)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ('{" b":"YQ"}', binascii.Error),
        ('{" u":"not-a-uuid"}', ValueError),
        ('{" t":1}', TypeError),
        ("{", ValueError),
        ("", ValueError),
        ('{"a":', ValueError),
        (b"\xff\xfe\xfd", ValueError),
    ],
)
def test_hostile_payloads_raise_like_flask(text: str | bytes, error: type) -> None:
    with pytest.raises(error):
        TaggedJSONSerializer().loads(text)
    with pytest.raises(error):
        FlaskSerializer().loads(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{" d":"not a date"}', None),
        (
            '{" d":"Thu, 01 Jan 0099 00:00:00 GMT"}',
            datetime.datetime(1999, 1, 1, tzinfo=UTC),
        ),
        ('{" b":"!!!"}', b""),
        ('{" m":"<script>"}', Markup("<script>")),
        ('{" t":[]}', ()),
        ('{" x":1}', {" x": 1}),
        ('{" t":[1],"b":2}', {" t": [1], "b": 2}),
    ],
)
def test_lenient_payloads_match_flask(text: str, expected: object) -> None:
    assert TaggedJSONSerializer().loads(text) == expected
    assert FlaskSerializer().loads(text) == expected


def test_large_and_deep_payloads() -> None:
    serializer = TaggedJSONSerializer()
    value = {"blob": b"\x00" * 2_000_000, "items": [(i, str(i)) for i in range(50_000)]}
    text = serializer.dumps(value)
    assert serializer.loads(text) == value
    nested: object = 1
    for _ in range(100):
        nested = {"k": [nested]}
    assert serializer.loads(serializer.dumps(nested)) == nested
    many_tags = "[" + ",".join(['{" t":[1]}'] * 100_000) + "]"
    assert serializer.loads(many_tags) == [(1,)] * 100_000


keys = st.text(max_size=4) | st.sampled_from([" t", " b", " di", " u", " m", " d"])
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
    | st.uuids()
    | st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        timezones=st.just(UTC),
    ).map(lambda d: d.replace(microsecond=0))
    | st.text().map(Markup)
)
tagged_values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=4).map(tuple)
        | st.dictionaries(keys, children, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(value=tagged_values)
def test_hypothesis_cross_compatible_with_flask(value: object) -> None:
    ours = TaggedJSONSerializer()
    theirs = FlaskSerializer()
    text = ours.dumps(value)
    assert text == theirs.dumps(value)
    assert ours.loads(text) == value
    assert theirs.loads(text) == value
