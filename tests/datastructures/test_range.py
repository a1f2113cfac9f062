"""Tests for erlen.datastructures.range (IfRange, Range, ContentRange)."""

from __future__ import annotations

from datetime import datetime
from datetime import timezone

import pytest

from erlen.datastructures import ContentRange
from erlen.datastructures import IfRange
from erlen.datastructures import Range
from erlen.http.etags import parse_if_range_header
from erlen.http.ranges import parse_content_range_header
from erlen.http.ranges import parse_range_header


def test_if_range() -> None:
    assert IfRange().to_header() == ""
    assert IfRange("abc").to_header() == '"abc"'
    date = datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone.utc)
    assert IfRange(date=date).to_header() == "Sun, 06 Nov 1994 08:49:37 GMT"
    assert str(IfRange("x")) == '"x"'
    assert repr(IfRange("x")) == "<IfRange '\"x\"'>"
    parsed = IfRange(*parse_if_range_header('"x"'))
    assert parsed.etag == "x"
    assert parsed.date is None


@pytest.mark.parametrize(
    "ranges", [[(None, 5)], [(-1, 5)], [(5, 5)], [(6, 5)], [(0, 1), (-1, 3)]]
)
def test_range_refuses_invalid_ranges(ranges: list[tuple[int, int]]) -> None:
    with pytest.raises(ValueError, match="is not a valid range"):
        Range("bytes", ranges)


@pytest.mark.parametrize(
    ("header", "length", "expected", "content_range"),
    [
        ("bytes=0-499", 1000, (0, 500), "bytes 0-499/1000"),
        ("bytes=0-499", 100, (0, 100), "bytes 0-99/100"),
        ("bytes=500-", 1000, (500, 1000), "bytes 500-999/1000"),
        ("bytes=-100", 1000, (900, 1000), "bytes 900-999/1000"),
        ("bytes=-100", 50, None, None),  # COMPAT: Werkzeug refuses
        ("bytes=1000-", 1000, None, None),
        ("bytes=0-1,3-4", 1000, None, None),
        ("items=0-1", 1000, None, None),
        ("bytes=0-1", None, None, None),
    ],
)
def test_range_for_length(
    header: str,
    length: int | None,
    expected: tuple[int, int] | None,
    content_range: str | None,
) -> None:
    from werkzeug.http import parse_range_header as wz_parse

    parsed = parse_range_header(header)
    assert parsed is not None
    rng = Range(*parsed)
    assert rng.range_for_length(length) == expected
    assert rng.to_content_range_header(length) == content_range
    made = rng.make_content_range(length)
    if content_range is None:
        assert made is None
    else:
        assert made is not None
        assert made.to_header() == content_range
    theirs = wz_parse(header)
    assert theirs is not None
    assert theirs.range_for_length(length) == expected
    assert theirs.to_content_range_header(length) == content_range


def test_range_to_header() -> None:
    rng = Range("bytes", [(0, 500), (600, None)])
    assert rng.to_header() == "bytes=0-499,600-"
    assert str(Range("bytes", [(-5, None)])) == "bytes=-5"
    assert repr(rng) == "<Range 'bytes=0-499,600-'>"


def test_content_range() -> None:
    calls: list[str] = []
    cr = ContentRange("bytes", 0, 5, 10, on_update=lambda c: calls.append(str(c)))
    assert calls == ["bytes 0-4/10"]  # once on construction, as Werkzeug
    assert cr.units == "bytes"
    assert (cr.start, cr.stop, cr.length) == (0, 5, 10)
    cr.stop = 8
    assert calls[-1] == "bytes 0-7/10"
    cr.length = None
    assert calls[-1] == "bytes 0-7/*"
    cr.set(1, 2, 3)
    assert cr.to_header() == "bytes 1-1/3"
    cr.set(None, None, 7)
    assert cr.to_header() == "bytes */7"
    assert cr
    cr.unset()
    assert not cr
    assert cr.to_header() == ""
    assert cr.units is None
    assert repr(cr) == "<ContentRange ''>"
    assert isinstance(ContentRange.units, object)
    with pytest.raises(ValueError, match="Bad range"):
        cr.set(5, 1, 10)
    with pytest.raises(ValueError):
        ContentRange("bytes", 0, None)


def test_content_range_without_callback() -> None:
    cr = ContentRange("bytes", 0, 5)
    cr.start = 1
    assert str(cr) == "bytes 1-4/*"


def test_content_range_from_parser() -> None:
    parsed = parse_content_range_header("bytes 0-9/100")
    assert parsed is not None
    cr = ContentRange(*parsed)
    assert str(cr) == "bytes 0-9/100"
