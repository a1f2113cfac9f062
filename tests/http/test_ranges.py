"""Tests for erlen.http.ranges: Range and Content-Range parsing and dumping."""

from __future__ import annotations

import pytest

from erlen.http.ranges import MAX_RANGES
from erlen.http.ranges import dump_content_range
from erlen.http.ranges import dump_range
from erlen.http.ranges import is_byte_range_valid
from erlen.http.ranges import parse_content_range_header
from erlen.http.ranges import parse_range_header

RANGE_CASES: list[tuple[str, tuple[str, list[tuple[int, int | None]]]]] = [
    ("bytes=0-499", ("bytes", [(0, 500)])),
    ("bytes=500-", ("bytes", [(500, None)])),
    ("bytes=-500", ("bytes", [(-500, None)])),
    ("bytes=0-0", ("bytes", [(0, 1)])),
    ("bytes=0-1,2-3", ("bytes", [(0, 2), (2, 4)])),
    ("bytes=0-1, 5-9, 20-", ("bytes", [(0, 2), (5, 10), (20, None)])),
    ("bytes=0-1,-5", ("bytes", [(0, 2), (-5, None)])),
    ("BYTES = 1-2", ("bytes", [(1, 3)])),
    ("bytes= 1 - 2 ", ("bytes", [(1, 3)])),
    ("items=1-2", ("items", [(1, 3)])),
    ("bytes=0-99999999999999999999", ("bytes", [(0, 100000000000000000000)])),
    ("bytes=\t0-1\t,\t2-3", ("bytes", [(0, 2), (2, 4)])),
]

INVALID_RANGES: list[str | None] = [
    None,
    "",
    "bytes",
    "bytes=",
    "bytes=abc",
    "bytes=1",
    "bytes=-",
    "bytes=-0",
    "bytes=0-1\n",
    "bytes=\x0b0-1",
    "bytes=--5",
    "bytes=5-1",
    "bytes=0--1",
    "bytes=a-5",
    "bytes=5-b",
    "bytes=0-5,3-8",  # overlapping
    "bytes=10-20,0-5",  # not ascending
    "bytes=-5,0-1",  # suffix not last
    "bytes=-5,-6",
    "bytes=5-,10-20",  # open range not last
    "bytes=+5-6",
    "bytes=5-+6",
    "bytes=1_0-20",
    "bytes=\u0661-5",  # non-ASCII digit
    "bytes=0-5,",
    "bytes=,0-5",
    "bytes=0-\x00",
]

# SECURITY: more digits than any real offset; Werkzeug would accept these.
OVERSIZED_RANGES: list[str | None] = ["bytes=0-" + "9" * 33, "bytes=" + "1" * 40 + "-"]


@pytest.mark.parametrize(("raw", "expected"), RANGE_CASES)
def test_parse_range_header(raw: str, expected: object) -> None:
    assert parse_range_header(raw) == expected


@pytest.mark.parametrize("raw", INVALID_RANGES + OVERSIZED_RANGES)
def test_parse_range_header_invalid_gives_none(raw: str | None) -> None:
    assert parse_range_header(raw) is None


def test_make_inclusive_is_accepted_and_ignored() -> None:
    assert parse_range_header("bytes=0-1", make_inclusive=False) == (
        "bytes",
        [(0, 2)],
    )


def test_range_count_limit() -> None:
    at_limit = "bytes=" + ",".join(f"{n * 2}-{n * 2}" for n in range(MAX_RANGES))
    parsed = parse_range_header(at_limit)
    assert parsed is not None
    assert len(parsed[1]) == MAX_RANGES
    over = at_limit + f",{MAX_RANGES * 2}-"
    assert parse_range_header(over) is None


def test_pathological_range_headers_finish() -> None:
    # A few MB of commas, digits and dashes must be refused in linear time.
    assert parse_range_header("bytes=" + "," * 3_000_000) is None
    assert parse_range_header("bytes=" + "1" * 3_000_000 + "-") is None
    assert parse_range_header("bytes=0-" + "-" * 3_000_000) is None
    assert parse_range_header("bytes=" + " " * 3_000_000 + "0-1") == (
        "bytes",
        [(0, 2)],
    )


CONTENT_RANGE_CASES = [
    ("bytes 0-499/1234", ("bytes", 0, 500, 1234)),
    ("bytes 0-499/*", ("bytes", 0, 500, None)),
    ("bytes */1234", ("bytes", None, None, 1234)),
    ("bytes */*", ("bytes", None, None, None)),
    ("  bytes   5-5/6 ", ("bytes", 5, 6, 6)),
    ("bytes 0-1 /2\t", ("bytes", 0, 2, 2)),
    ("items 0-0/1", ("items", 0, 1, 1)),
]

INVALID_CONTENT_RANGES: list[str | None] = [
    None,
    "",
    "bytes",
    "bytes 0-499",
    "bytes\t0-1/2",
    "a b 0-1/2",
    "bytes 0-499/",
    "bytes 0-499/abc",
    "bytes 0-499/-5",
    "bytes */-1",
    "bytes 0/10",
    "bytes -5-6/10",
    "bytes 5--6/10",
    "bytes 6-5/10",
    "bytes 10-12/10",  # starts past the end
    "bytes a-5/10",
    "bytes 0-b/10",
    "bytes 0-5/1" + "0" * 40,
    "bytes 0-5/\x00",
]


@pytest.mark.parametrize(("raw", "expected"), CONTENT_RANGE_CASES)
def test_parse_content_range_header(raw: str, expected: object) -> None:
    assert parse_content_range_header(raw) == expected


@pytest.mark.parametrize("raw", INVALID_CONTENT_RANGES)
def test_parse_content_range_header_invalid_gives_none(raw: str | None) -> None:
    assert parse_content_range_header(raw) is None


def test_pathological_content_range_finishes() -> None:
    assert parse_content_range_header("bytes " + "1-" * 2_000_000 + "/5") is None
    assert parse_content_range_header("bytes 0-1/" + "9" * 3_000_000) is None


@pytest.mark.parametrize(
    ("start", "stop", "length", "expected"),
    [
        (None, None, None, True),
        (None, None, 0, True),
        (None, None, -1, False),
        (0, None, 10, False),
        (None, 5, 10, False),
        (0, 5, None, True),
        (5, 5, None, False),
        (-1, 5, None, False),
        (0, 5, 10, True),
        (5, 5, 10, False),
        (9, 20, 10, True),
        (10, 20, 10, False),
        (-1, 5, 10, False),
    ],
)
def test_is_byte_range_valid(
    start: int | None, stop: int | None, length: int | None, expected: bool
) -> None:
    assert is_byte_range_valid(start, stop, length) is expected


def test_dump_range_round_trips() -> None:
    ranges: list[tuple[int, int | None]] = [(0, 500), (600, None)]
    assert dump_range("bytes", ranges) == "bytes=0-499,600-"
    assert dump_range("bytes", [(-100, None)]) == "bytes=-100"
    for _raw, (units, parsed) in RANGE_CASES[:7]:
        assert parse_range_header(dump_range(units, parsed)) == (units, parsed)


def test_dump_content_range() -> None:
    assert dump_content_range("bytes", 0, 500, 1234) == "bytes 0-499/1234"
    assert dump_content_range("bytes", 0, 500, None) == "bytes 0-499/*"
    assert dump_content_range("bytes", None, None, 1234) == "bytes */1234"
    assert dump_content_range("bytes", 3, None, None) == "bytes */*"
    for _raw, parsed in CONTENT_RANGE_CASES:
        assert parse_content_range_header(dump_content_range(*parsed)) == parsed


@pytest.mark.parametrize(
    "raw",
    [case[0] for case in RANGE_CASES] + [r for r in INVALID_RANGES if r],
)
def test_range_matches_werkzeug(raw: str) -> None:
    from werkzeug.http import parse_range_header as wz_parse

    expected = wz_parse(raw)
    ours = parse_range_header(raw)
    if expected is None:
        assert ours is None
    else:
        assert ours == (expected.units, expected.ranges)


@pytest.mark.parametrize(
    "raw",
    [case[0] for case in CONTENT_RANGE_CASES]
    + [raw for raw in INVALID_CONTENT_RANGES[2:-2] if raw],
)
def test_content_range_matches_werkzeug(raw: str) -> None:
    from werkzeug.http import parse_content_range_header as wz_parse

    expected = wz_parse(raw)
    ours = parse_content_range_header(raw)
    if expected is None:
        assert ours is None
    else:
        assert ours == (expected.units, expected.start, expected.stop, expected.length)
