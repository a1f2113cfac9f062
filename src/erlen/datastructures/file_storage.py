"""``FileStorage``: an uploaded file, and ``FileMultiDict`` to build uploads."""

from __future__ import annotations

import collections.abc as cabc
import mimetypes
import os
import shutil
import typing as t
from io import BytesIO

from ..http.headers import parse_options_header
from .headers import Headers
from .multidict import MultiDict


class FileStorage:
    """A file received in a multipart form, as ``request.files`` holds them.

    Attributes the object lacks are looked up on :attr:`stream`, so
    ``storage.read()`` reads the upload.

    :param stream: the file's data; an empty ``BytesIO`` when not given.
    :param filename: the client's file name; taken from ``stream.name`` when not
        given (unless that looks like ``<stdin>``).
    :param name: the form field name.
    :param content_type: sets the ``Content-Type`` header.
    :param content_length: sets the ``Content-Length`` header.
    :param headers: the part's headers.
    """

    def __init__(
        self,
        stream: t.IO[bytes] | None = None,
        filename: str | None = None,
        name: str | None = None,
        content_type: str | None = None,
        content_length: int | None = None,
        headers: Headers | None = None,
    ) -> None:
        self.name = name
        self.stream: t.IO[bytes] = stream or BytesIO()
        if filename is None:
            stream_name = getattr(stream, "name", None)
            if isinstance(stream_name, (str, bytes)):
                filename = os.fsdecode(stream_name)
                # COMPAT: pseudo names such as "<stdin>" are not file names.
                if filename[:1] == "<" and filename[-1:] == ">":
                    filename = None
        elif type(filename) is not str:
            # PERF: a str (what the form parser gives) is already decoded.
            filename = os.fsdecode(filename)
        self.filename = filename
        if headers is None:
            headers = Headers()
        self.headers = headers
        if content_type is not None:
            headers["Content-Type"] = content_type
        if content_length is not None:
            headers["Content-Length"] = str(content_length)

    def _parsed_content_type(self) -> tuple[str, dict[str, str]]:
        return parse_options_header(self.content_type)

    @property
    def content_type(self) -> str | None:
        """The ``Content-Type`` header of the part, if sent."""
        return self.headers.get("content-type")

    @property
    def content_length(self) -> int:
        """The ``Content-Length`` header of the part, ``0`` when absent or bad."""
        try:
            return int(self.headers.get("content-length") or 0)
        except ValueError:
            return 0

    @property
    def mimetype(self) -> str:
        """The content type without parameters, lower-cased."""
        return self._parsed_content_type()[0].lower()

    @property
    def mimetype_params(self) -> dict[str, str]:
        """The parameters of the content type, such as ``charset``."""
        return self._parsed_content_type()[1]

    def save(
        self, dst: str | os.PathLike[str] | t.IO[bytes], buffer_size: int = 16384
    ) -> None:
        """Copy the data to a path or a binary file object.

        A path is opened (and closed again) here; a file object is left open.

        :param dst: a path or a writable binary file object.
        :param buffer_size: bytes copied per read.
        """
        if isinstance(dst, os.PathLike):
            dst = os.fspath(dst)
        if isinstance(dst, str):
            with open(dst, "wb") as target:
                shutil.copyfileobj(self.stream, target, buffer_size)
        else:
            shutil.copyfileobj(self.stream, dst, buffer_size)

    def close(self) -> None:
        """Close the stream, ignoring errors from an already broken one."""
        try:
            self.stream.close()
        except (OSError, ValueError):
            pass

    def __bool__(self) -> bool:
        return bool(self.filename)

    def read(self, size: int | None = -1) -> bytes:
        """Read up to ``size`` bytes of the upload (all of it by default)."""
        # PERF: the call views make most goes straight to the stream, not
        # through a failed attribute lookup and __getattr__.
        try:
            read = self.stream.read
        except AttributeError:
            read = self.__getattr__("read")
        return read(-1 if size is None else size)

    def __getattr__(self, name: str) -> t.Any:
        try:
            return getattr(self.stream, name)
        except AttributeError:
            # COMPAT: SpooledTemporaryFile is not an IOBase before 3.11; its
            # real file object has the attribute.
            backing = getattr(self.stream, "_file", None)
            if backing is None:
                raise
            return getattr(backing, name)

    def __iter__(self) -> cabc.Iterator[bytes]:
        return iter(self.stream)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.filename!r} ({self.content_type!r})>"


class FileMultiDict(MultiDict[str, FileStorage]):
    """A :class:`MultiDict` with :meth:`add_file`, used to build test uploads."""

    def add_file(
        self,
        name: str,
        file: str | t.IO[bytes] | FileStorage,
        filename: str | None = None,
        content_type: str | None = None,
    ) -> None:
        """Add a file under ``name``.

        :param name: the form field name.
        :param file: a path (opened for reading), a binary file object or a
            :class:`FileStorage` (added as it is).
        :param filename: the client file name; a path's own name by default.
        :param content_type: guessed from ``filename`` when not given.
        """
        if isinstance(file, FileStorage):
            self.add(name, file)
            return
        if isinstance(file, str):
            if filename is None:
                filename = file
            file = open(file, "rb")  # closed by the FileStorage
        if filename and content_type is None:
            content_type = (
                mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
        self.add(name, FileStorage(file, filename, name, content_type))
