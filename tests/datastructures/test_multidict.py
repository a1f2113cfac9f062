"""Tests for erlen.datastructures.multidict and combined."""

from __future__ import annotations

import copy
import pickle

import pytest

from erlen.datastructures import CombinedMultiDict
from erlen.datastructures import ImmutableMultiDict
from erlen.datastructures import ImmutableOrderedMultiDict
from erlen.datastructures import MultiDict
from erlen.datastructures import OrderedMultiDict
from erlen.datastructures import iter_multi_items
from erlen.exceptions import BadRequest
from erlen.exceptions import BadRequestKeyError


def test_multidict_basics() -> None:
    md = MultiDict([("a", "1"), ("b", "2"), ("a", "3")])
    assert md["a"] == "1"
    assert md.getlist("a") == ["1", "3"]
    assert md.getlist("missing") == []
    assert len(md) == 2
    assert list(md) == ["a", "b"]
    assert list(md.keys()) == ["a", "b"]
    assert list(md.values()) == ["1", "2"]
    assert list(md.items()) == [("a", "1"), ("b", "2")]
    assert list(md.items(multi=True)) == [("a", "1"), ("a", "3"), ("b", "2")]
    assert list(md.lists()) == [("a", ["1", "3"]), ("b", ["2"])]
    assert list(md.listvalues()) == [["1", "3"], ["2"]]
    assert md.to_dict() == {"a": "1", "b": "2"}
    assert md.to_dict(flat=False) == {"a": ["1", "3"], "b": ["2"]}
    assert repr(md) == "MultiDict([('a', '1'), ('a', '3'), ('b', '2')])"
    assert "a" in md
    assert md == MultiDict([("a", "1"), ("a", "3"), ("b", "2")])
    assert isinstance(md, dict)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (None, []),
        (
            {"a": 1, "b": [2, 3], "c": (4,), "d": [], "e": {5}},
            [("a", 1), ("b", 2), ("b", 3), ("c", 4), ("e", 5)],
        ),
        ([("a", 1), ("a", 2)], [("a", 1), ("a", 2)]),
        (MultiDict([("x", 1), ("x", 2)]), [("x", 1), ("x", 2)]),
        (iter([("g", 1)]), [("g", 1)]),
    ],
)
def test_multidict_constructor(source: object, expected: object) -> None:
    md = MultiDict(source)  # type: ignore[arg-type]
    assert list(md.items(multi=True)) == expected


def test_multidict_copy_does_not_share_lists() -> None:
    original = MultiDict([("a", 1)])
    clone = MultiDict(original)
    clone.add("a", 2)
    assert original.getlist("a") == [1]
    shallow = original.copy()
    assert type(shallow) is MultiDict
    shallow.add("a", 3)
    assert original.getlist("a") == [1]
    assert copy.copy(original) == original


def test_multidict_deepcopy() -> None:
    inner: list[int] = [1]
    md = MultiDict([("a", inner)])
    deep = md.deepcopy()
    deep["a"].append(2)
    assert inner == [1]
    deep2 = copy.deepcopy(md)
    assert deep2["a"] == [1]
    assert deep2["a"] is not inner


def test_missing_key_is_bad_request_key_error() -> None:
    md: MultiDict[str, str] = MultiDict()
    with pytest.raises(BadRequestKeyError) as exc_info:
        md["nope"]
    assert isinstance(exc_info.value, KeyError)
    assert isinstance(exc_info.value, BadRequest)
    assert exc_info.value.args == ("nope",)
    md.setlist("empty", [])
    with pytest.raises(KeyError):
        md["empty"]


def test_get_with_type_conversion() -> None:
    md = MultiDict([("n", "42"), ("bad", "x"), ("n", "7")])
    assert md.get("n") == "42"
    assert md.get("n", type=int) == 42
    assert md.get("bad", type=int) is None
    assert md.get("bad", -1, type=int) == -1
    assert md.get("missing") is None
    assert md.get("missing", "d") == "d"
    with pytest.raises(IndexError):  # only ValueError and TypeError mean "default"
        md.get("n", type=lambda v: [][0])
    assert md.getlist("n", type=int) == [42, 7]
    assert md.getlist("bad", type=int) == []

    def refuse(value: str) -> int:
        raise TypeError(value)

    assert md.get("n", 0, type=refuse) == 0
    assert md.getlist("n", type=refuse) == []


def test_mutation_methods() -> None:
    md: MultiDict[str, int] = MultiDict()
    md["a"] = 1
    md["a"] = 2
    assert md.getlist("a") == [2]
    md.add("a", 3)
    assert md.getlist("a") == [2, 3]
    md.setlist("b", iter([4, 5]))
    assert md.getlist("b") == [4, 5]
    assert md.setdefault("a", 9) == 2
    assert md.setdefault("c", 9) == 9
    assert md.getlist("c") == [9]
    live = md.setlistdefault("d", [1])
    live.append(2)
    assert md.getlist("d") == [1, 2]
    assert md.setlistdefault("d") == [1, 2]
    assert md.setlistdefault("e") == []
    md.update({"a": [7, 8], "f": 1})
    assert md.getlist("a") == [2, 3, 7, 8]
    md.update(MultiDict([("f", 2)]))
    assert md.getlist("f") == [1, 2]
    assert md.pop("a") == 2
    assert "a" not in md
    assert md.pop("a", "gone") == "gone"
    with pytest.raises(BadRequestKeyError):
        md.pop("a")
    assert md.poplist("b") == [4, 5]
    assert md.poplist("b") == []
    assert md.popitem() == ("f", 1)
    assert md.popitemlist() == ("e", [])
    md.clear()
    with pytest.raises(BadRequestKeyError):
        md.popitem()
    with pytest.raises(BadRequestKeyError):
        md.popitemlist()
    md.setlist("empty", [])
    with pytest.raises(BadRequestKeyError):
        md.popitem()
    md.setlist("empty", [])
    with pytest.raises(BadRequestKeyError):
        md.pop("empty")


def test_or_operators() -> None:
    md = MultiDict([("a", 1)])
    merged = md | {"a": 2, "b": 3}
    assert merged.getlist("a") == [1, 2]
    assert md.getlist("a") == [1]
    assert md.__or__([("x", 1)]) is NotImplemented  # type: ignore[arg-type]
    md |= [("a", 5)]
    assert md.getlist("a") == [1, 5]
    assert md.__ior__(3) is NotImplemented  # type: ignore[arg-type]


def test_pickle_round_trip() -> None:
    for cls in (MultiDict, ImmutableMultiDict):
        md = cls([("a", 1), ("a", 2), ("b", 3)])
        restored = pickle.loads(pickle.dumps(md))
        assert type(restored) is cls
        assert list(restored.items(multi=True)) == list(md.items(multi=True))


def test_iter_multi_items() -> None:
    assert list(iter_multi_items({"a": [1, 2], "b": 3})) == [
        ("a", 1),
        ("a", 2),
        ("b", 3),
    ]
    assert list(iter_multi_items(MultiDict([("a", 1), ("a", 2)]))) == [
        ("a", 1),
        ("a", 2),
    ]
    assert list(iter_multi_items([("x", 1)])) == [("x", 1)]


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.__setitem__("a", 1),
        lambda d: d.__delitem__("a"),
        lambda d: d.add("a", 1),
        lambda d: d.setlist("a", [1]),
        lambda d: d.setdefault("a", 1),
        lambda d: d.setlistdefault("a", [1]),
        lambda d: d.update({"a": 1}),
        lambda d: d.pop("a"),
        lambda d: d.popitem(),
        lambda d: d.poplist("a"),
        lambda d: d.popitemlist(),
        lambda d: d.clear(),
        lambda d: d.__ior__({"a": 1}),
    ],
)
def test_immutable_multidict_refuses_changes(mutate: object) -> None:
    md = ImmutableMultiDict([("a", 1)])
    with pytest.raises(TypeError, match="'ImmutableMultiDict' objects are immutable"):
        mutate(md)  # type: ignore[operator]
    assert md.getlist("a") == [1]


def test_immutable_multidict_copy_and_hash() -> None:
    md = ImmutableMultiDict([("a", 1), ("a", 2)])
    assert copy.copy(md) is md
    mutable = md.copy()
    assert type(mutable) is MultiDict
    mutable.add("a", 3)
    assert md.getlist("a") == [1, 2]
    assert hash(md) == hash(ImmutableMultiDict([("a", 2), ("a", 1)]))
    assert {md: 1}[md] == 1
    assert repr(md) == "ImmutableMultiDict([('a', 1), ('a', 2)])"


def test_ordered_multidict_aliases() -> None:
    omd = OrderedMultiDict([("b", 1), ("a", 2), ("b", 3)])
    assert list(omd.items(multi=True)) == [("b", 1), ("b", 3), ("a", 2)]
    assert isinstance(omd, MultiDict)
    iomd = ImmutableOrderedMultiDict([("a", 1)])
    with pytest.raises(TypeError):
        iomd.add("a", 2)


def test_combined_multidict() -> None:
    args = MultiDict([("a", "1"), ("n", "x"), ("both", "args")])
    form = MultiDict([("b", "2"), ("n", "5"), ("both", "form")])
    combined = CombinedMultiDict([args, form])
    assert combined["a"] == "1"
    assert combined["b"] == "2"
    assert combined["both"] == "args"
    with pytest.raises(BadRequestKeyError):
        combined["missing"]
    assert combined.get("n", type=int) == 5  # skips the dict that fails
    assert combined.get("n") == "x"
    assert combined.get("missing", "d") == "d"
    assert combined.get("n", -1, type=lambda v: int(v) * 0 + int("z")) == -1
    assert combined.getlist("both") == ["args", "form"]
    assert combined.getlist("n", type=int) == [5]
    assert combined.keys() == {"a", "n", "both", "b"}
    assert set(combined) == {"a", "n", "both", "b"}
    assert len(combined) == 4
    assert "b" in combined
    assert "zz" not in combined
    assert dict(combined.items()) == {"a": "1", "n": "x", "both": "args", "b": "2"}
    assert sorted(combined.items(multi=True)) == sorted(
        list(args.items(multi=True)) + list(form.items(multi=True))
    )
    assert sorted(combined.values()) == ["1", "2", "args", "x"]
    assert dict(combined.lists())["both"] == ["args", "form"]
    assert sorted(map(len, combined.listvalues())) == [1, 1, 2, 2]
    assert combined.to_dict() == {"a": "1", "n": "x", "both": "args", "b": "2"}
    assert combined.to_dict(flat=False)["n"] == ["x", "5"]
    snapshot = combined.copy()
    assert type(snapshot) is MultiDict
    assert snapshot.getlist("both") == ["args", "form"]
    assert repr(combined).startswith("CombinedMultiDict([MultiDict(")
    assert combined == CombinedMultiDict([args, form])
    assert combined != CombinedMultiDict([form, args])
    assert combined.__eq__({}) is NotImplemented
    assert combined.__ne__({}) is NotImplemented
    with pytest.raises(TypeError):
        hash(combined)
    with pytest.raises(TypeError):
        combined["a"] = "2"  # type: ignore[index]
    with pytest.raises(TypeError):
        CombinedMultiDict.fromkeys(["a"])
    restored = pickle.loads(pickle.dumps(combined))
    assert restored.getlist("both") == ["args", "form"]
    assert len(CombinedMultiDict()) == 0


def test_large_multidict_from_pairs() -> None:
    pairs = [(f"k{n % 1000}", str(n)) for n in range(300_000)]
    md = MultiDict(pairs)
    assert len(md) == 1000
    assert len(md.getlist("k0")) == 300


@pytest.mark.parametrize(
    "pairs", [[], [("a", "b")], [("a", "b"), ("a", "c"), ("d", "e")], [("k", "")]]
)
@pytest.mark.parametrize("cls_name", ["MultiDict", "ImmutableMultiDict"])
def test_dict_conversion_gives_first_values_like_werkzeug(
    cls_name: str, pairs: list[tuple[str, str]]
) -> None:
    import werkzeug.datastructures as wds

    import erlen.datastructures as eds

    ours = getattr(eds, cls_name)(pairs)
    theirs = getattr(wds, cls_name)(pairs)
    first: dict[str, str] = {}
    for key, value in pairs:
        first.setdefault(key, value)
    assert dict(ours) == dict(theirs) == first
    assert {**ours} == {**theirs}
    assert list(ours) == list(theirs)
