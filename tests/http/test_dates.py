"""Tests for erlen.http.dates, with Werkzeug as the reference."""

from __future__ import annotations

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erlen.http.dates import dump_age
from erlen.http.dates import http_date
from erlen.http.dates import parse_age
from erlen.http.dates import parse_date

UTC = timezone.utc


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "Thu, 01 Jan 1970 00:00:00 GMT"),
        (1e9 + 0.9, "Sun, 09 Sep 2001 01:46:40 GMT"),
        (-0.5, "Wed, 31 Dec 1969 23:59:59 GMT"),
        (date(2020, 2, 3), "Mon, 03 Feb 2020 00:00:00 GMT"),
        (datetime(2020, 1, 1, 5), "Wed, 01 Jan 2020 05:00:00 GMT"),
        (
            datetime(2020, 1, 1, 5, tzinfo=timezone(timedelta(hours=5))),
            "Wed, 01 Jan 2020 00:00:00 GMT",
        ),
        (253402300799, "Fri, 31 Dec 9999 23:59:59 GMT"),
    ],
)
def test_http_date(value: datetime | date | float, expected: str) -> None:
    assert http_date(value) == expected


def test_http_date_now_round_trips() -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    moment = parse_date(http_date())
    assert moment is not None
    assert before <= moment <= datetime.now(UTC)


def test_http_date_refuses_year_10000() -> None:
    with pytest.raises(ValueError):
        http_date(253402300800)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Sun, 06 Nov 1994 08:49:37 GMT", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        (
            "Sunday, 06-Nov-94 08:49:37 GMT",
            datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC),
        ),
        ("Sun Nov  6 08:49:37 1994", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        ("Sun, 06 Nov 1994 08:49:37", datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)),
        (
            "Sun, 06 Nov 1994 08:49:37 +0200",
            datetime(1994, 11, 6, 8, 49, 37, tzinfo=timezone(timedelta(hours=2))),
        ),
        (
            "Sun, 06 Nov 1994 08:49:37 GMT\x00",
            datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC),
        ),
    ],
)
def test_parse_date(value: str, expected: datetime) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        "Sun, 06 Nov 1994 08:49:60 GMT",
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 99999 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 -2400",
        "1994-11-06T08:49:37Z",
        "Sun, 06 Nov 1994 08:49:37.5 GMT",
        "\xff\x00\ud800",
        "Sun, 06 Nov 1994 08:49:37 GMT" + " " * 200,
        "Sun, 06 Nov 1994 08:49:37 GMT" * 100_000,
    ],
)
def test_parse_date_hostile_gives_none(value: str | None) -> None:
    assert parse_date(value) is None


_DATE_PIECES = st.sampled_from(
    ["Sun", "Sunday", ",", " ", "06", "6", "Nov", "-", "1994", "94", "08:49:37"]
    + ["08:49", "GMT", "+0200", "EST", "x", "99999", "31", "Feb"]
)


@given(st.lists(_DATE_PIECES, max_size=10).map("".join))
def test_parse_date_matches_werkzeug(value: str) -> None:
    from werkzeug.http import parse_date as werkzeug_parse_date

    assert parse_date(value) == werkzeug_parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("10", timedelta(seconds=10)),
        (" 10 ", timedelta(seconds=10)),
        ("+5", timedelta(seconds=5)),
        ("0", timedelta(0)),
        (None, None),
        ("", None),
        ("-1", None),
        ("1.5", None),
        ("x", None),
        ("99999999999999999999", None),
        ("9" * 100, None),
        ("9" * 2_000_000, None),
    ],
)
def test_parse_age(value: str | None, expected: timedelta | None) -> None:
    assert parse_age(value) == expected


@given(st.text(st.sampled_from(list("0123456789 -+.x\u0663")), max_size=12))
def test_parse_age_matches_werkzeug(value: str) -> None:
    from werkzeug.http import parse_age as werkzeug_parse_age

    assert parse_age(value) == werkzeug_parse_age(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None),
        (10, "10"),
        (1.5, "1"),  # type: ignore[list-item]
        (timedelta(hours=1, microseconds=5), "3600"),
        (timedelta(seconds=-0.5), "0"),
    ],
)
def test_dump_age(value: timedelta | int | None, expected: str | None) -> None:
    assert dump_age(value) == expected


@pytest.mark.parametrize("value", [-3, timedelta(seconds=-1)])
def test_dump_age_refuses_negative(value: timedelta | int) -> None:
    with pytest.raises(ValueError, match="negative"):
        dump_age(value)
