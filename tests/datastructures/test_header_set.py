"""Tests for erlen.datastructures.header_set (HeaderSet)."""

from __future__ import annotations

import pytest

from erlen.datastructures import HeaderSet
from erlen.http.headers import parse_set_header


def test_header_set() -> None:
    calls: list[str] = []
    hs = HeaderSet(["Accept", "accept", "Cookie"], lambda s: calls.append(str(s)))
    assert list(hs) == ["Accept", "Cookie"]
    assert len(hs) == 2
    assert "ACCEPT" in hs
    assert 1 not in hs
    hs.add("cookie")
    assert calls == []  # already present
    hs.add("Origin")
    hs.update(["X", "x", "Origin"])
    assert calls == ["Accept, Cookie, Origin", "Accept, Cookie, Origin, X"]
    assert hs.find("origin") == 2
    assert hs.find("nope") == -1
    assert hs.index("x") == 3
    with pytest.raises(IndexError):
        hs.index("nope")
    hs.remove("ORIGIN")
    assert list(hs) == ["Accept", "Cookie", "X"]
    with pytest.raises(KeyError):
        hs.remove("origin")
    hs.discard("nope")
    hs.discard("x")
    assert list(hs) == ["Accept", "Cookie"]
    assert hs[0] == "Accept"
    hs[0] = "Host"
    assert "accept" not in hs and "host" in hs
    del hs[0]
    assert list(hs) == ["Cookie"]
    assert hs.as_set() == {"cookie"}
    assert hs.as_set(preserve_casing=True) == {"Cookie"}
    assert repr(hs) == "HeaderSet(['Cookie'])"
    assert hs
    hs.clear()
    assert not hs
    assert calls[-1] == ""


def test_header_set_quotes_and_parses() -> None:
    hs = HeaderSet(["a b", "c"])
    assert hs.to_header() == '"a b", c'
    parsed = parse_set_header("Accept, Cookie", None, HeaderSet)
    assert isinstance(parsed, HeaderSet)
    assert list(parsed) == ["Accept", "Cookie"]
    assert HeaderSet().to_header() == ""


def test_header_set_matches_werkzeug() -> None:
    from werkzeug.datastructures import HeaderSet as WzHeaderSet

    ours, theirs = HeaderSet(["A", "b"]), WzHeaderSet(["A", "b"])
    for value in ("c", "B", "d e"):
        ours.add(value)
        theirs.add(value)
    assert ours.to_header() == theirs.to_header()
    assert repr(ours) == repr(theirs)
