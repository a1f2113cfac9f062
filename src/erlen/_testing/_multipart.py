"""Encode form fields and files as a ``multipart/form-data`` request body."""

from __future__ import annotations

import collections.abc as cabc
import mimetypes
import os
import secrets
import typing as t
from io import BytesIO
from tempfile import SpooledTemporaryFile

_CHUNK_SIZE = 16 * 1024
# SECURITY: a quote or line break in a field name or file name would end the
# parameter or the header line and let the value inject headers or parts. The
# WHATWG HTML form encoder escapes exactly these three characters.
_PARAM_ESCAPES = str.maketrans({'"': "%22", "\r": "%0D", "\n": "%0A"})


def make_boundary() -> str:
    """Return a fresh random boundary that cannot occur in the encoded values."""
    return f"---------------ErlenFormPart_{secrets.token_hex(16)}"


def iter_multi_items(data: t.Any) -> cabc.Iterator[tuple[str, t.Any]]:
    """Yield ``(key, value)`` pairs of a mapping, one per value.

    A ``MultiDict`` yields every value of a key; in a plain mapping a ``list``
    value stands for several values of one key.
    """
    if hasattr(data, "getlist"):
        yield from data.items(multi=True)
        return
    for key, value in data.items():
        if isinstance(value, list):
            for item in value:
                yield key, item
        else:
            yield key, value


def is_file_value(value: t.Any) -> bool:
    """Whether a form value is a file (it has a ``read`` method)."""
    return hasattr(value, "read")


def get_file_name(value: t.Any) -> str | None:
    """Return the file name of an upload value: its ``filename``, else its ``name``."""
    filename = getattr(value, "filename", None)
    if filename is None and not hasattr(value, "filename"):
        name = getattr(value, "name", None)
        if isinstance(name, (str, bytes)):
            filename = os.fsdecode(name)
            # COMPAT: like FileStorage, "<stdin>"-style pseudo names are no names.
            if filename.startswith("<") and filename.endswith(">"):
                filename = None
    return filename


def _disposition(name: str, filename: str | None) -> str:
    rv = f'Content-Disposition: form-data; name="{name.translate(_PARAM_ESCAPES)}"'
    if filename:
        rv += f'; filename="{filename.translate(_PARAM_ESCAPES)}"'
    return rv


def _file_head(key: str, value: t.Any) -> str:
    filename = get_file_name(value)
    lines = [_disposition(key, filename)]
    extra = getattr(value, "headers", None)
    has_type = False
    if extra is not None:
        for header, header_value in extra.items():
            lower = header.lower()
            if lower == "content-disposition":
                continue
            has_type = has_type or lower == "content-type"
            lines.append(f"{header}: {header_value}")
    if not has_type:
        content_type = getattr(value, "content_type", None)
        if not content_type and filename:
            content_type = mimetypes.guess_type(filename)[0]
        lines.append(f"Content-Type: {content_type or 'application/octet-stream'}")
    return "\r\n".join(lines)


def write_multipart(
    stream: t.IO[bytes], items: cabc.Iterable[tuple[str, t.Any]], boundary: str
) -> None:
    """Write the parts for ``items`` and the closing delimiter to ``stream``."""
    delimiter = f"\r\n--{boundary}\r\n".encode("ascii")
    write = stream.write
    for key, value in items:
        write(delimiter)
        if is_file_value(value):
            write(_file_head(key, value).encode() + b"\r\n\r\n")
            read = value.read
            while chunk := read(_CHUNK_SIZE):
                write(chunk if isinstance(chunk, bytes) else chunk.encode())
        else:
            write(_disposition(key, None).encode() + b"\r\n\r\n")
            if isinstance(value, (bytes, bytearray)):
                write(bytes(value))
            else:
                write(str(value).encode())
    write(f"\r\n--{boundary}--\r\n".encode("ascii"))


def stream_encode_multipart(
    data: t.Mapping[str, t.Any],
    use_tempfile: bool = True,
    threshold: int = 1024 * 500,
    boundary: str | None = None,
) -> tuple[t.IO[bytes], int, str]:
    """Encode ``data`` as a ``multipart/form-data`` body in a stream.

    A value with a ``read`` method (an open file, a
    :class:`~erlen.datastructures.FileStorage`) becomes a file part; its
    ``filename``, ``content_type`` and ``headers`` are used when present, else
    the type is guessed from the file name. Every other value is sent as text.

    :param data: a mapping or ``MultiDict`` of fields.
    :param use_tempfile: spill to a temporary file past ``threshold`` bytes.
    :param threshold: the in-memory size limit when ``use_tempfile`` is set.
    :param boundary: the boundary to use; a random one by default.
    :return: ``(stream, length, boundary)``, the stream rewound to the start.
    """
    if boundary is None:
        boundary = make_boundary()
    stream: t.IO[bytes]
    if use_tempfile:
        stream = t.cast(t.IO[bytes], SpooledTemporaryFile(max_size=threshold))
    else:
        stream = BytesIO()
    write_multipart(stream, iter_multi_items(data), boundary)
    length = stream.tell()
    stream.seek(0)
    return stream, length, boundary


def encode_multipart(
    values: t.Mapping[str, t.Any], boundary: str | None = None
) -> tuple[str, bytes]:
    """Encode ``values`` as a ``multipart/form-data`` body in memory.

    :return: ``(boundary, body)``.
    """
    stream, _length, boundary = stream_encode_multipart(
        values, use_tempfile=False, boundary=boundary
    )
    return boundary, stream.read()
