"""``_SingleValueImmutableMultiDict`` (``request.form`` of the usual body) answers
every read exactly as a plain ``ImmutableMultiDict``, and as Werkzeug's."""

from __future__ import annotations

import copy
import json
import pickle
import threading
import typing as t

import pytest
import werkzeug.datastructures as wz

from erlen.datastructures import CombinedMultiDict
from erlen.datastructures import ImmutableMultiDict
from erlen.datastructures import MultiDict
from erlen.datastructures.multidict import _SingleValueImmutableMultiDict
from erlen.exceptions import BadRequestKeyError

VALUES = [
    {"a": "1", "b": "x y", "c": ""},
    {"only": "v"},
    {},
    {"n": "12", "f": "1.5", "word": "café ☕"},
]

# (name, call): every read a form answers; each runs on a fresh instance
READS: list[tuple[str, t.Callable[[t.Any], t.Any]]] = [
    ("getitem", lambda md: [md[k] for k in list(md)]),
    ("missing", lambda md: _raises(lambda: md["nope"])),
    ("get", lambda md: [md.get(k) for k in [*md, "nope"]]),
    ("get default", lambda md: md.get("nope", "d")),
    ("get type", lambda md: [md.get(k, -1, type=int) for k in [*md, "nope"]]),
    ("getlist", lambda md: [md.getlist(k) for k in [*md, "nope"]]),
    ("getlist type", lambda md: [md.getlist(k, type=float) for k in md]),
    ("items", lambda md: list(md.items())),
    ("items multi", lambda md: list(md.items(multi=True))),
    ("values", lambda md: list(md.values())),
    ("lists", lambda md: list(md.lists())),
    ("listvalues", lambda md: list(md.listvalues())),
    ("keys", lambda md: list(md.keys())),
    ("iter", lambda md: list(md)),
    ("len", len),
    ("contains", lambda md: ["a" in md, "nope" in md]),
    ("to_dict", lambda md: md.to_dict()),
    ("to_dict lists", lambda md: md.to_dict(flat=False)),
    ("dict", dict),
    ("unpack", lambda md: {**md}),
    ("json", lambda md: json.dumps(md, sort_keys=True)),
    ("copy", lambda md: (type(md.copy()).__name__, md.copy().to_dict(flat=False))),
    ("copy module", lambda md: copy.copy(md).to_dict(flat=False)),
    ("deepcopy", lambda md: copy.deepcopy(md).to_dict(flat=False)),
    ("deepcopy method", lambda md: md.deepcopy().to_dict(flat=False)),
    ("pickle", lambda md: _pickled(md)),
    ("repr", lambda md: repr(md).replace("_SingleValue", "")),
    ("str", str),
    ("hash", lambda md: hash(md) == hash(ImmutableMultiDict(list(md.items())))),
    ("eq plain", lambda md: md == ImmutableMultiDict(list(md.items(multi=True)))),
    ("eq lists dict", lambda md: md == {k: [v] for k, v in md.items()}),
    ("eq values dict", lambda md: md == dict(md.items()) and bool(md)),
    ("reflected eq", lambda md: {k: [v] for k, v in md.items()} == md),
    ("ne", lambda md: md != MultiDict([("z", "9")])),
    ("or", lambda md: (md | {"z": "9"}).to_dict(flat=False)),
    ("ror", lambda md: {"z": "9"} | md),
    (
        "combined",
        lambda md: CombinedMultiDict([MultiDict({"a": "0"}), md]).getlist("a"),
    ),
    ("mutation", lambda md: _raises(lambda: md.add("a", "2"))),
    ("setitem", lambda md: _raises(lambda: md.__setitem__("a", "2"))),
    ("setlistdefault", lambda md: _raises(lambda: md.setlistdefault("a"))),
]


def _raises(call: t.Callable[[], t.Any]) -> str:
    try:
        call()
    except Exception as e:
        return type(e).__name__ if not isinstance(e, KeyError) else "KeyError"
    return "no error"


def _pickled(md: t.Any) -> tuple[str, t.Any]:
    loaded = pickle.loads(pickle.dumps(md))
    return type(loaded).__name__, loaded.to_dict(flat=False)


def single(values: dict[str, str]) -> t.Any:
    return _SingleValueImmutableMultiDict._from_lists(values)  # type: ignore[arg-type]


@pytest.mark.parametrize("values", VALUES)
@pytest.mark.parametrize(("name", "read"), READS, ids=[name for name, _ in READS])
def test_reads_match_a_plain_instance_and_werkzeug(
    values: dict[str, str], name: str, read: t.Callable[[t.Any], t.Any]
) -> None:
    pairs = list(values.items())
    expected = read(ImmutableMultiDict(pairs))
    assert read(single(values)) == expected
    if name not in {"copy", "pickle", "repr", "str", "combined", "hash"}:
        assert read(wz.ImmutableMultiDict(pairs)) == expected


@pytest.mark.parametrize(("name", "read"), READS, ids=[name for name, _ in READS])
def test_every_read_leaves_a_consistent_instance(
    name: str, read: t.Callable[[t.Any], t.Any]
) -> None:
    md = single({"a": "1", "b": "2"})
    read(md)
    # whether the read spread it or not, later reads give the plain answers
    assert md["a"] == "1" and md.getlist("b") == ["2"]
    assert md.to_dict(flat=False) == {"a": ["1"], "b": ["2"]}
    assert type(md) is ImmutableMultiDict
    assert dict.__getitem__(md, "a") == ["1"]  # stored as a plain instance stores


def test_item_access_keeps_the_single_values() -> None:
    md = single({"a": "1"})
    assert md["a"] == "1" and md.get("a") == "1" and "a" in md and list(md) == ["a"]
    assert md.get("a", type=int) == 1 and md.get("a", 0, type=dict) == 0
    assert md.getlist("a") == ["1"] and md.getlist("a", type=int) == [1]
    assert md.getlist("a", type=dict) == [] and md.getlist("b") == []
    assert md.getlist("a") is not md.getlist("a")  # a new list each time
    assert type(md) is _SingleValueImmutableMultiDict  # nothing spread it
    with pytest.raises(BadRequestKeyError):
        md["missing"]
    assert isinstance(md, ImmutableMultiDict) and isinstance(md, MultiDict)


def test_two_single_instances_compare_by_their_values() -> None:
    assert single({"a": "1"}) == single({"a": "1"})
    assert single({"a": "1"}) != single({"a": "2"})
    assert single({"a": "1"}) | single({"b": "2"}) == MultiDict({"a": "1", "b": "2"})


def test_threads_spreading_at_once_wrap_each_value_once() -> None:
    for _ in range(50):
        md = single({str(i): str(i) for i in range(200)})
        barrier = threading.Barrier(4)
        results: list[t.Any] = []

        def read(md: t.Any, barrier: threading.Barrier, results: list[t.Any]) -> None:
            barrier.wait()
            results.append(md.getlist("7"))

        threads = [
            threading.Thread(target=read, args=(md, barrier, results)) for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == [["7"]] * 4
        assert md.to_dict(flat=False)["199"] == ["199"]


@pytest.mark.parametrize(
    ("name", "read"),
    [
        ("getitem", lambda md: md["a"]),
        ("get", lambda md: md.get("a")),
        ("get type", lambda md: md.get("a", type=int)),
        ("getlist", lambda md: md.getlist("a")),
        ("dict", lambda md: dict(md)),
        ("items", lambda md: list(md.items())),
    ],
)
def test_a_reader_waits_while_another_thread_rewrites_the_values(
    name: str, read: t.Callable[[t.Any], t.Any]
) -> None:
    from erlen.datastructures import multidict

    md = single({"a": "1", "b": "2"})
    expected = read(ImmutableMultiDict([("a", "1"), ("b", "2")]))
    results: list[t.Any] = []
    with multidict._SPREAD_LOCK:
        # what _spread does under the lock, stopped halfway: one value rewritten
        md.__class__ = multidict._HalfSpread
        dict.__setitem__(md, "a", ["1"])
        reader = threading.Thread(target=lambda: results.append(read(md)))
        reader.start()
        reader.join(0.2)
        assert reader.is_alive() and results == []  # it waits for the rewrite
        assert "a" in md and len(md) == 2 and list(md.keys()) == ["a", "b"]
        dict.__setitem__(md, "b", ["2"])
        md.__class__ = ImmutableMultiDict
    reader.join(5)
    assert results == [expected]
