"""``send_file`` and ``send_from_directory``: a file (or file object) as a response.

Behaviour follows Flask 3.1: the app supplies ``USE_X_SENDFILE``, the default
``max_age`` (:meth:`~erlen.Erlen.get_send_file_max_age`), the response class
and the root path relative paths are resolved against.
"""

from __future__ import annotations

import collections.abc as cabc
import io
import mimetypes
import os
import typing as t
import unicodedata
import zlib
from datetime import datetime
from time import time
from urllib.parse import quote

from .datastructures import Headers
from .exceptions import NotFound
from .exceptions import RequestedRangeNotSatisfiable
from .globals import current_app
from .globals import request
from .http.dates import http_date
from .security import safe_join
from .wsgi import FileWrapper
from .wsgi import wrap_file

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from .wrappers import Response

__all__ = ["send_file", "send_from_directory"]

#: Bytes read from the file per chunk of the body.
BUFFER_SIZE = 8192

# RFC 9110 §5.6.2: a token parameter value needs no quotes.
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~"
)
# RFC 8187 §3.2.1: attr-char, besides the letters, digits and "-._~" that
# urllib.parse.quote never escapes.
_ATTR_CHARS = "!#$&+^`|"


class _FileIterator(FileWrapper):
    """A :class:`FileWrapper` that stops after ``length`` bytes (a byte range)."""

    def __init__(
        self,
        file: t.IO[bytes],
        buffer_size: int = BUFFER_SIZE,
        length: int | None = None,
    ) -> None:
        super().__init__(file, buffer_size)
        self.remaining = length

    def __next__(self) -> bytes:
        size = self.buffer_size
        if self.remaining is not None:
            size = min(size, self.remaining)
        data = self.file.read(size) if size else b""
        if not data:
            raise StopIteration
        if self.remaining is not None:
            self.remaining -= len(data)
        return data


def _quote_param(value: str) -> str:
    if value and all(char in _TOKEN_CHARS for char in value):
        return value
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _content_disposition(download_name: str, as_attachment: bool) -> str:
    """Build ``Content-Disposition``; non-ASCII names get an RFC 6266 ``filename*``."""
    disposition = "attachment" if as_attachment else "inline"
    if download_name.isascii():
        return f"{disposition}; filename={_quote_param(download_name)}"
    # RFC 6266 §4.3: an ASCII fallback first for old clients, then the exact
    # name as an RFC 8187 ext-value.
    simple = unicodedata.normalize("NFKD", download_name)
    simple = simple.encode("ascii", "ignore").decode("ascii")
    quoted = quote(download_name, safe=_ATTR_CHARS)
    return f"{disposition}; filename={_quote_param(simple)}; filename*=UTF-8''{quoted}"


def _cache_headers(headers: Headers, max_age: int | None) -> None:
    # COMPAT: Werkzeug's directives, in its order.
    if max_age is None:
        headers["Cache-Control"] = "no-cache"
        return
    if max_age > 0:
        headers["Cache-Control"] = f"public, max-age={max_age}"
    else:
        headers["Cache-Control"] = f"no-cache, max-age={max_age}"
    headers["Expires"] = http_date(int(time() + max_age))


def _file_size(file: t.IO[bytes]) -> int | None:
    # COMPAT: a text file would send str chunks; Werkzeug refuses it too.
    if isinstance(t.cast(object, file), io.TextIOBase):
        raise ValueError("Files must be opened in binary mode or use BytesIO.")
    if isinstance(file, io.BytesIO):
        # The body starts at the current position, so the length does too.
        return file.getbuffer().nbytes - file.tell()
    return None


def _serve_range(rv: Response, file: t.IO[bytes] | None) -> None:
    """Give a 206 of a seekable file a body that seeks rather than skips."""
    if file is None:
        # COMPAT: with X-Sendfile the server sends the range; no body here.
        rv.response = []
        return
    content_range = rv.content_range
    start, stop = t.cast(int, content_range.start), t.cast(int, content_range.stop)
    # PERF: the response layer slices the whole body; for a file, seek to the
    # range and read only its bytes.
    file.seek(start, os.SEEK_CUR)
    rv.response = _FileIterator(file, length=stop - start)


def send_file(
    path_or_file: os.PathLike[t.AnyStr] | str | t.IO[bytes],
    mimetype: str | None = None,
    as_attachment: bool = False,
    download_name: str | None = None,
    conditional: bool = True,
    etag: bool | str = True,
    last_modified: datetime | int | float | None = None,
    max_age: None | (int | cabc.Callable[[str | None], int | None]) = None,
) -> Response:
    """Send the contents of a file to the client.

    :param path_or_file: a path (relative paths are relative to the app's
        ``root_path``) or a binary file object. A path is opened here; a file
        object is closed when the response is. Never pass a path the user
        chose: use :func:`send_from_directory`.
    :param mimetype: the type of the file; guessed from ``download_name``.
    :param as_attachment: ask the browser to save the file rather than show it.
    :param download_name: the name the browser sees; the path's file name by
        default. Non-ASCII names are sent per RFC 6266 (``filename*``).
    :param conditional: answer ``Range``, ``If-Range``, ``If-None-Match`` and
        ``If-Modified-Since`` with 206, 304, 412 or 416.
    :param etag: compute an ETag for a path (``True``), don't (``False``), or use
        this string.
    :param last_modified: the ``Last-Modified`` time; a path's mtime by default.
    :param max_age: seconds the client may cache the file, or a function of
        the path giving them; ``None`` asks the app
        (:meth:`~erlen.Erlen.get_send_file_max_age`).
    :raises TypeError: no name is available to guess the mimetype or to name
        an attachment.
    :raises ValueError: the file object is a text file.
    :raises FileNotFoundError: the path does not exist.

    .. note::
        For a ``BytesIO`` that is not at position 0, ``Content-Length`` counts
        from the current position (Werkzeug counts the whole buffer but sends
        from the position).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    environ: WSGIEnvironment = request.environ
    path: str | None = None
    file: t.IO[bytes] | None = None
    mtime: float | None = None
    if isinstance(path_or_file, (os.PathLike, str)):
        path = os.path.join(app.root_path, os.fsdecode(path_or_file))
        stat = os.stat(path)
        size: int | None = stat.st_size
        mtime = stat.st_mtime
        if download_name is None:
            download_name = os.path.basename(path)
    else:
        file = path_or_file
        size = _file_size(file)
    headers, mimetype = _make_headers(download_name, mimetype, as_attachment)
    data: cabc.Iterable[bytes] | None = None
    if path is not None and app.config["USE_X_SENDFILE"]:
        headers["X-Sendfile"] = path
    else:
        if file is None:
            # closed with the response, by the file wrapper
            file = open(t.cast(str, path), "rb")
        data = wrap_file(environ, file, BUFFER_SIZE)
    rv: Response = app.response_class(
        data, mimetype=mimetype, headers=headers, direct_passthrough=True
    )
    if size is not None:
        rv.headers["Content-Length"] = str(size)
    if last_modified is None:
        last_modified = mtime
    if last_modified is not None:
        rv.last_modified = last_modified
    if max_age is None:
        max_age = app.get_send_file_max_age
    _cache_headers(rv.headers, max_age(path) if callable(max_age) else max_age)
    if isinstance(etag, str):
        rv.set_etag(etag)
    elif etag and path is not None:
        # COMPAT: Werkzeug's ETag: mtime, size and a checksum of the path.
        check = zlib.adler32(path.encode()) & 0xFFFFFFFF
        rv.set_etag(f"{mtime}-{size}-{check}")
    if conditional:
        _make_conditional(rv, environ, size, file)
    return rv


def _make_headers(
    download_name: str | None, mimetype: str | None, as_attachment: bool
) -> tuple[Headers, str]:
    """Return the disposition and encoding headers, and the mimetype."""
    headers = Headers()
    encoding = None
    if mimetype is None:
        if download_name is None:
            raise TypeError(
                "Unable to detect the MIME type because a file name is not"
                " available. Either set 'download_name', pass a path instead of a"
                " file, or set 'mimetype'."
            )
        mimetype, encoding = mimetypes.guess_type(download_name)
        if mimetype is None:
            mimetype = "application/octet-stream"
    if download_name is not None:
        headers["Content-Disposition"] = _content_disposition(
            download_name, as_attachment
        )
    elif as_attachment:
        raise TypeError(
            "No name provided for attachment. Either set 'download_name' or pass a"
            " path instead of a file."
        )
    # COMPAT: a compressed file shown inline is decoded by the browser.
    if encoding is not None and not as_attachment:
        headers["Content-Encoding"] = encoding
    return headers, mimetype


def _make_conditional(
    rv: Response, environ: WSGIEnvironment, size: int | None, file: t.IO[bytes] | None
) -> None:
    try:
        rv.make_conditional(environ, accept_ranges=True, complete_length=size)
    except RequestedRangeNotSatisfiable:
        if file is not None:
            file.close()
        raise
    if rv.status_code == 304:
        # The body (and so the file) is closed with the response.
        rv.headers.pop("X-Sendfile", None)
    elif rv.status_code == 206:
        _serve_range(rv, file)


def send_from_directory(
    directory: os.PathLike[str] | str,
    path: os.PathLike[str] | str,
    **kwargs: t.Any,
) -> Response:
    """Send the file at ``path`` inside ``directory``, refusing anything outside.

    Use this, never :func:`send_file`, for a path that comes from the user.

    :param directory: the directory (relative to the app's ``root_path``).
    :param path: the file's path inside ``directory``.
    :param kwargs: passed to :func:`send_file`.
    :raises NotFound: the path would leave ``directory`` (``..``, an absolute
        path, a drive, a backslash, NUL) or is not a file.

    .. note::
        Symbolic links inside ``directory`` are followed, as in Flask, even
        when they point outside it.
    """
    joined = safe_join(os.fspath(directory), os.fspath(path))
    # SECURITY: path traversal is a 404, never a file outside the directory.
    if joined is None:
        raise NotFound()
    full = os.path.join(current_app.root_path, joined)
    if not os.path.isfile(full):
        raise NotFound()
    return send_file(full, **kwargs)
