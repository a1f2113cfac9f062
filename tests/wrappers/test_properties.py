"""Tests for erlen.wrappers._properties: environ and header descriptors."""

from __future__ import annotations

import typing as t

import pytest

from erlen.datastructures import Headers
from erlen.wrappers._properties import environ_property
from erlen.wrappers._properties import header_property
from erlen.wrappers._properties import parse_int


class _Holder:
    raw = environ_property[t.Any]("HTTP_RAW", doc="raw")
    number = environ_property("HTTP_NUMBER", parse_int)

    def __init__(self, environ: dict[str, t.Any]) -> None:
        self.environ = environ


class _Headers:
    plain = header_property[str]("X-Plain")
    number = header_property("X-Number", parse_int, str)
    fixed = header_property[str]("X-Fixed", read_only=True)

    def __init__(self) -> None:
        self.headers = Headers()


def test_environ_property_parses_once_and_caches() -> None:
    environ = {"HTTP_RAW": "a", "HTTP_NUMBER": "12"}
    holder = _Holder(environ)
    assert holder.raw == "a"
    assert holder.number == 12
    environ["HTTP_NUMBER"] = "13"
    assert holder.number == 12
    assert holder.__dict__["number"] == 12
    assert _Holder({}).raw is None
    assert isinstance(_Holder.__dict__["raw"], environ_property)
    assert _Holder.raw.__doc__ == "raw"
    assert _Holder.raw.name == "raw"


def test_header_property_reads_writes_deletes() -> None:
    holder = _Headers()
    assert holder.plain is None
    holder.plain = "v"
    assert holder.headers["X-Plain"] == "v"
    holder.number = 5
    assert holder.headers["X-Number"] == "5"
    assert holder.number == 5
    holder.number = None
    assert "X-Number" not in holder.headers
    holder.plain = 3
    assert holder.headers["X-Plain"] == "3"
    del holder.plain
    assert "X-Plain" not in holder.headers
    assert isinstance(_Headers.plain, header_property)
    assert _Headers.plain.__doc__ == "The ``X-Plain`` header."


def test_read_only_header_property() -> None:
    holder = _Headers()
    holder.headers["X-Fixed"] = "1"
    assert holder.fixed == "1"
    with pytest.raises(AttributeError, match="read-only"):
        holder.fixed = "2"
    with pytest.raises(AttributeError, match="read-only"):
        del holder.fixed


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("0", 0),
        ("42", 42),
        (" 7 ", 7),
        ("9" * 19, int("9" * 19)),
        ("", None),
        ("-1", None),
        ("+5", None),
        ("1e3", None),
        ("0x10", None),
        ("1_000", None),
        ("٣", None),
        ("5\x00", None),
        ("9" * 20, None),
        ("9" * 1_000_000, None),
    ],
)
def test_parse_int(raw: str | None, expected: int | None) -> None:
    assert parse_int(raw) == expected
