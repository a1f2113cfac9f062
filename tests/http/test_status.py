"""Tests for erlen.http.status, checked against Werkzeug's Response.status."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erlen.http.status import HTTP_STATUS_CODES
from erlen.http.status import get_status_line
from erlen.http.status import parse_status


def test_status_table_matches_werkzeug() -> None:
    from werkzeug.http import HTTP_STATUS_CODES as WERKZEUG_CODES

    assert HTTP_STATUS_CODES == WERKZEUG_CODES


@pytest.mark.parametrize(
    ("code", "line"),
    [
        (200, "200 OK"),
        (404, "404 NOT FOUND"),
        (418, "418 I'M A TEAPOT"),
        (599, "599 UNKNOWN"),
        (99, "99 UNKNOWN"),
        (-1, "-1 UNKNOWN"),
    ],
)
def test_get_status_line(code: int, line: str) -> None:
    assert get_status_line(code) == line


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (200, (200, "200 OK")),
        (HTTPStatus.NOT_FOUND, (404, "404 NOT FOUND")),
        (True, (1, "1 UNKNOWN")),
        ("200", (200, "200 OK")),
        (" 201 ", (201, "201 CREATED")),
        ("200 Custom", (200, "200 Custom")),
        ("200 ok", (200, "200 ok")),
        ("404  Two spaces", (404, "404  Two spaces")),
        ("abc", (0, "0 abc")),
        ("abc def", (0, "0 abc def")),
        ("200\tx", (0, "0 200\tx")),
        ("1_0 x", (10, "1_0 x")),
        ("599", (599, "599 UNKNOWN")),
    ],
)
def test_parse_status(value: str | int, expected: tuple[int, str]) -> None:
    assert parse_status(value) == expected


@pytest.mark.parametrize("value", ["", "   ", "\t"])
def test_parse_status_refuses_empty(value: str) -> None:
    with pytest.raises(ValueError, match="Empty status argument"):
        parse_status(value)


@pytest.mark.parametrize("value", [200.0, None, b"200"])
def test_parse_status_refuses_other_types(value: object) -> None:
    with pytest.raises(TypeError, match="int or a str"):
        parse_status(value)  # type: ignore[arg-type]


def test_parse_status_megabytes_of_garbage() -> None:
    value = "x" * 2_000_000 + " 200"
    assert parse_status(value) == (0, f"0 {value}")


@given(
    st.one_of(
        st.integers(-1000, 1000),
        st.text(st.sampled_from(list("0123456789 \tabcOK_-\u0663")), max_size=8),
    )
)
def test_parse_status_matches_werkzeug(value: int | str) -> None:
    from werkzeug.wrappers import Response

    response = Response()
    try:
        response.status = value
    except ValueError:
        with pytest.raises(ValueError):
            parse_status(value)
        return
    assert parse_status(value) == (response.status_code, response.status)
