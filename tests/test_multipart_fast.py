"""The multipart fast paths give what the general paths give.

Three shortcuts are checked against the code they skip, on tables of ordinary,
near-miss and hostile inputs:

- the decoder's one-pattern part head against its line parser
  (``_simple_heads`` off);
- a body received as one ``bytes`` (the buffer is the body, no copy) against
  the same body fed in chunks, as bytes, bytearray or memoryview;
- the form parser's one-read path (declared length up to ``SPOOL_THRESHOLD``)
  against its streaming path (no declared length).
"""

from __future__ import annotations

import collections.abc as cabc
import io
import typing as t

import pytest
from hypothesis import given
from hypothesis import strategies as st

from erlen.datastructures import FileStorage
from erlen.exceptions import HTTPException
from erlen.formparser import CHUNK_SIZE
from erlen.formparser import SPOOL_THRESHOLD
from erlen.formparser import FormDataParser
from erlen.http.errors import HTTPParseError
from erlen.http.multipart import Data
from erlen.http.multipart import Epilogue
from erlen.http.multipart import Event
from erlen.http.multipart import MultipartDecoder
from erlen.http.multipart import NeedData

MULTIPART = "multipart/form-data"

Outcome: t.TypeAlias = "list[Event] | tuple[type[Exception], str]"


def run_decoder(
    chunks: cabc.Sequence[t.Any], *, simple_heads: bool = True, **limits: t.Any
) -> Outcome:
    """Feed ``chunks`` then the end; return the events (data joined) or the error."""
    decoder = MultipartDecoder(b"B", **limits)
    if not simple_heads:
        decoder._simple_heads = False
    events: list[Event] = []
    try:
        for chunk in [*chunks, None]:
            decoder.receive_data(chunk)
            event = decoder.next_event()
            while not isinstance(event, NeedData):
                last = events[-1] if events else None
                if (
                    isinstance(event, Data)
                    and isinstance(last, Data)
                    and last.more_data
                ):
                    events[-1] = Data(last.data + event.data, event.more_data)
                elif isinstance(event, Epilogue):
                    # The epilogue's bytes depend on the chunking.
                    events.append(Epilogue(b""))
                    return events
                else:
                    events.append(event)
                event = decoder.next_event()
    except HTTPParseError as error:
        return type(error), str(error)
    raise AssertionError("the decoder never reached the epilogue")


def split(body: bytes, size: int) -> list[bytes]:
    return [body[pos : pos + size] for pos in range(0, len(body), size)]


CD = b"Content-Disposition: "
FIELD_HEAD = CD + b'form-data; name="a"\r\n\r\n'
FILE_HEAD = CD + b'form-data; name="f"; filename="a.txt"\r\n\r\n'
TYPED_FILE_HEAD = (
    CD + b'form-data; name="f"; filename="a.txt"\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n"
)
# Part heads (between the boundary line and the content): the ones the pattern
# takes and the near misses it must leave to the line parser.
HEADS = [
    pytest.param(FIELD_HEAD, id="field"),
    pytest.param(FILE_HEAD, id="file"),
    pytest.param(TYPED_FILE_HEAD, id="file-with-type"),
    pytest.param(CD + b'form-data; name=""; filename=""\r\n\r\n', id="empty-names"),
    pytest.param(
        CD + b'form-data; name="\xc3\xa9"; filename="\xe2\x82\xac \xff.bin"\r\n\r\n',
        id="utf8-and-invalid-bytes",
    ),
    pytest.param(
        CD + b'form-data; name="f"; filename="\xc3"\r\n\r\n', id="truncated-utf8"
    ),
    pytest.param(CD + b'form-data; name="a%22b"\r\n\r\n', id="percent-escape"),
    pytest.param(CD + b'form-data; name="a\\"b"\r\n\r\n', id="backslash-escape"),
    pytest.param(CD + b"form-data; name*=UTF-8''%C3%A9\r\n\r\n", id="rfc2231"),
    pytest.param(CD + b"form-data; name=a\r\n\r\n", id="unquoted"),
    pytest.param(CD + b'form-data; filename="f"; name="n"\r\n\r\n', id="reordered"),
    pytest.param(b'content-disposition: form-data; name="a"\r\n\r\n', id="lower"),
    pytest.param(b'Content-Disposition:  form-data; name="a"\r\n\r\n', id="2-spaces"),
    pytest.param(b'Content-Disposition:form-data; name="a"\r\n\r\n', id="no-space"),
    pytest.param(CD + b'form-data; name="a" \r\n\r\n', id="trailing-space"),
    pytest.param(CD + b'form-data; name="a"\t\r\n\r\n', id="trailing-tab"),
    pytest.param(CD + b'form-data; name="a"\n\n', id="bare-lf"),
    pytest.param(CD + b'form-data; name="a"\r\n\n', id="crlf-then-lf"),
    pytest.param(CD + b'form-data; name="a\tb"\r\n\r\n', id="tab-in-name"),
    pytest.param(CD + b'form-data; name="a\x00b"\r\n\r\n', id="nul-in-name"),
    pytest.param(CD + b'form-data; name="a\rb"\r\n\r\n', id="cr-in-name"),
    pytest.param(CD + b'form-data; name="a\x7f"\r\n\r\n', id="del-in-name"),
    pytest.param(
        CD + b'form-data; name="f"\r\nContent-Type: text/plain \r\n\r\n',
        id="type-trailing-space",
    ),
    pytest.param(
        CD + b'form-data; name="f"\r\nContent-Type: text/plain\xc2\xa0\r\n\r\n',
        id="type-trailing-nbsp",
    ),
    pytest.param(
        CD + b'form-data; name="f"\r\nContent-Type: te\x01xt\r\n\r\n',
        id="type-control",
    ),
    pytest.param(
        CD + b'form-data; name="f"\r\nContent-Type: text/plain\r\n folded\r\n\r\n',
        id="folded-type",
    ),
    pytest.param(
        CD + b'form-data; name="f"\r\n\tfilename="x"\r\n\r\n', id="folded-disposition"
    ),
    pytest.param(
        CD + b'form-data; name="f"\r\nContent-Type: a\r\nX-Other: b\r\n\r\n',
        id="three-headers",
    ),
    pytest.param(
        b"Content-Type: text/plain\r\n" + CD + b'form-data; name="f"\r\n\r\n',
        id="type-first",
    ),
    pytest.param(b"Content-Type: text/plain\r\n\r\n", id="no-disposition"),
    pytest.param(CD + b"form-data\r\n\r\n", id="no-name"),
    pytest.param(b"\r\n", id="no-headers"),
    pytest.param(CD + b'form-data; name="' + b"n" * 2000 + b'"\r\n\r\n', id="long"),
    pytest.param(CD + b'form-data; name="a"\r\n', id="unterminated"),
]
CONTENT = b"v\r\n--B\r\n" + CD + b'form-data; name="z"\r\n\r\nw\r\n--B--\r\n'


@pytest.mark.parametrize("head", HEADS)
def test_simple_head_matches_the_line_parser(head: bytes) -> None:
    body = b"--B\r\n" + head + CONTENT
    general = run_decoder([body], simple_heads=False)
    assert run_decoder([body]) == general
    # Every split of the head: the pattern sees the part complete or not at all.
    for size in range(1, len(head) + 8):
        assert run_decoder(split(body, size)) == general, size


@pytest.mark.parametrize(
    "limits",
    [
        {"max_part_header_size": 30},
        {"max_part_header_size": 1023},
        {"max_part_header_count": 1},
        {"max_parts": 1},
    ],
)
@pytest.mark.parametrize("head", HEADS[:3])
def test_simple_head_keeps_the_limits(head: bytes, limits: dict[str, t.Any]) -> None:
    body = b"--B\r\n" + head + CONTENT
    assert run_decoder([body], **limits) == run_decoder(
        [body], simple_heads=False, **limits
    )


_HEAD_BYTES = st.sampled_from(
    [b"a", b"\xc3\xa9", b"\xff", b'"', b"\\", b"%", b"*", b" ", b"\t", b"\r", b"\n"]
    + [b";", b"=", b"\x00", b"\x7f", b"Content-Type: ", b"filename="]
)


@given(st.lists(_HEAD_BYTES, max_size=12), st.lists(_HEAD_BYTES, max_size=12))
def test_simple_head_matches_on_generated_names(
    name: list[bytes], type_: list[bytes]
) -> None:
    head = CD + b'form-data; name="' + b"".join(name) + b'"; filename="f"\r\n'
    head += b"Content-Type: " + b"".join(type_) + b"\r\n\r\n"
    body = b"--B\r\n" + head + CONTENT
    assert run_decoder([body]) == run_decoder([body], simple_heads=False)


# -- one buffer, no copy ------------------------------------------------------

BODIES = [
    pytest.param(b"--B\r\n" + TYPED_FILE_HEAD + CONTENT, id="file-and-field"),
    pytest.param(
        b"preamble\r\n--B\r\n"
        + CD
        + b'form-data; name="a"\r\n\r\n'
        + b"\r\n--B \r\r\n--Bx\n-\r\n--" * 50
        + b"\r\n--B  \t\r\n"
        + CD
        + b'form-data; name="b"\r\n\r\nx\r\n--B--  \r\nepilogue',
        id="near-delimiters-and-padding",
    ),
    pytest.param(
        b"--B\n"
        + CD
        + b'form-data; name="a"\n\nx\n--B\n'
        + CD
        + b'form-data; name="b"\n\ny\n--B--',
        id="bare-lf",
    ),
    pytest.param(b"--B\r\n" + CD + b'form-data; name="a"\r\n\r\nx', id="truncated"),
    pytest.param(b"--B\r\n" + CD + b'form-data; name="a"\r\n', id="truncated-head"),
    pytest.param(b"no boundary here", id="no-delimiter"),
    pytest.param(b"--B--\r\n", id="close-only"),
]


@pytest.mark.parametrize("body", BODIES)
def test_one_bytes_buffer_matches_chunked_feeding(body: bytes) -> None:
    whole = run_decoder([body])
    for size in (1, 2, 3, 7, 64):
        assert run_decoder(split(body, size)) == whole, size


@pytest.mark.parametrize("body", BODIES)
@pytest.mark.parametrize("kind", [bytearray, memoryview])
def test_other_buffer_types_are_copied_not_kept(
    body: bytes, kind: t.Callable[[bytes], t.Any]
) -> None:
    whole = run_decoder([body])
    assert run_decoder([kind(body)]) == whole
    assert run_decoder([kind(chunk) for chunk in split(body, 5)]) == whole


def test_a_fed_bytearray_may_change_afterwards() -> None:
    decoder = MultipartDecoder(b"B")
    chunk = bytearray(b"--B\r\n" + CD + b'form-data; name="a"\r\n\r\nhello\r\n--B--')
    decoder.receive_data(chunk)  # type: ignore[arg-type]  # a caller's mistake
    chunk[:] = b"x" * len(chunk)
    assert run_rest(decoder)[2] == Data(b"hello", False)


def run_rest(decoder: MultipartDecoder) -> list[Event]:
    events: list[Event] = []
    event = decoder.next_event()
    while not isinstance(event, (NeedData, Epilogue)):
        events.append(event)
        event = decoder.next_event()
    return events


def test_one_byte_feeding_of_a_long_head_stays_linear() -> None:
    # The pattern is tried once per part, not once per byte received.
    decoder = MultipartDecoder(b"B")
    decoder.receive_data(b"--B\r\n")
    assert type(decoder.next_event()).__name__ == "Preamble"
    head = CD + b'form-data; name="' + b"n" * 15_000
    for byte in head:
        decoder.receive_data(bytes((byte,)))
        assert decoder.next_event() == NeedData()
    decoder.receive_data(b'"\r\n\r\nx\r\n--B--')
    assert decoder.next_event().name == "n" * 15_000  # type: ignore[union-attr]


def test_a_few_mb_of_near_delimiters_in_one_piece() -> None:
    content = (b"\r\n--B \rx" + b"\n-" + b"x" * 60) * 50_000
    body = b"--B\r\n" + FILE_HEAD + content + b"\r\n--B--"
    events = run_decoder([body])
    assert isinstance(events, list)
    assert events[2] == Data(content, False)


# -- the form parser's one read ------------------------------------------------


class ShortReads(io.BytesIO):
    """A stream that returns at most ``limit`` bytes per read, like a socket."""

    def __init__(self, data: bytes, limit: int) -> None:
        super().__init__(data)
        self.limit = limit

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0 or size > self.limit:
            size = self.limit
        return super().read(size)


def run_parser(
    body: bytes,
    length: int | None,
    *,
    stream: io.BytesIO | None = None,
    **kwargs: t.Any,
) -> t.Any:
    """Parse ``body``; return comparable form and files, or the error."""
    parser = FormDataParser(**kwargs)
    try:
        _, form, files = parser.parse(
            stream or io.BytesIO(body), MULTIPART, length, {"boundary": "B"}
        )
    except HTTPException as error:
        return type(error), error.description
    return (
        list(form.items(multi=True)),
        [(key, _storage(value)) for key, value in files.items(multi=True)],
    )


def _storage(storage: FileStorage) -> tuple[t.Any, ...]:
    return (
        storage.name,
        storage.filename,
        list(storage.headers.items()),
        type(storage.stream).__name__,
        storage.read(),
    )


def _field(name: str, value: bytes) -> bytes:
    return (
        b"--B\r\n"
        + CD
        + b'form-data; name="%s"\r\n\r\n%s\r\n'
        % (
            name.encode(),
            value,
        )
    )


def _file(name: str, value: bytes, content_type: bytes = b"text/plain") -> bytes:
    return (
        b"--B\r\n" + CD + b'form-data; name="%s"; filename="%s.txt"\r\n'
        b"Content-Type: %s\r\n\r\n%s\r\n"
        % (name.encode(), name.encode(), content_type, value)
    )


FORMS = [
    pytest.param(_field("a", b"1") + _field("b", b"2") + b"--B--\r\n", {}, id="fields"),
    pytest.param(
        _field("title", b"T") + _file("f", bytes(range(256)) * 400) + b"--B--",
        {},
        id="file",
    ),
    pytest.param(
        _field("a", b"\xc3\xa9\xff") + _field("a", b"again") + b"--B--", {}, id="utf8"
    ),
    pytest.param(
        _field("big", b"x" * (CHUNK_SIZE * 2 + 5)) + b"--B--", {}, id="field-over-chunk"
    ),
    pytest.param(
        _file("f", b"y" * (SPOOL_THRESHOLD - 1000)) + b"--B--", {}, id="file-near-spool"
    ),
    pytest.param(
        _field("a", b"x" * 11) + b"--B--",
        {"max_form_memory_size": 10},
        id="memory-limit",
    ),
    pytest.param(_field("a", b"x") * 3 + b"--B--", {"max_form_parts": 2}, id="parts"),
    pytest.param(_field("a", b"x"), {}, id="no-close"),
    pytest.param(_file("f", b"x")[:-30], {}, id="truncated-file"),
    pytest.param(
        b"--B\r\n" + CD + b'form-data; name="f"; filename="f"\r\n\r\n',
        {},
        id="file-head-only",
    ),
    pytest.param(b"garbage" * 1000, {}, id="garbage"),
    pytest.param(
        _file("f", b"\r\n--B \rx\n-\r\n--Bx" * 25_000) + b"--B--",
        {},
        id="near-delimiters-480k",
    ),
    pytest.param(
        b"".join(_field(f"f{i}", b"%d" % i) for i in range(5000)) + b"--B--",
        {},
        id="5000-parts",
    ),
    pytest.param(
        b"".join(_field(f"f{i}", b"%d" % i) for i in range(5000)) + b"--B--",
        {"max_form_parts": 1000},
        id="5000-parts-over-limit",
    ),
    pytest.param(
        b"--B\r\n" + b"X-Long: " + b"h" * 20_000 + b"\r\n\r\nx\r\n--B--",
        {},
        id="huge-part-head",
    ),
    pytest.param(
        b"--B\r\n" + CD + b'form-data; name="a\x01"\r\n\r\nx\r\n--B--',
        {},
        id="control-in-head",
    ),
    pytest.param(b"", {}, id="empty"),
]


@pytest.mark.parametrize(("body", "kwargs"), FORMS)
def test_one_read_matches_streaming(body: bytes, kwargs: dict[str, t.Any]) -> None:
    streamed = run_parser(body, None, **kwargs)
    assert run_parser(body, len(body), **kwargs) == streamed
    # A server that hands out the body in small pieces gives the same.
    short = ShortReads(body, 1000)
    assert run_parser(body, len(body), stream=short, **kwargs) == streamed


def test_one_read_of_a_body_that_ends_early_is_a_bad_request() -> None:
    body = _field("a", b"1") + b"--B--\r\n"
    declared = run_parser(body[:-10], len(body), stream=ShortReads(body[:-10], 7))
    assert declared == run_parser(body[:-10], None)
    assert declared[0].__name__ == "BadRequest"


def test_a_body_received_whole_is_the_buffer_not_a_copy() -> None:
    body = b"--B\r\n" + TYPED_FILE_HEAD + CONTENT
    decoder = MultipartDecoder(b"B")
    decoder.receive_data(body)
    assert decoder._buffer is body
    events = run_rest(decoder)
    # A part in the middle is one slice; a later chunk after a fully used
    # buffer becomes the buffer in turn.
    assert events[2] == Data(b"v", False)
    decoder = MultipartDecoder(b"B")
    decoder.receive_data(b"--B\r\n")
    run_rest(decoder)
    rest = FIELD_HEAD + CONTENT
    decoder.receive_data(rest)
    assert decoder._buffer is rest
