"""Tests for erlen.http.forms: the incremental urlencoded decoder."""

from __future__ import annotations

import pytest

from erlen.http.errors import LimitExceededError
from erlen.http.forms import UrlencodedDecoder
from erlen.http.urls import parse_query_pairs


def decode(
    body: bytes,
    chunk_size: int | None = None,
    max_form_memory_size: int | None = None,
    max_pairs: int | None = None,
) -> list[tuple[str, str]]:
    decoder = UrlencodedDecoder(max_form_memory_size, max_pairs)
    size = chunk_size or max(len(body), 1)
    pairs: list[tuple[str, str]] = []
    for pos in range(0, len(body), size):
        pairs += decoder.feed(body[pos : pos + size])
    return pairs + decoder.close()


BODIES = [
    pytest.param(b"", [], id="empty"),
    pytest.param(b"a=1", [("a", "1")], id="one"),
    pytest.param(b"a=1&b=2&a=3", [("a", "1"), ("b", "2"), ("a", "3")], id="repeated"),
    pytest.param(b"a=x+y%20z", [("a", "x y z")], id="plus-and-escape"),
    pytest.param(b"a&b=&=c", [("a", ""), ("b", ""), ("", "c")], id="missing-parts"),
    pytest.param(b"&&a=1&&", [("a", "1")], id="empty-pieces"),
    pytest.param(b"a=1=2", [("a", "1=2")], id="first-equals-splits"),
    pytest.param(b"%C3%A9=%E2%82%AC", [("é", "€")], id="utf8-escapes"),
    pytest.param("é=€".encode(), [("é", "€")], id="raw-utf8"),
    pytest.param(
        b"a=%FF&b=%zz&c=%", [("a", "%FF"), ("b", "%zz"), ("c", "%")], id="bad-escapes"
    ),
    pytest.param(b"a=\xff\xfe", [("a", "\ufffd\ufffd")], id="invalid-raw-utf8"),
    pytest.param(b"a=1;b=2", [("a", "1;b=2")], id="semicolon-is-not-a-separator"),
    pytest.param(b"a=\x00\r\n", [("a", "\x00\r\n")], id="control-characters-kept"),
]


@pytest.mark.parametrize(("body", "expected"), BODIES)
def test_decode(body: bytes, expected: list[tuple[str, str]]) -> None:
    assert decode(body) == expected
    assert decode(body) == parse_query_pairs(body)


@pytest.mark.parametrize(("body", "expected"), BODIES)
def test_decode_every_chunk_size(body: bytes, expected: list[tuple[str, str]]) -> None:
    # Splitting inside an escape, a multibyte character or at "&" is harmless.
    for size in range(1, len(body) + 1):
        assert decode(body, size) == expected, size


def test_pairs_are_returned_as_soon_as_complete() -> None:
    decoder = UrlencodedDecoder()
    assert decoder.feed(b"a=1&b") == [("a", "1")]
    assert decoder.feed(b"=2&c=3&") == [("b", "2"), ("c", "3")]
    assert decoder.feed(b"d") == []
    assert decoder.close() == [("d", "")]


def test_matches_werkzeug_form_parsing() -> None:
    import io

    from werkzeug.formparser import FormDataParser

    body = b"a=1&b=x+y&c=%C3%A9&d&&e=%25&f=1=2&a=2"
    form = FormDataParser().parse(
        io.BytesIO(body), "application/x-www-form-urlencoded", len(body), {}
    )[1]
    assert sorted(decode(body)) == sorted(form.items(multi=True))


HOSTILE = [
    pytest.param(b"a=" + b"x" * 11, 10, None, id="last-field-too-large"),
    pytest.param(b"a=" + b"x" * 11 + b"&b=1", 10, None, id="field-too-large"),
    pytest.param(b"b=1&" + b"x" * 11 + b"&c=2", 10, None, id="middle-key-too-large"),
    pytest.param(b"a=1&b=2&c=3", None, 2, id="too-many-pairs"),
    pytest.param(b"&".join([b"a"] * 20), None, 19, id="too-many-bare-keys"),
]


@pytest.mark.parametrize(("body", "memory", "pairs"), HOSTILE)
def test_decode_hostile(body: bytes, memory: int | None, pairs: int | None) -> None:
    for size in (None, 1, 3):
        with pytest.raises(LimitExceededError) as info:
            decode(body, size, memory, pairs)
        assert info.value.status_hint == 413


def test_limits_are_inclusive() -> None:
    body = b"a=12345678&bb=1234567&c=3"
    for size in (None, 1, 4):
        assert len(decode(body, size, max_form_memory_size=10, max_pairs=3)) == 3


def test_oversized_field_fails_before_it_is_buffered_whole() -> None:
    decoder = UrlencodedDecoder(max_form_memory_size=1000)
    decoder.feed(b"a=")
    with pytest.raises(LimitExceededError):
        for _ in range(100):
            decoder.feed(b"x" * 100)
    assert len(decoder._pending) <= 1100


def test_feed_after_close_is_an_error() -> None:
    decoder = UrlencodedDecoder()
    decoder.close()
    with pytest.raises(RuntimeError):
        decoder.feed(b"a=1")


def test_megabytes_of_small_chunks_finish() -> None:
    # Linear time: a long field fed byte by byte is not rescanned per byte.
    decoder = UrlencodedDecoder(max_form_memory_size=2_000_000)
    decoder.feed(b"k=")
    chunk = b"%41" * 100
    for _ in range(5000):
        assert decoder.feed(chunk) == []
    assert decoder.close() == [("k", "A" * 500_000)]
    many = b"&".join([b"a=1"] * 300_000)
    assert len(decode(many, 4096)) == 300_000


def test_decode_takes_a_whole_body_once() -> None:
    decoder = UrlencodedDecoder()
    assert decoder.decode(b"a=1&b=%41+c") == [("a", "1"), ("b", "A c")]
    with pytest.raises(RuntimeError, match="whole body"):
        decoder.decode(b"c=3")


def test_decode_refuses_a_decoder_already_fed() -> None:
    decoder = UrlencodedDecoder()
    decoder.feed(b"a=1&b")
    with pytest.raises(RuntimeError, match="whole body"):
        decoder.decode(b"=2")


def test_decode_applies_the_limits() -> None:
    with pytest.raises(LimitExceededError):
        UrlencodedDecoder(max_form_memory_size=4).decode(b"a=123456")
    with pytest.raises(LimitExceededError):
        UrlencodedDecoder(max_pairs=1).decode(b"a=1&b=2")
