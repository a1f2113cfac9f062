"""Serve static files from directories, single files or packages."""

from __future__ import annotations

import collections.abc as cabc
import fnmatch
import importlib.util
import mimetypes
import os
import time
import typing as t
import zlib
from datetime import datetime
from datetime import timezone

from ..http.dates import http_date
from ..http.etags import is_resource_modified
from ..security import safe_join
from ..utils import get_content_type

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

    #: Opens the file and returns ``(file object, modification time, size)``.
    _Opener = cabc.Callable[[], tuple[t.BinaryIO, datetime, int]]
    #: Maps the path below a mount (``None`` for the mount itself) to
    #: ``(file name, opener)``, or ``(None, None)`` when there is no such file.
    _Loader = cabc.Callable[[str | None], tuple[str | None, _Opener | None]]

_CHUNK_SIZE = 8192


def _iter_file(file: t.BinaryIO) -> cabc.Iterator[bytes]:
    """Yield the file in chunks and close it, even if iteration stops early."""
    with file:
        while chunk := file.read(_CHUNK_SIZE):
            yield chunk


class SharedDataMiddleware:
    """Answer requests under some URL prefixes with files from disk.

    Requests that match no export, or name a missing or disallowed file, go to
    the wrapped application::

        app = SharedDataMiddleware(app, {
            "/static": "/srv/static",           # a directory
            "/robots.txt": "/srv/robots.txt",   # a single file
            "/assets": ("mypackage", "assets"), # a directory inside a package
        })

    :param app: the application to wrap.
    :param exports: URL prefix → directory, file, or ``(package, path)``;
        a mapping or an iterable of pairs, tried in order.
    :param disallow: an :mod:`fnmatch` pattern of file names never served.
    :param cache: send ``ETag``, ``Cache-Control`` and ``Expires`` and answer
        conditional requests with 304.
    :param cache_timeout: seconds a client may cache a file.
    :param fallback_mimetype: the type of files :mod:`mimetypes` cannot guess.
    :raises TypeError: an export is neither a string nor a pair.

    .. note::
        Package exports are resolved to a directory on disk when the
        middleware is built; packages inside zip files are not supported.
        ETags start with ``erlen-`` instead of Werkzeug's ``wzsdm-``.
    """

    def __init__(
        self,
        app: WSGIApplication,
        exports: cabc.Mapping[str, str | tuple[str, str]]
        | cabc.Iterable[tuple[str, str | tuple[str, str]]],
        disallow: str | None = None,
        cache: bool = True,
        cache_timeout: int = 60 * 60 * 12,
        fallback_mimetype: str = "application/octet-stream",
    ) -> None:
        self.app = app
        self.exports: list[tuple[str, _Loader]] = []
        self.cache = cache
        self.cache_timeout = cache_timeout
        self.disallow = disallow
        self.fallback_mimetype = fallback_mimetype
        if isinstance(exports, cabc.Mapping):
            exports = exports.items()
        for key, value in exports:
            if isinstance(value, tuple):
                loader = self.get_package_loader(*value)
            elif isinstance(value, str):
                if os.path.isfile(value):
                    loader = self.get_file_loader(value)
                else:
                    loader = self.get_directory_loader(value)
            else:
                raise TypeError(f"unknown export {value!r} for {key!r}")
            self.exports.append((key, loader))

    def is_allowed(self, filename: str) -> bool:
        """Tell whether ``filename`` may be served (see ``disallow``)."""
        return self.disallow is None or not fnmatch.fnmatch(filename, self.disallow)

    def _opener(self, filename: str) -> _Opener:
        def open_file() -> tuple[t.BinaryIO, datetime, int]:
            stat = os.stat(filename)
            mtime = datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc)
            return open(filename, "rb"), mtime, stat.st_size

        return open_file

    def get_file_loader(self, filename: str) -> _Loader:
        """Return a loader that serves one file at the mount path itself."""

        def loader(path: str | None) -> tuple[str | None, _Opener | None]:
            return os.path.basename(filename), self._opener(filename)

        return loader

    def get_package_loader(self, package: str, package_path: str) -> _Loader:
        """Return a loader for a directory inside an importable package.

        :raises ValueError: the package cannot be found on disk.
        """
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise ValueError(f"package {package!r} has no files on disk")
        root = os.path.dirname(spec.origin)
        return self.get_directory_loader(os.path.join(root, package_path))

    def get_directory_loader(self, directory: str) -> _Loader:
        """Return a loader for the files below ``directory``."""

        def loader(path: str | None) -> tuple[str | None, _Opener | None]:
            if path is None:
                filename: str | None = directory
            else:
                # SECURITY: path traversal out of the exported directory.
                filename = safe_join(directory, path)
            if filename is not None and os.path.isfile(filename):
                return os.path.basename(filename), self._opener(filename)
            return None, None

        return loader

    def generate_etag(self, mtime: datetime, file_size: int, real_filename: str) -> str:
        """Return the entity tag for a file (without quotes)."""
        checksum = zlib.adler32(os.fsencode(real_filename)) & 0xFFFFFFFF
        return f"erlen-{mtime.timestamp()}-{file_size}-{checksum}"

    def _find(self, path: str) -> tuple[str | None, _Opener | None]:
        for search_path, loader in self.exports:
            if search_path == path:
                found = loader(None)
                if found[1] is not None:
                    return found
            prefix = search_path if search_path.endswith("/") else f"{search_path}/"
            if path.startswith(prefix):
                found = loader(path[len(prefix) :])
                if found[1] is not None:
                    return found
        return None, None

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> cabc.Iterable[bytes]:
        """Serve the file for this request, or call the wrapped application."""
        # COMPAT: WSGI carries the path as latin-1; decode its bytes as UTF-8.
        raw_path = environ.get("PATH_INFO", "").encode("latin-1", "replace")
        real_filename, opener = self._find(raw_path.decode("utf-8", "replace"))
        if opener is None or real_filename is None:
            return self.app(environ, start_response)
        if not self.is_allowed(real_filename):
            return self.app(environ, start_response)

        guessed = mimetypes.guess_type(real_filename)[0]
        mime_type = get_content_type(guessed or self.fallback_mimetype, "utf-8")
        file, mtime, file_size = opener()
        headers = [("Date", http_date())]
        if self.cache:
            etag = self.generate_etag(mtime, file_size, real_filename)
            headers += [
                ("Etag", f'"{etag}"'),
                ("Cache-Control", f"max-age={self.cache_timeout}, public"),
            ]
            if not is_resource_modified(
                if_none_match=environ.get("HTTP_IF_NONE_MATCH"),
                if_modified_since=environ.get("HTTP_IF_MODIFIED_SINCE"),
                etag=etag,
                last_modified=mtime,
            ):
                file.close()
                start_response("304 Not Modified", headers)
                return []
            headers.append(("Expires", http_date(time.time() + self.cache_timeout)))
        else:
            headers.append(("Cache-Control", "public"))
        headers += [
            ("Content-Type", mime_type),
            ("Content-Length", str(file_size)),
            ("Last-Modified", http_date(mtime)),
        ]
        start_response("200 OK", headers)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if file_wrapper is not None:
            return file_wrapper(file, _CHUNK_SIZE)  # type: ignore[no-any-return]
        return _iter_file(file)
