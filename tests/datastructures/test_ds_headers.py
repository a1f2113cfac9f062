"""Tests for erlen.datastructures.headers (Headers and EnvironHeaders).

Named test_ds_headers so it does not clash with tests/http/test_headers.py.
"""

from __future__ import annotations

import copy

import pytest

from erlen.datastructures import EnvironHeaders
from erlen.datastructures import Headers
from erlen.datastructures import MultiDict
from erlen.exceptions import BadRequestKeyError


def test_headers() -> None:
    h = Headers([("Content-Type", "text/plain"), ("X-Multi", "1"), ("x-multi", "2")])
    assert h["content-type"] == "text/plain"
    assert h["CONTENT-TYPE"] == "text/plain"
    assert h.get("X-MULTI") == "1"
    assert h.getlist("x-multi") == ["1", "2"]
    assert h.get_all("X-Multi") == ["1", "2"]
    assert "x-MULTI" in h
    assert "missing" not in h
    assert 1 not in h
    assert len(h) == 3
    assert list(h) == [
        ("Content-Type", "text/plain"),
        ("X-Multi", "1"),
        ("x-multi", "2"),
    ]
    assert list(h.keys()) == ["Content-Type", "X-Multi", "x-multi"]
    assert list(h.keys(lower=True)) == ["content-type", "x-multi", "x-multi"]
    assert list(h.values()) == ["text/plain", "1", "2"]
    assert list(h.items(lower=True))[0] == ("content-type", "text/plain")
    assert h[0] == ("Content-Type", "text/plain")
    assert h[1:] == Headers([("X-Multi", "1"), ("x-multi", "2")])
    assert type(h[1:]) is Headers
    assert repr(h) == (
        "Headers([('Content-Type', 'text/plain'), ('X-Multi', '1'), ('x-multi', '2')])"
    )
    assert str(h) == "Content-Type: text/plain\r\nX-Multi: 1\r\nx-multi: 2\r\n\r\n"
    assert str(Headers()) == "\r\n"
    assert h == Headers(
        [("x-multi", "2"), ("CONTENT-TYPE", "text/plain"), ("X-Multi", "1")]
    )
    assert h != Headers([("Content-Type", "text/html")])
    assert h.__eq__([("a", "b")]) is NotImplemented
    assert h.to_wsgi_list() == h._list
    assert h.to_wsgi_list() is not h._list


def test_missing_header_raises_bad_request_key_error() -> None:
    h = Headers()
    with pytest.raises(BadRequestKeyError):
        h["X-Missing"]
    with pytest.raises(KeyError):
        h[object()]  # type: ignore[call-overload]


def test_str_subclass_keys() -> None:
    class Name(str):
        pass

    h = Headers([("A", "1")])
    assert h[Name("a")] == "1"
    assert Name("A") in h
    h[Name("B")] = "2"
    assert h["b"] == "2"


def test_get_with_type() -> None:
    h = Headers([("Content-Length", "12"), ("Bad", "x"), ("N", "1"), ("N", "y")])
    assert h.get("content-length", type=int) == 12
    assert h.get("bad", type=int) is None
    assert h.get("bad", -1, type=int) == -1
    assert h.get("missing", "d") == "d"
    assert h.getlist("n", type=int) == [1]


def test_values_are_coerced_to_str() -> None:
    h = Headers()
    h["Content-Length"] = 42
    h.add("X-None", None)
    h.set("X-Float", 1.5)
    assert h._list == [("Content-Length", "42"), ("X-None", "None"), ("X-Float", "1.5")]
    assert all(type(value) is str for _name, value in h._list)


INJECTION_VALUES = ["a\r\nSet-Cookie: x=1", "a\nb", "a\rb", "a\x00b", "\n"]


@pytest.mark.parametrize("value", INJECTION_VALUES)
def test_header_injection_is_refused(value: str) -> None:
    h = Headers([("Safe", "1")])
    setters = [
        lambda: h.add("X", value),
        lambda: h.set("X", value),
        lambda: h.__setitem__("X", value),
        lambda: h.__setitem__(0, ("X", value)),
        lambda: h.__setitem__(slice(0, 1), [("X", value)]),
        lambda: h.setlist("X", ["ok", value]),
        lambda: h.extend({"X": value}),
        lambda: h.update({"X": value}),
        lambda: Headers([("X", value)]),
        lambda: h.add("X" + value, "ok"),
        lambda: h.add("X", "ok", param=value),
    ]
    for setter in setters:
        with pytest.raises(ValueError, match="must not contain newline"):
            setter()
    assert h.getlist("X")[:1] in ([], ["ok"])
    assert h["Safe"] == "1"


def test_add_with_options() -> None:
    h = Headers()
    h.add("Content-Disposition", "attachment", filename="a.txt")
    h.add_header("Content-Type", "text/plain", charset="utf-8")
    h.set("X-Opt", "v", some_thing="1")
    assert h["content-disposition"] == "attachment; filename=a.txt"
    assert h["content-type"] == "text/plain; charset=utf-8"
    assert h["x-opt"] == "v; some-thing=1"


def test_set_replaces_first_and_keeps_position() -> None:
    h = Headers([("A", "1"), ("X", "1"), ("B", "2"), ("x", "2"), ("C", "3")])
    h.set("X", "new")
    assert h._list == [("A", "1"), ("X", "new"), ("B", "2"), ("C", "3")]
    h["d"] = "4"
    assert h._list[-1] == ("d", "4")
    h["x"] = "again"
    assert h._list[1] == ("x", "again")


def test_setlist_setdefault_setlistdefault() -> None:
    h = Headers([("A", "1"), ("A", "2")])
    h.setlist("a", ["x", "y", "z"])
    assert h.getlist("A") == ["x", "y", "z"]
    h.setlist("a", [])
    assert "a" not in h
    assert h.setdefault("B", 5) == "5"
    assert h.setdefault("b", 6) == "5"
    values = h.setlistdefault("C", ["1", "2"])
    assert values == ["1", "2"]
    values.append("3")  # a copy, as in Werkzeug
    assert h.getlist("C") == ["1", "2"]
    assert h.setlistdefault("c", ["9"]) == ["1", "2"]


def test_removal() -> None:
    h = Headers([("A", "1"), ("B", "2"), ("a", "3"), ("C", "4"), ("D", "5")])
    del h["a"]
    assert h._list == [("B", "2"), ("C", "4"), ("D", "5")]
    del h[0]
    assert h._list == [("C", "4"), ("D", "5")]
    h.remove("missing")
    assert h.pop("c") == "4"
    assert h.pop("c", None) is None
    with pytest.raises(KeyError):
        h.pop("c")
    h.extend([("E", "6"), ("F", "7"), ("G", "8")])
    assert h.pop() == ("G", "8")
    assert h.pop(0) == ("D", "5")
    assert h.popitem() == ("F", "7")
    del h[:]
    assert len(h) == 0
    h.add("Z", "1")
    h.clear()
    assert h._list == []


def test_extend_and_update() -> None:
    h = Headers([("A", "1")])
    h.extend({"A": "2", "B": ["3", "4"]}, C="5")
    assert h.getlist("a") == ["1", "2"]
    assert h.getlist("b") == ["3", "4"]
    h.extend(Headers([("A", "x")]))
    h.extend(MultiDict([("M", "1"), ("M", "2")]))
    assert h.getlist("m") == ["1", "2"]
    assert h.getlist("a") == ["1", "2", "x"]
    h.update({"A": "only", "B": ("p", "q")}, C=["k1", "k2"])
    assert h.getlist("a") == ["only"]
    assert h.getlist("b") == ["p", "q"]
    assert h.getlist("c") == ["k1", "k2"]
    h.update(Headers([("B", "r")]))
    assert h.getlist("b") == ["r"]
    h.update(MultiDict([("M", "3"), ("M", "4")]))
    assert h.getlist("m") == ["3", "4"]
    h.update([("M", "5"), ("M", "6")])
    assert h.getlist("m") == ["6"]
    h.extend(E="e")
    assert h["e"] == "e"
    h.update(None, D="d")
    assert h["d"] == "d"


def test_or_and_copy() -> None:
    h = Headers([("A", "1")])
    merged = h | {"B": "2"}
    assert merged["b"] == "2"
    assert "b" not in h
    assert h.__or__([("B", "2")]) is NotImplemented  # type: ignore[operator]
    h |= [("C", "3")]
    assert h["c"] == "3"
    assert h.__ior__(5) is NotImplemented  # type: ignore[arg-type]
    clone = h.copy()
    clone["A"] = "changed"
    assert h["a"] == "1"
    assert copy.copy(h) == h
    with pytest.raises(TypeError):
        hash(h)


def test_setitem_by_index_and_slice() -> None:
    h = Headers([("A", "1"), ("B", "2")])
    h[0] = ("X", 9)
    h[1:] = [("Y", 8), ("Z", 7)]
    assert h._list == [("X", "9"), ("Y", "8"), ("Z", "7")]
    with pytest.raises(TypeError):
        h[1.5] = "x"  # type: ignore[call-overload]


def test_hot_path_with_many_headers() -> None:
    h = Headers([(f"X-{n}", str(n)) for n in range(50_000)])
    assert h["x-49999"] == "49999"
    assert "x-nope" not in h
    h.set("X-0", "replaced")
    assert len(h) == 50_000


ENVIRON = {
    "REQUEST_METHOD": "GET",
    "CONTENT_TYPE": "text/plain",
    "CONTENT_LENGTH": "",
    "HTTP_X_FORWARDED_FOR": "1.2.3.4",
    "HTTP_HOST": "example.com",
    "HTTP_CONTENT_TYPE": "ignored",
    "HTTP_CONTENT_LENGTH": "ignored",
    "wsgi.input": None,
}


def test_environ_headers() -> None:
    h = EnvironHeaders(ENVIRON)
    assert list(h) == [
        ("Content-Type", "text/plain"),
        ("X-Forwarded-For", "1.2.3.4"),
        ("Host", "example.com"),
    ]
    assert len(h) == 3
    assert h["x-forwarded-for"] == "1.2.3.4"
    assert h["Content-Type"] == "text/plain"
    assert h["content-length"] == ""
    assert h.get("host") == "example.com"
    assert h.get("missing", "d") == "d"
    assert h.getlist("HOST") == ["example.com"]
    assert "host" in h
    assert "missing" not in h
    assert 5 not in h
    with pytest.raises(KeyError):
        h["missing"]
    with pytest.raises(BadRequestKeyError):
        h[0]  # type: ignore[call-overload]
    assert h._list == list(h)
    assert Headers(h)["host"] == "example.com"
    assert h == EnvironHeaders(ENVIRON)
    assert h != EnvironHeaders(dict(ENVIRON))
    assert h.__eq__(Headers()) is NotImplemented
    assert repr(h).startswith("EnvironHeaders([('Content-Type', 'text/plain')")


@pytest.mark.parametrize(
    "mutate",
    [
        lambda h: h.__setitem__("A", "1"),
        lambda h: h.__delitem__("A"),
        lambda h: h.add("A", "1"),
        lambda h: h.add_header("A", "1"),
        lambda h: h.set("A", "1"),
        lambda h: h.setlist("A", ["1"]),
        lambda h: h.setdefault("A", "1"),
        lambda h: h.setlistdefault("A", ["1"]),
        lambda h: h.extend({"A": "1"}),
        lambda h: h.update({"A": "1"}),
        lambda h: h.remove("A"),
        lambda h: h.pop("A"),
        lambda h: h.popitem(),
        lambda h: h.clear(),
        lambda h: h.__ior__({"A": "1"}),
        lambda h: h.copy(),
        lambda h: h | {"A": "1"},
    ],
)
def test_environ_headers_are_read_only(mutate: object) -> None:
    environ = dict(ENVIRON)
    with pytest.raises(TypeError, match="EnvironHeaders"):
        mutate(EnvironHeaders(environ))  # type: ignore[operator]
    assert environ == ENVIRON


def test_headers_match_werkzeug() -> None:
    from werkzeug.datastructures import EnvironHeaders as WzEnvironHeaders
    from werkzeug.datastructures import Headers as WzHeaders

    pairs = [("A", "1"), ("b", "2"), ("a", "3"), ("Content-Type", "text/html")]
    ours, theirs = Headers(pairs), WzHeaders(pairs)
    for operation in (
        lambda h: h.set("A", "x"),
        lambda h: h.add("C", "y", q="1"),
        lambda h: h.setlist("b", ["p", "q"]),
        lambda h: h.update({"a": ["m", "n"]}),
        lambda h: h.extend({"z": "1"}),
        lambda h: h.remove("b"),
        lambda h: h.setdefault("new", "v"),
    ):
        operation(ours)
        operation(theirs)
        assert ours.to_wsgi_list() == theirs.to_wsgi_list()
        assert str(ours) == str(theirs)
        assert repr(ours) == repr(theirs)
    assert list(EnvironHeaders(ENVIRON)) == list(WzEnvironHeaders(ENVIRON))


def test_get_with_a_non_string_key_uses_item_lookup() -> None:
    headers = Headers([("A", "1")])
    assert headers.get(0) == ("A", "1")  # type: ignore[call-overload]


def test_get_miss_returns_default_without_raising() -> None:
    headers = Headers([("A", "1")])
    assert headers.get("b") is None
    assert headers.get("b", "d") == "d"
    assert headers.get("a", type=int) == 1
