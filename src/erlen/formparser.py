"""Parse form bodies from a stream: urlencoded fields, multipart fields and files.

The body is read in chunks of :data:`CHUNK_SIZE` bytes and handed to the
I/O-free decoders of :mod:`erlen.http.forms` and :mod:`erlen.http.multipart`,
so memory stays bounded whatever the body's size: text fields are limited by
``max_form_memory_size``, and uploads move from memory to a temporary file once
they pass :data:`SPOOL_THRESHOLD` bytes.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from io import BytesIO
from tempfile import SpooledTemporaryFile
from tempfile import TemporaryFile

from . import exceptions
from .datastructures import FileStorage
from .datastructures import Headers
from .datastructures import MultiDict
from .http.errors import HTTPParseError
from .http.errors import MalformedError
from .http.errors import shorten
from .http.forms import UrlencodedDecoder
from .http.forms import decode_urlencoded
from .http.headers import parse_options_header
from .http.multipart import Data
from .http.multipart import Epilogue
from .http.multipart import Field
from .http.multipart import File
from .http.multipart import MultipartDecoder
from .http.multipart import NeedData
from .wrappers.request import http_error_for
from .wsgi import get_content_length
from .wsgi import get_input_stream
from .wsgi import read_up_to

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

__all__ = [
    "CHUNK_SIZE",
    "SPOOL_THRESHOLD",
    "FormDataParser",
    "default_stream_factory",
    "parse_form_data",
]

#: Bytes read from the body at a time.
CHUNK_SIZE = 64 * 1024
#: Uploads larger than this are moved from memory to a temporary file.
SPOOL_THRESHOLD = 500 * 1024

_URLENCODED = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


class TStreamFactory(t.Protocol):
    """The signature of a ``stream_factory``: where an upload is written."""

    def __call__(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None,
        content_length: int | None = None,
    ) -> t.IO[bytes]: ...


t_parse_result: t.TypeAlias = tuple[
    t.IO[bytes], MultiDict[str, t.Any], MultiDict[str, FileStorage]
]


def default_stream_factory(
    total_content_length: int | None,
    content_type: str | None,
    filename: str | None,
    content_length: int | None = None,
) -> t.IO[bytes]:
    """Return a writable binary stream for an upload.

    A body known to fit under :data:`SPOOL_THRESHOLD` gets a ``BytesIO``;
    anything else a ``SpooledTemporaryFile`` that moves to disk past it.

    .. note::
        :class:`FormDataParser` without a ``stream_factory`` does not call
        this: it writes each upload to a ``BytesIO`` and moves it to a
        ``TemporaryFile`` only once that upload passes the threshold, so a
        small file in a large body stays a ``BytesIO``.
    """
    if total_content_length is not None and total_content_length <= SPOOL_THRESHOLD:
        return BytesIO()
    return t.cast("t.IO[bytes]", SpooledTemporaryFile(max_size=SPOOL_THRESHOLD))


class _Upload:
    """The file being received; it starts in memory and spills to disk."""

    __slots__ = ("event", "size", "spill", "stream")

    def __init__(self, event: File, stream: t.IO[bytes], spill: bool) -> None:
        self.event = event
        self.stream = stream
        # The stream is our BytesIO, to move to a temporary file when it grows.
        self.spill = spill
        self.size = 0

    def write(self, data: bytes) -> None:
        """Add ``data``, moving the upload to disk when it passes the threshold."""
        stream = self.stream
        self.size += len(data)
        if self.spill and self.size > SPOOL_THRESHOLD:
            # PERF: uploads under the threshold never touch the disk, and stay
            # a plain BytesIO rather than a SpooledTemporaryFile.
            memory = t.cast("BytesIO", stream)
            stream = self.stream = t.cast("t.IO[bytes]", TemporaryFile("w+b"))
            stream.write(memory.getbuffer())
            memory.close()
            self.spill = False
        stream.write(data)

    def finish(self) -> FileStorage:
        """Rewind the upload and wrap it as a :class:`FileStorage`."""
        self.stream.seek(0)
        return _make_storage(self.stream, self.event)

    def close(self) -> None:
        self.stream.close()


def _make_storage(stream: t.IO[bytes], event: File) -> FileStorage:
    """Wrap an upload's ``stream`` with the name and headers of its part."""
    # PERF: the decoder refuses control characters in part headers, so the
    # pairs already keep the invariant of ``Headers._list`` (see
    # docs/architecture.md) and need no validation by ``Headers.extend``.
    headers = Headers.__new__(Headers)
    headers._list = list(event.headers)
    return FileStorage(stream, event.filename, event.name, headers=headers)


class _MultipartCollector:
    """Turn decoder events into form fields and :class:`FileStorage` objects."""

    def __init__(
        self,
        stream_factory: TStreamFactory | None,
        total_content_length: int | None,
    ) -> None:
        self.stream_factory = stream_factory
        self.total_content_length = total_content_length
        self.fields: list[tuple[str, str]] = []
        self.files: list[tuple[str, FileStorage]] = []
        # The upload being received, kept here so close() can close it.
        self.upload: _Upload | None = None

    def collect(
        self, decoder: MultipartDecoder, read: cabc.Callable[[int], bytes]
    ) -> None:
        """Collect the events of ``decoder`` up to the epilogue, feeding it
        from ``read`` when it needs data."""
        # PERF: one loop with the dispatch inline and the state in locals, not
        # a generator or a handler call per event.
        next_event = decoder.next_event
        fields = self.fields
        files = self.files
        field_name = ""
        chunks: list[bytes] = []
        file: File | None = None
        upload: _Upload | None = None
        while True:
            event = next_event()
            if type(event) is Data:
                data = event.data
                more_data = event.more_data
                if file is not None:
                    if (
                        upload is None
                        and not more_data
                        and len(data) <= SPOOL_THRESHOLD
                    ):
                        # PERF: a file that arrives in one piece is wrapped,
                        # not copied (a BytesIO shares its initial bytes until
                        # written to), and needs no _Upload.
                        files.append((file.name, _make_storage(BytesIO(data), file)))
                    else:
                        upload = self._write_upload(file, upload, data, more_data)
                    if not more_data:
                        file = None
                elif more_data:
                    chunks.append(data)
                else:
                    if chunks:
                        chunks.append(data)
                        data = b"".join(chunks)
                        chunks = []
                    # COMPAT: like Werkzeug, text is UTF-8 whatever a part's
                    # charset or a "_charset_" field says; bad bytes replaced.
                    fields.append((field_name, data.decode("utf-8", "replace")))
            elif type(event) is NeedData:
                decoder.receive_data(read(CHUNK_SIZE) or None)
            elif type(event) is Field:
                field_name = event.name
            elif type(event) is File:
                file = event
                upload = self.upload = self._open(event)
            elif type(event) is Epilogue:
                # SECURITY: the epilogue is never read, so garbage after the
                # close delimiter costs nothing.
                return

    def _write_upload(
        self, file: File, upload: _Upload | None, data: bytes, more_data: bool
    ) -> _Upload | None:
        """Write a piece of ``file``; return the upload while it is not done."""
        if upload is None:
            upload = self.upload = _Upload(file, BytesIO(), spill=True)
        upload.write(data)
        if more_data:
            return upload
        self.files.append((file.name, upload.finish()))
        self.upload = None
        return None

    def _open(self, event: File) -> _Upload | None:
        """Start the upload of ``event`` in a ``stream_factory`` stream, if any.

        Without a factory no upload is made here: :meth:`collect` wraps a file
        that arrives in one piece, and :meth:`_write_upload` starts one in
        memory otherwise.
        """
        factory = self.stream_factory
        if factory is None:
            return None
        headers = Headers(event.headers)
        length = headers.get("content-length")
        stream = factory(
            total_content_length=self.total_content_length,
            content_type=headers.get("content-type"),
            filename=event.filename,
            content_length=int(length) if length and length.isdigit() else None,
        )
        return _Upload(event, stream, spill=False)

    def close(self) -> None:
        """Close every stream opened so far (after an error)."""
        if self.upload is not None:
            self.upload.close()
        for _name, storage in self.files:
            storage.close()


class FormDataParser:
    """Parse a form body into ``(stream, form, files)``.

    :param stream_factory: called as ``stream_factory(total_content_length,
        content_type, filename, content_length)`` for each upload; by default
        uploads stay in a ``BytesIO`` up to :data:`SPOOL_THRESHOLD` bytes and
        then move to a ``TemporaryFile``.
    :param max_form_memory_size: the most bytes one text field may have (413).
    :param max_content_length: the most bytes the body may have (413).
    :param cls: the ``MultiDict`` class for ``form`` and ``files``.
    :param silent: answer a malformed body with :class:`~erlen.exceptions.BadRequest`;
        with ``False`` the :class:`~erlen.http.errors.MalformedError` (a
        ``ValueError``) propagates instead.
    :param max_form_parts: the most multipart parts, or urlencoded fields (413).

    .. note::
        Werkzeug returns an empty form for a malformed body when ``silent``;
        erlen answers 400 Bad Request instead, so a truncated upload is never
        mistaken for an empty one. Limits always give their HTTP error.
    """

    def __init__(
        self,
        stream_factory: TStreamFactory | None = None,
        max_form_memory_size: int | None = None,
        max_content_length: int | None = None,
        cls: type[MultiDict[str, t.Any]] | None = None,
        silent: bool = True,
        *,
        max_form_parts: int | None = None,
    ) -> None:
        self.stream_factory = stream_factory
        self.max_form_memory_size = max_form_memory_size
        self.max_content_length = max_content_length
        self.max_form_parts = max_form_parts
        self.cls: type[MultiDict[str, t.Any]] = MultiDict if cls is None else cls
        self.silent = silent

    def can_parse(self, mimetype: str) -> bool:
        """Whether ``mimetype`` is a form body this parser reads."""
        return mimetype.lower() in (_MULTIPART, _URLENCODED)

    def parse_from_environ(self, environ: WSGIEnvironment) -> t_parse_result:
        """Parse the body of a WSGI ``environ``.

        :raises RequestEntityTooLarge: the body is over a limit.
        :raises BadRequest: the body is malformed.
        """
        stream = get_input_stream(environ, max_content_length=self.max_content_length)
        content_length = get_content_length(environ)
        mimetype, options = parse_options_header(environ.get("CONTENT_TYPE"))
        return self.parse(stream, mimetype, content_length, options)

    def parse(
        self,
        stream: t.IO[bytes],
        mimetype: str,
        content_length: int | None,
        options: dict[str, str] | None = None,
    ) -> t_parse_result:
        """Parse ``stream`` as a body of type ``mimetype``.

        Other mimetypes give empty ``form`` and ``files`` and leave the stream
        unread.

        :param stream: the body, already bounded to its length.
        :param mimetype: the mimetype of the body, without parameters.
        :param content_length: the declared length, if any.
        :param options: the ``Content-Type`` parameters (``boundary``).
        :return: ``(stream, form, files)``.
        :raises RequestEntityTooLarge: a limit was passed (413).
        :raises BadRequest: the body is malformed (400).
        """
        if (
            self.max_content_length is not None
            and content_length is not None
            and content_length > self.max_content_length
        ):
            raise exceptions.RequestEntityTooLarge()
        mimetype = mimetype.lower()
        try:
            if mimetype == _URLENCODED:
                form, files = self._parse_urlencoded(stream, content_length)
            elif mimetype == _MULTIPART:
                form, files = self._parse_multipart(
                    stream, content_length, options or {}
                )
            else:
                return stream, self.cls(), self.cls()
        except HTTPParseError as error:
            if not self.silent and type(error) is MalformedError:
                raise
            raise http_error_for(error) from error
        return stream, form, files

    def _parse_urlencoded(
        self, stream: t.IO[bytes], content_length: int | None = None
    ) -> tuple[MultiDict[str, t.Any], MultiDict[str, t.Any]]:
        # SECURITY: max_form_parts also bounds the number of urlencoded pairs.
        if content_length is not None and content_length <= CHUNK_SIZE:
            # PERF: a small body of known length is read and decoded at once.
            pairs = decode_urlencoded(
                stream.read(content_length),
                self.max_form_memory_size,
                self.max_form_parts,
            )
            return self.cls(pairs), self.cls()
        decoder = UrlencodedDecoder(self.max_form_memory_size, self.max_form_parts)
        read = stream.read
        pairs = []
        while chunk := read(CHUNK_SIZE):
            pairs += decoder.feed(chunk)
        pairs += decoder.close()
        return self.cls(pairs), self.cls()

    def _parse_multipart(
        self, stream: t.IO[bytes], content_length: int | None, options: dict[str, str]
    ) -> tuple[MultiDict[str, t.Any], MultiDict[str, t.Any]]:
        boundary = options.get("boundary", "")
        if not boundary.isascii():
            raise MalformedError(f"Invalid multipart boundary {shorten(boundary)}.")
        decoder = MultipartDecoder(
            boundary.encode("ascii"),
            self.max_form_memory_size,
            max_parts=self.max_form_parts,
        )
        collector = _MultipartCollector(self.stream_factory, content_length)
        read = stream.read
        try:
            if content_length is not None and content_length <= SPOOL_THRESHOLD:
                # PERF: a body that stays in memory anyway is read at once and
                # decoded in one pass: each part is found with one search and a
                # file arrives as one piece. The read is bounded by the length,
                # which is bounded by SPOOL_THRESHOLD.
                body = read_up_to(read, content_length)
            else:
                body = read(CHUNK_SIZE)
            if not body:
                # COMPAT: an empty body is an empty form, as in Werkzeug.
                return self.cls(), self.cls()
            decoder.receive_data(body)
            collector.collect(decoder, read)
        except BaseException:
            collector.close()
            raise
        return self.cls(collector.fields), self.cls(collector.files)


def parse_form_data(
    environ: WSGIEnvironment,
    stream_factory: TStreamFactory | None = None,
    max_form_memory_size: int | None = None,
    max_content_length: int | None = None,
    cls: type[MultiDict[str, t.Any]] | None = None,
    silent: bool = True,
    *,
    max_form_parts: int | None = None,
) -> t_parse_result:
    """Parse the form body of a WSGI ``environ`` into ``(stream, form, files)``.

    The arguments are those of :class:`FormDataParser`. A body that is not a
    form gives empty ``form`` and ``files``.

    :raises RequestEntityTooLarge: the body is over a limit (413).
    :raises BadRequest: the body is malformed (400).
    """
    return FormDataParser(
        stream_factory,
        max_form_memory_size,
        max_content_length,
        cls,
        silent,
        max_form_parts=max_form_parts,
    ).parse_from_environ(environ)
