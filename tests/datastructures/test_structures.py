"""Tests for erlen.datastructures.structures."""

from __future__ import annotations

import copy
import pickle

import pytest

from erlen.datastructures import CallbackDict
from erlen.datastructures import ImmutableDict
from erlen.datastructures import ImmutableList
from erlen.datastructures import ImmutableTypeConversionDict
from erlen.datastructures import TypeConversionDict


@pytest.mark.parametrize(
    "mutate",
    [
        lambda v: v.append(1),
        lambda v: v.remove(1),
        lambda v: v.extend([1]),
        lambda v: v.insert(0, 1),
        lambda v: v.pop(),
        lambda v: v.reverse(),
        lambda v: v.sort(),
        lambda v: v.clear(),
        lambda v: v.__setitem__(0, 1),
        lambda v: v.__delitem__(0),
        lambda v: v.__iadd__([1]),
        lambda v: v.__imul__(2),
    ],
)
def test_immutable_list_refuses_changes(mutate: object) -> None:
    values = ImmutableList([1, 2])
    with pytest.raises(TypeError, match="'ImmutableList' objects are immutable"):
        mutate(values)  # type: ignore[operator]
    assert values == [1, 2]


def test_immutable_list_hash_repr_pickle() -> None:
    values = ImmutableList([1, 2])
    assert hash(values) == hash((1, 2))
    assert repr(values) == "ImmutableList([1, 2])"
    assert pickle.loads(pickle.dumps(values)) == values
    assert type(pickle.loads(pickle.dumps(values))) is ImmutableList


def test_type_conversion_dict_get() -> None:
    data = TypeConversionDict(n="1", bad="x")
    assert data.get("n") == "1"
    assert data.get("n", type=int) == 1
    assert data.get("bad", type=int) is None
    assert data.get("bad", 7, type=int) == 7
    assert data.get("missing", 3) == 3
    assert repr(data) == "{'n': '1', 'bad': 'x'}"


@pytest.mark.parametrize("cls", [ImmutableDict, ImmutableTypeConversionDict])
@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.__setitem__("a", 1),
        lambda d: d.__delitem__("a"),
        lambda d: d.setdefault("a", 1),
        lambda d: d.update({"a": 2}),
        lambda d: d.pop("a"),
        lambda d: d.popitem(),
        lambda d: d.clear(),
        lambda d: d.__ior__({"a": 2}),
    ],
)
def test_immutable_dicts_refuse_changes(cls: type, mutate: object) -> None:
    data = cls({"a": 1})
    with pytest.raises(TypeError, match="objects are immutable"):
        mutate(data)  # type: ignore[operator]
    assert data == {"a": 1}


def test_immutable_dict_copy_hash_repr() -> None:
    data = ImmutableDict({"a": 1})
    assert copy.copy(data) is data
    mutable = data.copy()
    assert type(mutable) is dict
    mutable["b"] = 2
    assert "b" not in data
    assert hash(data) == hash(ImmutableDict({"a": 1}))
    assert repr(data) == "ImmutableDict({'a': 1})"
    assert ImmutableDict.fromkeys(["x", "y"], 0) == {"x": 0, "y": 0}
    assert type(ImmutableDict.fromkeys(["x"])) is ImmutableDict
    assert pickle.loads(pickle.dumps(data)) == data


def test_immutable_type_conversion_dict() -> None:
    data = ImmutableTypeConversionDict({"n": "2"})
    assert data.get("n", type=int) == 2
    assert copy.copy(data) is data
    mutable = data.copy()
    assert type(mutable) is TypeConversionDict
    assert hash(data) == hash(ImmutableTypeConversionDict({"n": "2"}))
    restored = pickle.loads(pickle.dumps(data))
    assert type(restored) is ImmutableTypeConversionDict


def test_callback_dict_calls_on_update_after_each_change() -> None:
    calls: list[dict[str, int]] = []
    data: CallbackDict[str, int] = CallbackDict(
        {"a": 1}, lambda d: calls.append(dict(d))
    )
    data["b"] = 2
    del data["a"]
    assert data.setdefault("b", 5) == 2  # present: no call
    assert data.setdefault("c", 3) == 3
    assert data.pop("c") == 3
    assert data.pop("zz", None) is None  # missing: no call
    data.update(d=4)
    data |= {"e": 5}
    assert data.popitem() == ("e", 5)
    data.clear()
    assert calls == [
        {"a": 1, "b": 2},
        {"b": 2},
        {"b": 2, "c": 3},
        {"b": 2},
        {"b": 2, "d": 4},
        {"b": 2, "d": 4, "e": 5},
        {"b": 2, "d": 4},
        {},
    ]
    with pytest.raises(KeyError):
        data.pop("missing")
    assert repr(CallbackDict({"a": 1})) == "<CallbackDict {'a': 1}>"


def test_callback_dict_without_callback() -> None:
    data: CallbackDict[str, int] = CallbackDict()
    data["a"] = 1
    assert data == {"a": 1}
    assert data.on_update is None
