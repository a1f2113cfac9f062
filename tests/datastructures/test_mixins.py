"""The public mixins of erlen.datastructures, against Werkzeug's of the same names."""

from __future__ import annotations

import pickle
import typing as t

import pytest

from erlen import datastructures as ds


class Frozen(ds.ImmutableListMixin, list[int]):  # type: ignore[misc]
    pass


class FrozenDict(ds.ImmutableDictMixin, dict[str, int]):  # type: ignore[misc]
    pass


class FrozenMulti(ds.ImmutableMultiDictMixin, ds.MultiDict[str, int]):  # type: ignore[misc]
    pass


MIXINS = [
    "ImmutableListMixin",
    "ImmutableDictMixin",
    "ImmutableMultiDictMixin",
    "ImmutableHeadersMixin",
]


def _refused(cls: type, target: t.Any) -> set[str]:
    """The method names of ``target`` that raise TypeError for immutability."""
    names = set()
    for name in dir(target):
        if name.startswith("_") and name not in (
            "__setitem__",
            "__delitem__",
            "__iadd__",
            "__imul__",
            "__ior__",
        ):
            continue
        method = getattr(target, name)
        if not callable(method):
            continue
        try:
            method("k", "v")
        except TypeError as e:
            if "immutable" in str(e):
                names.add(name)
        except Exception:  # other errors mean "not refused"
            continue
    return names


@pytest.mark.parametrize("name", MIXINS)
def test_mixins_refuse_what_werkzeugs_refuse(name: str) -> None:
    import werkzeug.datastructures as reference

    bases: dict[str, tuple[type, type]] = {
        "ImmutableListMixin": (list, list),
        "ImmutableDictMixin": (dict, dict),
        "ImmutableMultiDictMixin": (ds.MultiDict, reference.MultiDict),
        "ImmutableHeadersMixin": (ds.Headers, reference.Headers),
    }
    ours_base, theirs_base = bases[name]
    ours = type("Ours", (getattr(ds, name), ours_base), {})()
    theirs = type("Theirs", (getattr(reference, name), theirs_base), {})()
    assert _refused(type(ours), ours) >= _refused(type(theirs), theirs)


def test_immutable_list_mixin_is_hashable_and_picklable() -> None:
    frozen = Frozen([1, 2])
    assert hash(frozen) == hash((1, 2))
    with pytest.raises(TypeError, match="'Frozen' objects are immutable"):
        frozen.append(3)
    assert pickle.loads(pickle.dumps(frozen)) == [1, 2]


def test_immutable_dict_mixins_hash_their_items() -> None:
    assert hash(FrozenDict(a=1)) == hash(frozenset({("a", 1)}))
    assert FrozenDict.fromkeys("ab", 0) == {"a": 0, "b": 0}
    multi = FrozenMulti([("a", 1), ("a", 2)])
    assert hash(multi) == hash(frozenset({("a", 1), ("a", 2)}))
    with pytest.raises(TypeError):
        multi.add("a", 3)
    assert pickle.loads(pickle.dumps(multi)).getlist("a") == [1, 2]
    assert pickle.loads(pickle.dumps(FrozenDict(a=1))) == {"a": 1}


def test_update_dict_mixin_reports_every_change() -> None:
    changes: list[dict[str, int]] = []

    class Watched(ds.UpdateDictMixin[str, int]):
        pass

    watched = Watched()
    watched.on_update = lambda d: changes.append(dict(d))
    watched["a"] = 1
    watched.setdefault("b", 2)
    watched.setdefault("b", 3)  # no change
    watched.update(c=3)
    watched |= {"d": 4}
    watched.pop("d")
    watched.pop("missing", None)  # no change
    del watched["c"]
    watched.popitem()
    watched.clear()
    assert changes == [
        {"a": 1},
        {"a": 1, "b": 2},
        {"a": 1, "b": 2, "c": 3},
        {"a": 1, "b": 2, "c": 3, "d": 4},
        {"a": 1, "b": 2, "c": 3},
        {"a": 1, "b": 2},
        {"a": 1},
        {},
    ]
    assert isinstance(ds.CallbackDict(), ds.UpdateDictMixin)
    quiet = Watched()
    quiet["x"] = 1  # no on_update set: nothing to call
    assert quiet == {"x": 1}


def test_erlen_containers_use_the_mixins() -> None:
    assert issubclass(ds.ImmutableList, ds.ImmutableListMixin)
    assert issubclass(ds.ImmutableDict, ds.ImmutableDictMixin)
    assert issubclass(ds.ImmutableMultiDict, ds.ImmutableMultiDictMixin)
    assert issubclass(ds.EnvironHeaders, ds.ImmutableHeadersMixin)
    assert not hasattr(ds.EnvironHeaders({}), "__dict__")
