"""The tagged serializer's exact-type fast path tags exactly as the tag order does."""

from __future__ import annotations

import datetime
import enum
import typing as t
import uuid

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from markupsafe import Markup

from erlen.json.tag import JSONTag
from erlen.json.tag import PassDict
from erlen.json.tag import TagDict
from erlen.json.tag import TaggedJSONSerializer

UTC = datetime.timezone.utc


class Color(enum.IntEnum):
    RED = 1


class Text(str):
    pass


class HtmlText(str):
    def __html__(self) -> str:
        return f"<i>{self}</i>"


class Mapping(dict):  # type: ignore[type-arg]
    pass


class Items(list):  # type: ignore[type-arg]
    pass


VALUES: list[t.Any] = [
    None,
    True,
    0,
    2**80,
    -0.5,
    "",
    "text",
    Text("str subclass"),
    HtmlText("html"),
    Markup("<b>"),
    Color.RED,
    {},
    {"count": 6},
    {" t": [1]},
    {" t": [1], "other": 2},
    {"nested": {" b": "x"}},
    [{" u": "x"}, (1, b"\x00")],
    Mapping(a=(1,)),
    Items([b"x", Mapping()]),
    {"when": datetime.datetime(2020, 1, 2, tzinfo=UTC)},
    {"id": uuid.UUID(int=5)},
    (1, [2, {"k": (3,)}]),
    b"bytes",
    object,
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_fast_path_equals_asking_each_tag(value: t.Any) -> None:
    serializer = TaggedJSONSerializer()
    assert serializer._builtin_order is not None
    assert serializer.tag(value) == serializer._tag_in_order(value)
    assert type(serializer.tag(value)) is type(serializer._tag_in_order(value))


leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.binary()
    | st.text().map(Markup)
    | st.text().map(Text)
)
values = st.recursive(
    leaves,
    lambda children: (
        st.lists(children, max_size=4)
        | st.lists(children, max_size=4).map(tuple)
        | st.dictionaries(
            st.text(max_size=3) | st.sampled_from([" t", " b", " di"]),
            children,
            max_size=3,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(value=values)
def test_hypothesis_fast_path_equals_tag_order(value: t.Any) -> None:
    serializer = TaggedJSONSerializer()
    text = serializer.dumps(value)
    assert text == _dumps_in_order(serializer, value)
    assert serializer.loads(text) == value


def _dumps_in_order(serializer: TaggedJSONSerializer, value: t.Any) -> str:
    from erlen.json import dumps

    return dumps(serializer._tag_in_order(value), separators=(",", ":"))


class TagBigInt(JSONTag):
    __slots__ = ()
    key = " i"

    def check(self, value: t.Any) -> bool:
        return type(value) is int and abs(value) >= 2**53

    def to_json(self, value: t.Any) -> t.Any:
        return str(value)

    def to_python(self, value: t.Any) -> t.Any:
        return int(value)


def test_registering_a_tag_turns_the_fast_path_off() -> None:
    serializer = TaggedJSONSerializer()
    serializer.register(TagBigInt, index=0)
    assert serializer.tag({"n": 2**60, "m": 1}) == {"n": {" i": str(2**60)}, "m": 1}
    assert serializer.loads(serializer.dumps([2**60])) == [2**60]


def test_inserting_into_order_directly_turns_the_fast_path_off() -> None:
    serializer = TaggedJSONSerializer()
    serializer.order.insert(0, TagBigInt(serializer))
    assert serializer.tag([2**60]) == [{" i": str(2**60)}]


def test_tag_key_added_to_tags_is_protected_like_tag_dict_does() -> None:
    serializer = TaggedJSONSerializer()
    serializer.tags[" x"] = TagBigInt(serializer)
    assert serializer._builtin_order == serializer.order
    assert serializer.tag({" x": 1}) == {" di": {" x__": 1}}
    assert serializer.tag({" x": 1}) == serializer._tag_in_order({" x": 1})


def test_subclass_overriding_tag_sees_nested_values() -> None:
    seen: list[t.Any] = []

    class Recording(TaggedJSONSerializer):
        __slots__ = ()

        def tag(self, value: t.Any) -> t.Any:
            seen.append(value)
            return super().tag(value)

    serializer = Recording()
    assert serializer._builtin_order is None
    assert serializer.tag({"a": [1]}) == {"a": [1]}
    assert seen == [{"a": [1]}, [1], 1]


def test_subclass_with_other_default_tags_uses_the_order() -> None:
    class NoDictProtection(TaggedJSONSerializer):
        __slots__ = ()
        default_tags = [
            t for t in TaggedJSONSerializer.default_tags if t is not TagDict
        ]

    serializer = NoDictProtection()
    assert serializer._builtin_order is None
    assert serializer.tag({" t": [1]}) == {" t": [1]}
    assert PassDict in NoDictProtection.default_tags


def test_large_flat_session_tags_quickly() -> None:
    value = {f"k{i}": i if i % 2 else f"v{i}" for i in range(200_000)}
    serializer = TaggedJSONSerializer()
    assert serializer.tag(value) == value
    assert serializer.loads(serializer.dumps(value)) == value
