"""parse_cookie's split path (headers without double quotes) agrees with the scanner."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from erlen.http.cookies import _parse_scanning
from erlen.http.cookies import _parse_split
from erlen.http.cookies import parse_cookie
from erlen.http.errors import HeaderTooLargeError


def _both(header: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    split: list[tuple[str, str]] = []
    scanned: list[tuple[str, str]] = []
    _parse_split(header, split, None)
    _parse_scanning(header, scanned, None)
    return split, scanned


@pytest.mark.parametrize(
    "header",
    [
        "session=eyJjb3VudCI6NX0.aBcD.e-f_g",
        "a=b; c=d",
        " a = b ; c",
        "a b=c; d=e",
        "a=b c; d=e",
        "a\t=\tb\t;\tc\t=\t",
        "=b; c",
        "a==b; ;;",
        "a=b\\c; d=\\",
        "a=\r\n; b\x0b=c",
        "a=b;",
        ";",
        " ",
        "é=ü; $x=1",
    ],
)
def test_split_path_equals_scanner(header: str) -> None:
    split, scanned = _both(header)
    assert split == scanned
    assert parse_cookie(header) == scanned


_PIECES = st.sampled_from(list("ab=;, \t\n\r\\x0é$") + ["ab", "==", "; "])


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_hypothesis_split_path_equals_scanner(header: str) -> None:
    split, scanned = _both(header)
    assert split == scanned


@pytest.mark.parametrize("quote", ["", '"'])
def test_both_paths_enforce_the_limit(quote: str) -> None:
    header = "; ".join(f"k{index}={quote}v{quote}" for index in range(6))
    assert len(parse_cookie(header, max_cookies=6)) == 6
    with pytest.raises(HeaderTooLargeError) as info:
        parse_cookie(header, max_cookies=5)
    assert info.value.status_hint == 431
    assert "more than 5 cookies" in str(info.value)


@pytest.mark.parametrize(
    "header",
    [
        "a=b " * 500_000,
        "a;" * 1_000,
        " \t" * 1_000_000,
        "k=" + "v" * 3_000_000,
        "x" * 3_000_000 + "=1",
    ],
)
def test_split_path_megabytes_finish(header: str) -> None:
    assert len(parse_cookie(header)) <= 1000
