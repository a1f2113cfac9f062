"""Tests for erlen.http.multipart: the event decoder and the encoder."""

from __future__ import annotations

import typing as t

import pytest

from erlen.http.errors import HTTPParseError
from erlen.http.errors import LimitExceededError
from erlen.http.errors import MalformedError
from erlen.http.multipart import Data
from erlen.http.multipart import Epilogue
from erlen.http.multipart import Event
from erlen.http.multipart import Field
from erlen.http.multipart import File
from erlen.http.multipart import MultipartDecoder
from erlen.http.multipart import MultipartEncoder
from erlen.http.multipart import NeedData
from erlen.http.multipart import Preamble
from erlen.http.multipart import State

CD = "Content-Disposition"
HEAD_A = b'--B\r\nContent-Disposition: form-data; name="a"\r\n\r\n'
FIELD_A = Field("a", ((CD, 'form-data; name="a"'),))


def decode(
    body: bytes,
    chunk_size: int | None = None,
    *,
    boundary: bytes = b"B",
    **kwargs: t.Any,
) -> list[Event]:
    """Feed ``body`` in chunks, then the end, and collect events to the epilogue."""
    decoder = MultipartDecoder(boundary, **kwargs)
    size = chunk_size or max(len(body), 1)
    chunks: list[bytes | None] = [
        body[pos : pos + size] for pos in range(0, len(body), size)
    ]
    chunks.append(None)
    events: list[Event] = []
    for chunk in chunks:
        decoder.receive_data(chunk)
        event = decoder.next_event()
        while not isinstance(event, NeedData):
            events.append(event)
            if isinstance(event, Epilogue):
                return events
            event = decoder.next_event()
    raise AssertionError("the decoder never reached the epilogue")


def merge(events: list[Event]) -> list[Event]:
    """Join consecutive ``Data`` of a part; blank the chunk-dependent epilogue."""
    out: list[Event] = []
    for event in events:
        last = out[-1] if out else None
        if isinstance(event, Data) and isinstance(last, Data) and last.more_data:
            out[-1] = Data(last.data + event.data, event.more_data)
        elif isinstance(event, Epilogue):
            out.append(Epilogue(b""))
        else:
            out.append(event)
    return out


VALID = [
    pytest.param(
        HEAD_A + b"hello\r\n--B--\r\n",
        [Preamble(b""), FIELD_A, Data(b"hello", False), Epilogue(b"")],
        id="one-field",
    ),
    pytest.param(
        b"junk\r\n" + HEAD_A + b"hello\r\n--B--\r\nepilogue",
        [Preamble(b"junk"), FIELD_A, Data(b"hello", False), Epilogue(b"epilogue")],
        id="preamble-and-epilogue",
    ),
    pytest.param(
        b"junk\n" + HEAD_A + b"x\r\n--B--",
        [Preamble(b"junk"), FIELD_A, Data(b"x", False), Epilogue(b"")],
        id="preamble-bare-lf",
    ),
    pytest.param(
        b'--B\nContent-Disposition: form-data; name="a"\n\nhello\n--B--\n',
        [Preamble(b""), FIELD_A, Data(b"hello", False), Epilogue(b"\n")],
        id="bare-lf-everywhere",
    ),
    pytest.param(
        b'--B \t\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--B--  \r\n',
        [Preamble(b""), FIELD_A, Data(b"x", False), Epilogue(b"  \r\n")],
        id="transport-padding",
    ),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="x.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\nhi\r\n--B--",
        [
            Preamble(b""),
            File(
                "f",
                "x.txt",
                (
                    (CD, 'form-data; name="f"; filename="x.txt"'),
                    ("Content-Type", "text/plain"),
                ),
            ),
            Data(b"hi", False),
            Epilogue(b""),
        ],
        id="file",
    ),
    pytest.param(
        HEAD_A + b"x\r\n--B\r\n" + HEAD_A[5:] + b"y\r\n--B--\r\n",
        [
            Preamble(b""),
            FIELD_A,
            Data(b"x", False),
            FIELD_A,
            Data(b"y", False),
            Epilogue(b""),
        ],
        id="two-fields",
    ),
    pytest.param(
        HEAD_A + b"\r\n--B--",
        [Preamble(b""), FIELD_A, Data(b"", False), Epilogue(b"")],
        id="empty-value",
    ),
    pytest.param(
        b"--B--\r\n",
        [Preamble(b""), Epilogue(b"")],
        id="no-parts",
    ),
    pytest.param(
        b"pre\r\n--B--",
        [Preamble(b"pre"), Epilogue(b"")],
        id="preamble-no-parts",
    ),
    pytest.param(
        HEAD_A + b"x\r\n--Bxyz\r\ny\r\n--B--\r\n",
        [Preamble(b""), FIELD_A, Data(b"x\r\n--Bxyz\r\ny", False), Epilogue(b"")],
        id="boundary-prefix-inside-data",
    ),
    pytest.param(
        HEAD_A + b"x--B\r\n--B--",
        [Preamble(b""), FIELD_A, Data(b"x--B", False), Epilogue(b"")],
        id="boundary-without-line-break-is-data",
    ),
    pytest.param(
        HEAD_A + b"x\r\n--B  z\r\n--B--",
        [Preamble(b""), FIELD_A, Data(b"x\r\n--B  z", False), Epilogue(b"")],
        id="padding-then-text-is-data",
    ),
    pytest.param(
        HEAD_A + b"x\r\n--B\rz\r\n--B--",
        [Preamble(b""), FIELD_A, Data(b"x\r\n--B\rz", False), Epilogue(b"")],
        id="cr-without-lf-is-data",
    ),
    pytest.param(
        HEAD_A + b"x\r\n--B-z\r\n--B--",
        [Preamble(b""), FIELD_A, Data(b"x\r\n--B-z", False), Epilogue(b"")],
        id="single-dash-is-data",
    ),
    pytest.param(
        HEAD_A + b"x\r\r\n--B--",
        [Preamble(b""), FIELD_A, Data(b"x\r", False), Epilogue(b"")],
        id="data-ending-in-cr",
    ),
    pytest.param(
        HEAD_A + b"\r\n\r\n\r\r\n\n\r\n--B--",
        [Preamble(b""), FIELD_A, Data(b"\r\n\r\n\r\r\n\n", False), Epilogue(b"")],
        id="data-of-line-breaks",
    ),
    pytest.param(
        HEAD_A + b"x\r\n--B--junk",
        [Preamble(b""), FIELD_A, Data(b"x", False), Epilogue(b"junk")],
        id="garbage-after-close",
    ),
    pytest.param(
        b"--Bxyz\r\n" + HEAD_A + b"x\r\n--B--",
        [Preamble(b"--Bxyz"), FIELD_A, Data(b"x", False), Epilogue(b"")],
        id="boundary-prefix-in-preamble",
    ),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data;\r\n name="a"\r\n\r\nx\r\n--B--',
        [Preamble(b""), FIELD_A, Data(b"x", False), Epilogue(b"")],
        id="folded-header",
    ),
    pytest.param(
        b'--B\r\ncontent-disposition :  form-data; name="a"  \r\n'
        b"bogus\r\n\r\nx\r\n--B--",
        [
            Preamble(b""),
            Field("a", (("content-disposition", 'form-data; name="a"'), ("bogus", ""))),
            Data(b"x", False),
            Epilogue(b""),
        ],
        id="header-case-spaces-and-no-colon",
    ),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data; name="f";'
        b" filename*=UTF-8''%C3%A9.txt\r\n\r\nx\r\n--B--",
        [
            Preamble(b""),
            File(
                "f",
                "é.txt",
                ((CD, "form-data; name=\"f\"; filename*=UTF-8''%C3%A9.txt"),),
            ),
            Data(b"x", False),
            Epilogue(b""),
        ],
        id="rfc5987-filename",
    ),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="\xc3\xa9 \xff.txt"'
        b"\r\n\r\nx\r\n--B--",
        [
            Preamble(b""),
            File(
                "f",
                "é \ufffd.txt",
                ((CD, 'form-data; name="f"; filename="é \ufffd.txt"'),),
            ),
            Data(b"x", False),
            Epilogue(b""),
        ],
        id="raw-utf8-and-invalid-bytes-in-filename",
    ),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data; name="f"; filename=""\r\n'
        b"\r\n\r\n--B--",
        [
            Preamble(b""),
            File("f", "", ((CD, 'form-data; name="f"; filename=""'),)),
            Data(b"", False),
            Epilogue(b""),
        ],
        id="empty-file-input",
    ),
]


@pytest.mark.parametrize(("body", "expected"), VALID)
def test_decode_events(body: bytes, expected: list[Event]) -> None:
    assert decode(body) == expected


@pytest.mark.parametrize(("body", "expected"), VALID)
def test_decode_every_chunk_size(body: bytes, expected: list[Event]) -> None:
    # Every split position of every boundary, CRLF and header is exercised.
    for size in range(1, len(body) + 1):
        assert merge(decode(body, size)) == merge(expected), size


WERKZEUG_FAILS = {
    # "\r\n--B\r" not followed by LF: Werkzeug takes it for a delimiter.
    HEAD_A + b"x\r\n--B\rz\r\n--B--",
    # Werkzeug decodes part headers as strict UTF-8; erlen replaces bad bytes.
    b'--B\r\nContent-Disposition: form-data; name="f"; filename="\xc3\xa9 \xff.txt"'
    b"\r\n\r\nx\r\n--B--",
}


@pytest.mark.parametrize(("body", "expected"), VALID)
def test_decode_matches_werkzeug(body: bytes, expected: list[Event]) -> None:
    from werkzeug.sansio import multipart as wz

    decoder = wz.MultipartDecoder(b"B")
    decoder.receive_data(body)
    decoder.receive_data(None)
    if body in WERKZEUG_FAILS:
        # Bodies erlen decodes where Werkzeug's decoder raises a ValueError.
        with pytest.raises(ValueError):
            while True:
                decoder.next_event()
        return
    theirs: list[object] = []
    while not theirs or not isinstance(theirs[-1], Epilogue):
        event = decoder.next_event()
        if isinstance(event, (wz.Field, wz.File)):
            headers = tuple(event.headers.items())
            if isinstance(event, wz.File):
                theirs.append(File(event.name, event.filename, headers))
            else:
                theirs.append(Field(event.name, headers))
        elif isinstance(event, wz.Data):
            theirs.append(Data(event.data, event.more_data))
        elif isinstance(event, wz.Preamble):
            theirs.append(Preamble(event.data))
        else:
            theirs.append(Epilogue(b""))
    assert merge(decode(body)) == merge(t.cast("list[Event]", theirs))


HOSTILE = [
    pytest.param(b"", MalformedError, 400, {}, id="empty"),
    pytest.param(b"no boundary here", MalformedError, 400, {}, id="no-delimiter"),
    pytest.param(b"--", MalformedError, 400, {}, id="truncated-first-boundary"),
    pytest.param(HEAD_A + b"hello", MalformedError, 400, {}, id="truncated-data"),
    pytest.param(HEAD_A + b"hello\r\n", MalformedError, 400, {}, id="no-close"),
    pytest.param(
        HEAD_A + b"x\r\n--B\r\n", MalformedError, 400, {}, id="ends-after-delimiter"
    ),
    pytest.param(HEAD_A + b"x\r\n--B  ", MalformedError, 400, {}, id="ends-in-padding"),
    pytest.param(HEAD_A + b"x\r\n--B-", MalformedError, 400, {}, id="ends-in-dash"),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data; name="a"',
        MalformedError,
        400,
        {},
        id="truncated-headers",
    ),
    pytest.param(b"--B\r\n\r\nx\r\n--B--", MalformedError, 400, {}, id="no-headers"),
    pytest.param(
        b"--B\nX: y\n\nx\n--B--", MalformedError, 400, {}, id="no-disposition"
    ),
    pytest.param(
        b"--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--",
        MalformedError,
        400,
        {},
        id="no-name",
    ),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data; name="a\x00"\r\n\r\nx\r\n--B--',
        MalformedError,
        400,
        {},
        id="nul-in-header",
    ),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data; name="a\rb"\r\n\r\nx\r\n--B--',
        MalformedError,
        400,
        {},
        id="lone-cr-in-header",
    ),
    pytest.param(
        b'--B\r\nContent-Disposition: form-data; name="a\x1b"\r\n\r\nx\r\n--B--',
        MalformedError,
        400,
        {},
        id="escape-in-header",
    ),
    pytest.param(
        HEAD_A + b"x" * 11 + b"\r\n--B--",
        LimitExceededError,
        413,
        {"max_form_memory_size": 10},
        id="field-over-memory-size",
    ),
    pytest.param(
        (HEAD_A + b"x\r\n") * 3 + b"--B--",
        LimitExceededError,
        413,
        {"max_parts": 2},
        id="too-many-parts",
    ),
    pytest.param(
        b"--B\r\nContent-Disposition: form-data; name=a\r\nX: "
        + b"y" * 100
        + b"\r\n\r\nx\r\n--B--",
        LimitExceededError,
        413,
        {"max_part_header_size": 64},
        id="header-block-too-large",
    ),
    pytest.param(
        b"--B\r\nContent-Disposition: form-data; name=a\r\nX: " + b"y" * 100 + b"\r\n",
        LimitExceededError,
        413,
        {"max_part_header_size": 64},
        id="unterminated-header-block-too-large",
    ),
    pytest.param(
        b"--B\r\nContent-Disposition: form-data; name=a\r\n"
        + b"X: y\r\n" * 5
        + b"\r\nx\r\n--B--",
        LimitExceededError,
        413,
        {"max_part_header_count": 4},
        id="too-many-header-lines",
    ),
    pytest.param(
        b"--B\r\nContent-Disposition: form-data; name=a"
        + b" " * 25
        + b"\r\n\r\nx\r\n--B--",
        LimitExceededError,
        413,
        {"max_part_header_size": 64},
        id="header-block-one-byte-too-large",
    ),
    pytest.param(
        b"p" * 65 + b"\r\n" + HEAD_A + b"x\r\n--B--",
        LimitExceededError,
        413,
        {"max_part_header_size": 64},
        id="preamble-too-large",
    ),
]


@pytest.mark.parametrize(("body", "error", "status", "limits"), HOSTILE)
def test_decode_hostile(
    body: bytes, error: type[HTTPParseError], status: int, limits: dict[str, t.Any]
) -> None:
    for size in (None, 1, 7):
        with pytest.raises(error) as info:
            decode(body, size, **limits)
        assert type(info.value) is error
        assert info.value.status_hint == status


def test_limits_are_inclusive() -> None:
    body = (HEAD_A + b"x" * 10 + b"\r\n") * 2 + b"--B--"
    events = decode(body, max_form_memory_size=10, max_parts=2)
    assert [e.data for e in events if isinstance(e, Data)] == [b"x" * 10] * 2


def test_memory_limit_applies_to_each_field_not_files() -> None:
    file_head = b'--B\r\nContent-Disposition: form-data; name="f"; filename="f"\r\n\r\n'
    body = HEAD_A + b"x" * 8 + b"\r\n" + file_head + b"y" * 1000 + b"\r\n--B--"
    for size in (None, 1, 100):
        events = merge(decode(body, size, max_form_memory_size=8))
        assert events[-2] == Data(b"y" * 1000, False)


@pytest.mark.parametrize(
    "boundary",
    [b"", b"a\r\nb", b"a\x00", b"x" * 201, b"trailing ", "é".encode()],
    ids=["empty", "crlf", "nul", "too-long", "trailing-space", "non-ascii"],
)
def test_invalid_boundary(boundary: bytes) -> None:
    with pytest.raises(MalformedError) as info:
        MultipartDecoder(boundary)
    assert info.value.status_hint == 400
    with pytest.raises(MalformedError):
        MultipartEncoder(boundary)


def test_boundary_with_spaces_and_punctuation() -> None:
    boundary = b"----WebKitFormBoundary 7MA4YWxk'()+_,-./:=?"
    body = b"--" + boundary + b"\r\n" + HEAD_A[5:] + b"v\r\n--" + boundary + b"--\r\n"
    assert merge(decode(body, boundary=boundary))[2] == Data(b"v", False)


def test_receive_after_end_is_an_error() -> None:
    decoder = MultipartDecoder(b"B")
    decoder.receive_data(None)
    with pytest.raises(RuntimeError):
        decoder.receive_data(b"x")


def test_epilogue_is_not_buffered_and_decoder_stays_done() -> None:
    decoder = MultipartDecoder(b"B")
    decoder.receive_data(HEAD_A + b"x\r\n--B--")
    events = [decoder.next_event() for _ in range(4)]
    assert events[-1] == Epilogue(b"")
    assert decoder.state is State.COMPLETE
    decoder.receive_data(b"garbage" * 1000)
    assert decoder._buffer == b""
    assert decoder.next_event() == NeedData()
    decoder.receive_data(None)
    assert decoder.next_event() == NeedData()


def test_need_data_until_the_boundary_line_is_complete() -> None:
    decoder = MultipartDecoder(b"B")
    assert decoder.next_event() == NeedData()
    decoder.receive_data(b"--B")
    assert decoder.next_event() == NeedData()
    decoder.receive_data(b"  ")
    assert decoder.next_event() == NeedData()
    decoder.receive_data(b"\r\n")
    assert decoder.next_event() == Preamble(b"")
    assert decoder.state is State.PART


def test_data_is_streamed_before_the_part_ends() -> None:
    decoder = MultipartDecoder(b"B")
    decoder.receive_data(HEAD_A)
    assert decoder.next_event() == Preamble(b"")
    assert decoder.next_event() == FIELD_A
    decoder.receive_data(b"abc\r\n--")
    # The possible delimiter start is held back, the rest is released.
    assert decoder.next_event() == Data(b"abc", True)
    assert decoder.next_event() == NeedData()
    decoder.receive_data(b"Bx")
    assert decoder.next_event() == Data(b"\r\n--Bx", True)
    decoder.receive_data(b"\r\n--B  ")
    assert decoder.next_event() == NeedData()
    decoder.receive_data(b"\r\n")
    assert decoder.next_event() == Data(b"", False)
    assert decoder.state is State.PART


def test_thousands_of_parts() -> None:
    count = 5000
    body = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n%d\r\n' % (i, i)
        for i in range(count)
    )
    events = decode(body + b"--B--\r\n", 65536, max_parts=count)
    fields = [e for e in events if isinstance(e, Field)]
    assert len(fields) == count
    assert fields[-1].name == f"f{count - 1}"
    with pytest.raises(LimitExceededError):
        decode(body + b"--B--\r\n", 65536, max_parts=count - 1)


def test_large_file_with_boundary_like_content() -> None:
    # A few MB of near-delimiters must decode in linear time, at any chunking.
    content = (b"\r\n--B \r" + b"\r\n--Bx" + b"\n-" + b"\r\n--" + b"x" * 50) * 40000
    body = (
        b'--B\r\nContent-Disposition: form-data; name="f"; filename="f.bin"\r\n\r\n'
        + content
        + b"\r\n--B--\r\n"
    )
    for size in (65536, 4093):
        events = merge(decode(body, size))
        assert events[2] == Data(content, False)


def test_pathological_preamble_and_headers_finish() -> None:
    # Bodies of line breaks and dashes, fed in small chunks, stay linear.
    body = b"\r\n-" * 300_000
    with pytest.raises(LimitExceededError):
        decode(body, 1024)
    with pytest.raises(LimitExceededError):
        decode(b"--B\r\n" + b"X: y\r\n" * 400_000, 1024)
    with pytest.raises(LimitExceededError):
        decode(b"--B\r\n" + b"\r" * 2_000_000, 1024)


def test_huge_header_is_refused_early_when_fed_one_byte_at_a_time() -> None:
    decoder = MultipartDecoder(b"B", max_part_header_size=1000)
    decoder.receive_data(b"--B\r\n")
    assert decoder.next_event() == Preamble(b"")
    with pytest.raises(LimitExceededError):
        for _ in range(2000):
            decoder.receive_data(b"a")
            assert decoder.next_event() == NeedData()


# -- encoder ------------------------------------------------------------------


def test_encode_matches_the_wire_format() -> None:
    encoder = MultipartEncoder(b"B")
    events: list[Event] = [
        Preamble(b"pre"),
        Field("a", (("X-A", "1"),)),
        Data(b"hello", False),
        File("f", "x.txt", ((CD, "ignored"), ("Content-Type", "text/plain"))),
        Data(b"h", True),
        Data(b"i", False),
        Epilogue(b"epi"),
    ]
    out = b"".join(encoder.send_event(event) for event in events)
    assert out == (
        b'pre\r\n--B\r\nContent-Disposition: form-data; name="a"\r\nX-A: 1\r\n\r\n'
        b'hello\r\n--B\r\nContent-Disposition: form-data; name="f"; filename="x.txt"'
        b"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B--\r\nepi"
    )
    assert encoder.state is State.COMPLETE


ROUND_TRIPS = [
    [Preamble(b""), Epilogue(b"")],
    [Preamble(b"preamble"), FIELD_A, Data(b"value", False), Epilogue(b"")],
    [
        Preamble(b""),
        Field("名前", ((CD, 'form-data; name="名前"'),)),
        Data("値".encode(), False),
        File(
            "upload",
            "résumé.pdf",
            (
                (CD, 'form-data; name="upload"; filename="résumé.pdf"'),
                ("Content-Type", "application/pdf"),
            ),
        ),
        Data(b"%PDF\r\n--Bx\r\n\r\n-B\r\n--\x00\xff", False),
        Field("empty", ((CD, 'form-data; name="empty"'),)),
        Data(b"", False),
        Epilogue(b""),
    ],
]


@pytest.mark.parametrize("events", ROUND_TRIPS)
def test_round_trip(events: list[Event]) -> None:
    encoder = MultipartEncoder(b"B")
    body = b"".join(encoder.send_event(event) for event in events)
    for size in (None, 1, 3):
        assert merge(decode(body, size)) == merge(events)


def test_encoder_escapes_quotes_and_line_breaks() -> None:
    encoder = MultipartEncoder(b"B")
    head = encoder.send_event(File('a"b\r\n', 'x"\r\nX-Injected: 1', ()))
    assert head == (
        b'--B\r\nContent-Disposition: form-data; name="a%22b%0D%0A";'
        b' filename="x%22%0D%0AX-Injected: 1"\r\n\r\n'
    )
    encoder.send_event(Data(b"", False))
    body = head + b"\r\n--B--"
    events = decode(body)
    assert events[1] == File(
        'a"b%0D%0A',
        'x"%0D%0AX-Injected: 1',
        ((CD, 'form-data; name="a%22b%0D%0A"; filename="x%22%0D%0AX-Injected: 1"'),),
    )


@pytest.mark.parametrize(
    ("header", "value"), [("X-A", "1\r\nX-B: 2"), ("X\nA", "1"), ("X-A", "\x00")]
)
def test_encoder_refuses_control_characters_in_headers(header: str, value: str) -> None:
    with pytest.raises(ValueError):
        MultipartEncoder(b"B").send_event(Field("a", ((header, value),)))


@pytest.mark.parametrize(
    "events",
    [
        [Data(b"x", False)],
        [Preamble(b""), Preamble(b"")],
        [FIELD_A, FIELD_A],
        [FIELD_A, Epilogue(b"")],
        [Epilogue(b""), FIELD_A],
        [FIELD_A, Data(b"", False), Data(b"", False)],
        [NeedData()],
    ],
)
def test_encoder_refuses_events_out_of_order(events: list[Event]) -> None:
    encoder = MultipartEncoder(b"B")
    with pytest.raises(ValueError, match="Cannot send"):
        for event in events:
            encoder.send_event(event)


def test_events_are_frozen_and_slotted() -> None:
    event = Data(b"x", True)
    with pytest.raises(AttributeError):
        event.data = b"y"  # type: ignore[misc]
    assert not hasattr(event, "__dict__")
