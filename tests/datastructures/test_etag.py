"""Tests for erlen.datastructures.etag (ETags)."""

from __future__ import annotations

import pytest

from erlen.datastructures import ETags
from erlen.http.etags import generate_etag
from erlen.http.etags import parse_etags


def test_etags() -> None:
    etags = ETags(["a", "b"], ["w"])
    assert etags.contains("a")
    assert not etags.contains("w")
    assert etags.contains_weak("w")
    assert etags.contains_weak("a")
    assert etags.is_strong("a") and not etags.is_strong("w")
    assert etags.is_weak("w") and not etags.is_weak("a")
    assert etags.contains_raw('"a"')
    assert etags.contains_raw('W/"w"')
    assert not etags.contains_raw('"w"')
    assert "a" in etags
    assert "w" not in etags
    assert 1 not in etags
    assert etags.as_set() == {"a", "b"}
    assert etags.as_set(include_weak=True) == {"a", "b", "w"}
    assert etags.to_header() == '"a", "b", W/"w"'
    assert str(etags) == etags.to_header()
    assert repr(etags) == '<ETags \'"a", "b", W/"w"\'>'
    assert len(etags) == 2
    assert list(etags) == ["a", "b"]
    assert etags
    assert not ETags()


def test_star() -> None:
    etags = ETags(["ignored"], star_tag=True)
    assert etags.to_header() == "*"
    assert etags.contains("anything")
    assert etags.contains_weak("anything")
    assert list(etags) == []
    assert etags


def test_call() -> None:
    tag = generate_etag(b"data")
    etags = ETags([tag], ["weak"])
    assert etags(tag)
    assert etags(data=b"data")
    assert not etags("weak")
    assert etags("weak", include_weak=True)
    assert not etags("nope", include_weak=True)
    with pytest.raises(TypeError):
        etags()


def test_built_from_parse_etags() -> None:
    etags = ETags(*parse_etags('"a", W/"b", *'))
    assert etags.contains("a")
    assert etags.is_weak("b")
    assert ETags(*parse_etags("*")).star_tag
