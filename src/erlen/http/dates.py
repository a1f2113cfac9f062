"""HTTP dates (RFC 9110 §5.6.7) and delta-seconds ages."""

from __future__ import annotations

import email.utils
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import timezone

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

# SECURITY: the longest legitimate date (RFC 850 with a long weekday name) is
# about 40 characters; anything much longer is refused before parsing.
MAX_DATE_LENGTH = 128


def _as_utc(value: datetime) -> datetime:
    """Treat a naive datetime as UTC and convert an aware one to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def http_date(timestamp: datetime | date | int | float | None = None) -> str:
    """Format a moment as an HTTP date, RFC 9110's IMF-fixdate.

    ``http_date(0)`` gives ``"Thu, 01 Jan 1970 00:00:00 GMT"``.

    :param timestamp: an aware or naive (taken as UTC) :class:`~datetime.datetime`,
        a :class:`~datetime.date` (midnight UTC), seconds since the epoch, or
        ``None`` for the current time. Fractions of a second are dropped.
    :raises ValueError: for a year past 9999.
    """
    # RFC 9110 §5.6.7: IMF-fixdate = day-name "," SP date1 SP time-of-day SP GMT
    if timestamp is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(timestamp, datetime):
        moment = _as_utc(timestamp)
    elif isinstance(timestamp, date):
        moment = datetime(
            timestamp.year, timestamp.month, timestamp.day, tzinfo=timezone.utc
        )
    else:
        moment = datetime.fromtimestamp(timestamp, timezone.utc)
    return (
        f"{_WEEKDAYS[moment.weekday()]}, {moment.day:02d} "
        f"{_MONTHS[moment.month - 1]} {moment.year:04d} "
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d} GMT"
    )


def parse_date(value: str | None) -> datetime | None:
    """Parse an HTTP date into an aware :class:`~datetime.datetime`.

    The three formats of RFC 9110 §5.6.7 are accepted (IMF-fixdate, RFC 850
    and asctime), as well as the looser forms the standard library's
    :func:`email.utils.parsedate_tz` understands. A date without a zone is
    taken as UTC; a date with a numeric offset keeps it.

    :param value: the header value.
    :return: the moment, or ``None`` if the value is empty, not a date, or
        longer than ``MAX_DATE_LENGTH`` characters.
    """
    if not value or len(value) > MAX_DATE_LENGTH:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        # COMPAT: Werkzeug also answers None for anything the stdlib refuses.
        return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def parse_age(value: str | None = None) -> timedelta | None:
    """Parse a delta-seconds value (``Age``, ``Max-Age``) into a timedelta.

    :param value: the header value.
    :return: the age, or ``None`` if missing, negative, not an integer or too
        large for :class:`~datetime.timedelta`.
    """
    if not value:
        return None
    # SECURITY: int() on a huge digit string is quadratic before Python 3.11's
    # limit; no legitimate age needs more than a few dozen digits.
    if len(value) > 64:
        return None
    try:
        seconds = int(value)
    except ValueError:
        return None
    if seconds < 0:
        return None
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        return None


def dump_age(age: timedelta | int | None = None) -> str | None:
    """Format an age as delta-seconds.

    :param age: a timedelta or a number of seconds (a float is truncated);
        ``None`` gives ``None``.
    :raises ValueError: if the age is negative.
    """
    if age is None:
        return None
    if isinstance(age, timedelta):
        seconds = int(age.total_seconds())
    else:
        seconds = int(age)
    if seconds < 0:
        raise ValueError("age cannot be negative")
    return str(seconds)
