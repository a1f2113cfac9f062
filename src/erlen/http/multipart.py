"""``multipart/form-data`` without I/O: an event decoder and an encoder.

The decoder is fed bytes with :meth:`MultipartDecoder.receive_data` and handed
back events by :meth:`MultipartDecoder.next_event`, so the caller decides how
much to read and where the data goes. A body decodes to::

    Preamble, (Field | File, Data..., Data(more_data=False))..., Epilogue

:class:`NeedData` means "feed me more". Limits are checked while decoding, so
a hostile body fails early and never grows a buffer without bound.

RFC 2046 §5.1.1 and RFC 7578 §4::

    multipart-body := [preamble CRLF] dash-boundary transport-padding CRLF
                      body-part *encapsulation close-delimiter
                      transport-padding [CRLF epilogue]
    encapsulation  := delimiter transport-padding CRLF body-part
    delimiter      := CRLF dash-boundary
    close-delimiter := delimiter "--"
    dash-boundary  := "--" boundary
    body-part      := MIME-part-headers [CRLF *OCTET]
"""

from __future__ import annotations

import enum
import re
import typing as t
from dataclasses import dataclass

from .errors import LimitExceededError
from .errors import MalformedError
from .errors import shorten
from .headers import parse_options_header

__all__ = [
    "Data",
    "Epilogue",
    "Event",
    "Field",
    "File",
    "MultipartDecoder",
    "MultipartEncoder",
    "NeedData",
    "PartHeaders",
    "Preamble",
    "State",
]

#: The headers of one part, in order, as ``(name, value)`` pairs.
PartHeaders: t.TypeAlias = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Preamble:
    """The bytes before the first boundary (usually empty)."""

    data: bytes


@dataclass(frozen=True, slots=True)
class Field:
    """The start of a text field: the part has no ``filename`` parameter."""

    name: str
    headers: PartHeaders


@dataclass(frozen=True, slots=True)
class File:
    """The start of a file upload: the part has a ``filename`` parameter."""

    name: str
    filename: str
    headers: PartHeaders


@dataclass(frozen=True, slots=True)
class Data:
    """A piece of the current part's content; the last one has ``more_data=False``."""

    data: bytes
    more_data: bool


@dataclass(frozen=True, slots=True)
class Epilogue:
    """The end of the body, sent as soon as the close delimiter is seen.

    ``data`` holds the bytes already received after the close delimiter's line
    break, so it depends on how the body was chunked; later bytes are dropped.
    """

    data: bytes


@dataclass(frozen=True, slots=True)
class NeedData:
    """No event can be produced until more data (or the end) is received."""


#: Any event :meth:`MultipartDecoder.next_event` returns.
Event: t.TypeAlias = Preamble | Field | File | Data | Epilogue | NeedData

_NEED_DATA = NeedData()


class State(enum.Enum):
    """Where a :class:`MultipartDecoder` or :class:`MultipartEncoder` is."""

    PREAMBLE = enum.auto()
    PART = enum.auto()
    DATA = enum.auto()
    EPILOGUE = enum.auto()
    COMPLETE = enum.auto()


class _Delimiter(enum.Enum):
    """What the bytes after a candidate ``LF--boundary`` turn out to be."""

    NEXT = enum.auto()
    CLOSE = enum.auto()
    NOT = enum.auto()
    UNDECIDED = enum.auto()


#: Default limit on one part's header block, in bytes.
MAX_PART_HEADER_SIZE = 16 * 1024
#: Default limit on the number of header lines in one part.
MAX_PART_HEADER_COUNT = 32
# SECURITY: whitespace allowed between a boundary and its line break; more
# than this is not a delimiter, so a run of spaces cannot be buffered forever.
_MAX_PADDING = 256
# RFC 2046 §5.1.1 caps boundaries at 70 characters; clients are allowed some
# slack, but the search window stays small.
_MAX_BOUNDARY = 200
# RFC 9110 §5.5: field values hold no control characters other than HTAB.
_HEADER_CONTROL = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")
_HEADER_CONTROL_NOT_LF = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]")
# The Content-Disposition browsers send, with quoted values that need no
# unescaping (no backslash, "%22" or RFC 2231 "*"); parse_options_header gives
# the same name and filename for it.
_SIMPLE_DISPOSITION = re.compile(
    r'form-data; name="([^"\\%*]*)"(?:; filename="([^"\\%*]*)")?'
)
_BOUNDARY_INVALID = re.compile(rb"[^\x21-\x7e ]")
# The part head browsers send: that Content-Disposition, an optional ASCII
# Content-Type, the empty line. No control character, folding or padding can
# match, so it gives the same headers and event as the general parser.
_SIMPLE_PART_HEAD = re.compile(
    rb'Content-Disposition: (form-data; name="([^"\\%*\x00-\x1f\x7f]*)"'
    rb'(?:; filename="([^"\\%*\x00-\x1f\x7f]*)")?)\r\n'
    rb"(?:Content-Type: ([!-~](?:[ -~]*[!-~])?)\r\n)?\r\n"
)
# The longest head the pattern is tried on, which bounds its work per part.
_SIMPLE_PART_HEAD_MAX = 1024


def _check_boundary(boundary: bytes) -> None:
    # SECURITY: a boundary with CR, LF or controls could never be matched
    # reliably, and a huge one makes every search window huge.
    if (
        not boundary
        or len(boundary) > _MAX_BOUNDARY
        or _BOUNDARY_INVALID.search(boundary) is not None
        or boundary.endswith(b" ")
    ):
        raise MalformedError(f"Invalid multipart boundary {shorten(boundary)}.")


class MultipartDecoder:
    """Decode a ``multipart/form-data`` body into events, incrementally.

    :param boundary: the ``boundary`` parameter of ``Content-Type``.
    :param max_form_memory_size: the most bytes a text field (a part without a
        ``filename``) may hold; file parts are not limited here.
    :param max_parts: the most parts the body may have.
    :param max_part_header_size: the most bytes in one part's header block
        (also the most bytes of preamble).
    :param max_part_header_count: the most header lines in one part.
    :raises MalformedError: the boundary is empty or not printable ASCII.

    ``next_event`` raises :class:`MalformedError` (400) for a body that is not
    multipart (no delimiter, no ``Content-Disposition`` or ``name``, a control
    character in a part header) or that ends before the close delimiter, and
    :class:`LimitExceededError` (413) when a limit is passed.

    .. note::
        Werkzeug answers an oversized part header block with 413 too; erlen
        uses 413 rather than 431 because part headers are content of the
        body, not request header fields. Werkzeug has no header count or size
        limit of its own beyond ``max_form_memory_size`` applied to its whole
        buffer; erlen applies ``max_form_memory_size`` to each text field
        only, whatever the chunk sizes are.
    """

    def __init__(
        self,
        boundary: bytes,
        max_form_memory_size: int | None = None,
        *,
        max_parts: int | None = None,
        max_part_header_size: int = MAX_PART_HEADER_SIZE,
        max_part_header_count: int = MAX_PART_HEADER_COUNT,
    ) -> None:
        _check_boundary(boundary)
        self.boundary = boundary
        self.max_form_memory_size = max_form_memory_size
        self.max_parts = max_parts
        self.max_part_header_size = max_part_header_size
        self.max_part_header_count = max_part_header_count
        self.state = State.PREAMBLE
        self._dash_boundary = b"--" + boundary
        # COMPAT: searching for LF (not CRLF) before the boundary accepts the
        # bare-LF bodies that Werkzeug accepts; a CR before it is stripped.
        self._delimiter = b"\n--" + boundary
        # PERF: consumed bytes are skipped by moving ``_start``, not deleted,
        # so a body received in one piece is decoded without a copy.
        self._buffer: bytes | bytearray = b""
        self._start = 0
        self._complete = False
        # PERF: where the next search may start, so feeding a header block one
        # byte at a time does not rescan it each time.
        self._search_from = 0
        self._parts = 0
        # The simple-head pattern holds at most two lines and
        # _SIMPLE_PART_HEAD_MAX bytes, so it can pass no smaller limit.
        self._simple_heads = (
            max_part_header_count >= 2 and max_part_header_size >= _SIMPLE_PART_HEAD_MAX
        )
        self._is_field = False
        self._field_size = 0

    def receive_data(self, data: bytes | None) -> None:
        """Add the next chunk of the body; ``None`` marks the end of the body.

        Data that arrives after the close delimiter is dropped.

        :raises RuntimeError: data after the end was already signalled.
        """
        if self._complete:
            raise RuntimeError("Cannot receive data after the end of the body.")
        if data is None:
            self._complete = True
            return
        state = self.state
        # SECURITY: the epilogue is ignored, never buffered.
        if state is State.EPILOGUE or state is State.COMPLETE or not data:
            return
        buffer = self._buffer
        start = self._start
        self._search_from = max(self._search_from - start, 0)
        self._start = 0
        if start == len(buffer):
            # PERF: with nothing left over the chunk itself becomes the buffer,
            # so a body received in one piece is never copied.
            self._buffer = data if type(data) is bytes else bytes(data)
        elif isinstance(buffer, bytearray):
            # PERF: a bytearray drops a prefix and grows in amortised O(1), so
            # a header block fed one byte at a time stays linear.
            del buffer[:start]
            buffer += data
        else:
            grown = bytearray(buffer[start:])
            grown += data
            self._buffer = grown

    def next_event(self) -> Event:
        """Return the next event, or :class:`NeedData` when more input is needed.

        After :class:`Epilogue` every call returns :class:`NeedData`.

        :raises MalformedError: the body is not valid multipart.
        :raises LimitExceededError: a limit was passed.
        """
        state = self.state
        if state is State.DATA:
            return self._next_data()
        if state is State.PART:
            return self._next_part()
        if state is State.PREAMBLE:
            return self._next_preamble()
        if state is State.EPILOGUE:
            data = bytes(self._buffer[self._start :])
            self._buffer = b""
            self._start = self._search_from = 0
            self.state = State.COMPLETE
            # RFC 2046 §5.1.1: the CRLF after the close delimiter is not part
            # of the epilogue.
            if data[:2] == b"\r\n":
                data = data[2:]
            return Epilogue(data)
        return _NEED_DATA

    # -- delimiters -----------------------------------------------------------

    def _classify(self, pos: int) -> tuple[_Delimiter, int]:
        """Classify the bytes at ``pos``, just after a ``--boundary``.

        Returns the kind and the index after the delimiter line.
        """
        buffer = self._buffer
        rest = buffer[pos : pos + 2]
        if rest == b"\r\n":
            # PERF: the usual delimiter line, with no padding to look at.
            return _Delimiter.NEXT, pos + 2
        if rest == b"--":
            return _Delimiter.CLOSE, pos + 2
        if rest == b"-":
            return self._undecided(), pos
        # RFC 2046 §5.1.1: transport-padding := *LWSP-char before the CRLF.
        window = bytes(buffer[pos : pos + _MAX_PADDING + 2])
        stripped = window.lstrip(b" \t")
        end = pos + len(window) - len(stripped)
        if stripped[:1] == b"\n":
            return _Delimiter.NEXT, end + 1
        if stripped[:2] == b"\r\n":
            return _Delimiter.NEXT, end + 2
        if (stripped == b"" or stripped == b"\r") and end - pos <= _MAX_PADDING:
            return self._undecided(), pos
        return _Delimiter.NOT, pos

    def _undecided(self) -> _Delimiter:
        # At the end of the body a delimiter that never finished is data.
        return _Delimiter.NOT if self._complete else _Delimiter.UNDECIDED

    def _find_delimiter(self, start: int) -> tuple[int, _Delimiter, int]:
        """Find the first real delimiter from ``start``.

        Returns ``(index of LF or -1, kind, end of line)``; the index is -1
        when none was found.
        """
        buffer = self._buffer
        delimiter = self._delimiter
        while True:
            index = buffer.find(delimiter, start)
            if index == -1:
                return -1, _Delimiter.NOT, 0
            kind, line_end = self._classify(index + len(delimiter))
            if kind is not _Delimiter.NOT:
                return index, kind, line_end
            start = index + 1

    def _keep_from(self, start: int) -> int:
        """Return where a possible delimiter prefix starts at the buffer's end."""
        buffer = self._buffer
        delimiter = self._delimiter
        size = len(buffer)
        index = buffer.find(b"\n", max(start, size - len(delimiter) + 1))
        while index != -1 and not delimiter.startswith(buffer[index:]):
            index = buffer.find(b"\n", index + 1)
        if index == -1:
            index = size
        # The CR of a CRLF delimiter belongs to the delimiter, not the data.
        if index > start and buffer[index - 1] == 0x0D:
            index -= 1
        return index

    # -- states ---------------------------------------------------------------

    def _next_preamble(self) -> Event:
        # Nothing is consumed before the first delimiter: the buffer starts at 0.
        buffer = self._buffer
        dash_boundary = self._dash_boundary
        kind, line_end = _Delimiter.NOT, 0
        if buffer.startswith(dash_boundary):
            # RFC 2046 §5.1.1: the first delimiter may open the body, no CRLF.
            kind, line_end = self._classify(len(dash_boundary))
        elif not self._complete and dash_boundary.startswith(buffer):
            return _NEED_DATA
        preamble_end = 0
        if kind is _Delimiter.NOT:
            index, kind, line_end = self._find_delimiter(self._search_from)
            if index == -1:
                return self._preamble_need_data()
            preamble_end = index - 1 if buffer[index - 1 : index] == b"\r" else index
            if preamble_end > self.max_part_header_size:
                self._raise_preamble_size()
        if kind is _Delimiter.UNDECIDED:
            return _NEED_DATA
        self._start = self._search_from = line_end
        self.state = State.EPILOGUE if kind is _Delimiter.CLOSE else State.PART
        return Preamble(bytes(buffer[:preamble_end]))

    def _preamble_need_data(self) -> NeedData:
        if self._complete:
            raise MalformedError("The multipart body has no boundary delimiter.")
        if len(self._buffer) > self.max_part_header_size + len(self._delimiter) + 1:
            self._raise_preamble_size()
        self._search_from = max(0, len(self._buffer) - len(self._delimiter))
        return _NEED_DATA

    def _raise_preamble_size(self) -> t.NoReturn:
        # SECURITY: the preamble is buffered until the first delimiter.
        raise LimitExceededError(
            f"The multipart preamble is over {self.max_part_header_size} bytes."
        )

    def _next_part(self) -> Event:
        buffer = self._buffer
        start = self._start
        simple = None
        # PERF: the usual head is matched, split and decoded by one pattern
        # instead of two searches, a line parser and a parameter parser. It is
        # tried once per part (later attempts have data past ``start``), so a
        # head fed one byte at a time is not matched again and again.
        if self._search_from == start and self._simple_heads:
            simple = _SIMPLE_PART_HEAD.match(
                buffer, start, start + _SIMPLE_PART_HEAD_MAX
            )
        if simple is not None:
            raw_disposition, raw_name, raw_filename, content_type = simple.groups()
            body_start = simple.end()
            headers: PartHeaders = (
                ("Content-Disposition", raw_disposition.decode("utf-8", "replace")),
            )
            if content_type is not None:
                headers += (("Content-Type", content_type.decode("ascii")),)
            name: str | None = raw_name.decode("utf-8", "replace")
            filename = (
                None
                if raw_filename is None
                else raw_filename.decode("utf-8", "replace")
            )
        else:
            first = buffer[start : start + 2]
            if first[:1] == b"\n" or first == b"\r\n":
                header_end = start
                body_start = start + (1 if first[:1] == b"\n" else 2)
            else:
                # RFC 2046 §5.1: headers end at an empty line (CRLF CRLF); a
                # bare LF is accepted for the same reason as in delimiters.
                limit = start + self.max_part_header_size + 3
                crlf = buffer.find(b"\n\r\n", self._search_from, limit)
                # PERF: a bare LF LF only matters before the CRLF one, so the
                # usual part (CRLF headers, binary content) is not scanned a
                # second time.
                bare = buffer.find(
                    b"\n\n", self._search_from, limit if crlf == -1 else crlf + 1
                )
                if crlf == -1 and bare == -1:
                    return self._part_need_data()
                if bare == -1 or (crlf != -1 and crlf < bare):
                    header_end, body_start = crlf + 1, crlf + 3
                else:
                    header_end, body_start = bare + 1, bare + 2
            if header_end - start > self.max_part_header_size:
                self._raise_header_size()
            headers = self._parse_headers(bytes(buffer[start:header_end]))
            name = filename = None
        event = self._make_part_event(headers, name, filename)
        self._start = self._search_from = body_start
        self.state = State.DATA
        self._field_size = 0
        self._is_field = type(event) is Field
        return event

    def _part_need_data(self) -> NeedData:
        if self._complete:
            raise MalformedError("The multipart body ends inside a part's headers.")
        size = len(self._buffer)
        if size - self._start > self.max_part_header_size + 2:
            self._raise_header_size()
        self._search_from = max(self._start, size - 2)
        return _NEED_DATA

    def _raise_header_size(self) -> t.NoReturn:
        # SECURITY: bounds the buffer that holds one part's headers.
        raise LimitExceededError(
            f"A multipart part's headers are over {self.max_part_header_size} bytes."
        )

    def _parse_headers(self, block: bytes) -> PartHeaders:
        # SECURITY: bounds the work per part, whatever the byte limit allows.
        if block.count(b"\n") > self.max_part_header_count:
            raise LimitExceededError(
                f"A multipart part has more than {self.max_part_header_count}"
                " header lines."
            )
        # PERF: the whole block is checked and decoded at once. A CR is only
        # allowed just before an LF, so CRLF becomes LF and any other control
        # character (a lone CR included) is refused.
        block = block.replace(b"\r\n", b"\n")
        bad = _HEADER_CONTROL_NOT_LF.search(block)
        if bad is not None:
            start = block.rfind(b"\n", 0, bad.start()) + 1
            line = block[start : block.find(b"\n", bad.start())]
            raise MalformedError(
                f"Control character in a multipart part header {shorten(line)}."
            )
        # COMPAT: browsers send UTF-8 file names raw; bad bytes are replaced.
        lines = block.decode("utf-8", "replace").split("\n")
        lines.pop()  # the empty string after the last line break
        headers: list[tuple[str, str]] = []
        for text in lines:
            if text[:1] in (" ", "\t") and headers:
                # RFC 5322 §3.2.2: an obsolete folded line continues the last.
                name, value = headers[-1]
                headers[-1] = (name, f"{value} {text.strip()}".strip())
                continue
            name, _, value = text.partition(":")
            headers.append((name.strip(), value.strip()))
        return tuple(headers)

    def _make_part_event(
        self, headers: PartHeaders, name: str | None = None, filename: str | None = None
    ) -> Field | File:
        """Count a part and return its event.

        Without ``name``, the name and file name are read from the
        ``Content-Disposition`` in ``headers``.
        """
        if name is None:
            name, filename = self._parse_disposition(headers)
        self._parts += 1
        # SECURITY: bounds the number of fields and files built from one body.
        if self.max_parts is not None and self._parts > self.max_parts:
            raise LimitExceededError(
                f"The multipart body has more than {self.max_parts} parts."
            )
        if filename is None:
            return Field(name, headers)
        return File(name, filename, headers)

    def _parse_disposition(self, headers: PartHeaders) -> tuple[str, str | None]:
        """Return the ``name`` and ``filename`` of a part's Content-Disposition."""
        disposition = None
        for header, value in headers:
            if header.lower() == "content-disposition":
                disposition = value
                break
        if disposition is None:
            raise MalformedError("A multipart part has no Content-Disposition header.")
        simple = _SIMPLE_DISPOSITION.fullmatch(disposition)
        if simple is not None:
            # PERF: the shape browsers send needs no parameter parser.
            name, filename = simple.groups()
        else:
            params = parse_options_header(disposition)[1]
            name = params.get("name")
            filename = params.get("filename")
        if name is None:
            # RFC 7578 §4.2: each part has a "name" parameter.
            raise MalformedError(
                f"A multipart part has no name: {shorten(disposition)}."
            )
        return name, filename

    def _next_data(self) -> Event:
        buffer = self._buffer
        start = self._start
        delimiter = self._delimiter
        index = buffer.find(delimiter, start)
        kind, line_end = _Delimiter.NOT, 0
        if index != -1:
            after = index + len(delimiter)
            rest = buffer[after : after + 2]
            # PERF: the usual delimiter line is classified here, without the
            # two calls of the general search.
            if rest == b"\r\n":
                kind, line_end = _Delimiter.NEXT, after + 2
            elif rest == b"--":
                kind, line_end = _Delimiter.CLOSE, after + 2
            else:
                index, kind, line_end = self._find_delimiter(index)
        if index == -1 or kind is _Delimiter.UNDECIDED:
            if index == -1 and self._complete:
                raise MalformedError(
                    "The multipart body ends before its close delimiter."
                )
            end = self._keep_from(start) if index == -1 else index
            if end > start and index != -1 and buffer[end - 1] == 0x0D:
                end -= 1
            if end == start:
                return _NEED_DATA
            more_data = True
            self._start = end
        else:
            end = index - 1 if index > start and buffer[index - 1] == 0x0D else index
            more_data = False
            self._start = self._search_from = line_end
            self.state = State.EPILOGUE if kind is _Delimiter.CLOSE else State.PART
        if self._is_field:
            self._field_size += end - start
            limit = self.max_form_memory_size
            # SECURITY: text fields are kept in memory by the caller; the
            # limit is checked before the bytes are copied out.
            if limit is not None and self._field_size > limit:
                raise LimitExceededError(
                    f"A multipart form field is over {limit} bytes."
                )
        if isinstance(buffer, bytearray):
            # PERF: one copy through a memoryview, not a bytearray slice
            # copied again; the view is released before the buffer changes.
            with memoryview(buffer) as view:
                data = view[start:end].tobytes()
        else:
            data = buffer[start:end]
        return Data(data, more_data)


# SECURITY: a quote or line break in a name would end the parameter or the
# header line; the WHATWG form encoder escapes exactly these.
_PARAM_ESCAPES = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})


def _dump_part_head(name: str, filename: str | None, headers: PartHeaders) -> bytes:
    lines = [f'Content-Disposition: form-data; name="{name.translate(_PARAM_ESCAPES)}"']
    if filename is not None:
        lines[0] += f'; filename="{filename.translate(_PARAM_ESCAPES)}"'
    for header, value in headers:
        if header.lower() == "content-disposition":
            continue
        # SECURITY: a line break in a header would inject headers or parts.
        if _HEADER_CONTROL.search(f"{header}{value}".encode()) is not None:
            raise ValueError(f"Control character in part header {shorten(header)}.")
        lines.append(f"{header}: {value}")
    lines.append("\r\n")
    return "\r\n".join(lines).encode()


class MultipartEncoder:
    """Encode events into a ``multipart/form-data`` body, the reverse of the decoder.

    :param boundary: the boundary; it must not occur in the data.

    Send :class:`Preamble` (optional), then for each part a :class:`Field` or
    :class:`File` and its :class:`Data` events, then :class:`Epilogue`.
    ``Content-Disposition`` is written from the event's name and file name;
    any such header in ``headers`` is skipped.
    """

    def __init__(self, boundary: bytes) -> None:
        _check_boundary(boundary)
        self.boundary = boundary
        self.state = State.PREAMBLE

    def send_event(self, event: Event) -> bytes:
        """Return the bytes for ``event``.

        :raises ValueError: the event is not allowed in the current state, or
            a header holds a control character.
        """
        state = self.state
        # After a part, the next delimiter starts with the CRLF that ends it.
        prefix = b"\r\n--" if state is State.EPILOGUE else b"--"
        if type(event) is Preamble and state is State.PREAMBLE:
            self.state = State.PART
            return event.data + b"\r\n" if event.data else b""
        if isinstance(event, (Field, File)) and state in _PART_START_STATES:
            filename = event.filename if isinstance(event, File) else None
            head = _dump_part_head(event.name, filename, event.headers)
            self.state = State.DATA
            return prefix + self.boundary + b"\r\n" + head
        if type(event) is Data and state is State.DATA:
            if not event.more_data:
                self.state = State.EPILOGUE
            return event.data
        if type(event) is Epilogue and state in _PART_START_STATES:
            self.state = State.COMPLETE
            return prefix + self.boundary + b"--\r\n" + event.data
        raise ValueError(f"Cannot send {type(event).__name__} in state {state.name}.")


# Encoder states where a part (or the close delimiter) may start: nothing sent,
# a preamble sent, or a part finished.
_PART_START_STATES = frozenset((State.PREAMBLE, State.PART, State.EPILOGUE))
