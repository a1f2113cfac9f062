"""Small utilities shared across erlen (Werkzeug's ``werkzeug.utils``)."""

from __future__ import annotations

import collections.abc as cabc
import importlib
import os
import pkgutil
import re
import typing as t
import unicodedata

from .exceptions import _escape
from .security import _WINDOWS_DEVICE_NAMES
from .security import safe_join as safe_join

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from .wrappers.response import Response
    from .wrappers.response import Response as _Response

_T = t.TypeVar("_T")
_MISSING: t.Any = object()


class cached_property(t.Generic[_T]):
    """A property computed once per instance and then stored in its ``__dict__``.

    Unlike :func:`functools.cached_property` before Python 3.12 it takes no lock,
    and assigning or deleting the attribute works as on a plain attribute.

    # PERF: after the first access the instance ``__dict__`` answers directly,
    # because this is a non-data descriptor (no ``__set__``).
    """

    def __init__(
        self,
        fget: t.Callable[[t.Any], _T],
        name: str | None = None,
        doc: str | None = None,
    ) -> None:
        self.fget = fget
        self.__name__ = name or fget.__name__
        self.__doc__ = doc or fget.__doc__
        self.__module__ = fget.__module__

    def __set_name__(self, owner: type, name: str) -> None:
        self.__name__ = name

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> cached_property[_T]: ...

    @t.overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        value = self.fget(obj)
        obj.__dict__[self.__name__] = value
        return value


# COMPAT: Werkzeug adds a charset to these non-text/* types.
_CHARSET_MIMETYPES = frozenset(
    {
        "application/ecmascript",
        "application/javascript",
        "application/sql",
        "application/xml",
        "application/xml-dtd",
        "application/xml-external-parsed-entity",
    }
)


def get_content_type(mimetype: str, charset: str) -> str:
    """Return a ``Content-Type`` value, adding ``; charset=`` where it belongs.

    Text types, ``+xml`` types and a few script/XML application types get the
    charset; every other mimetype is returned unchanged.

    >>> get_content_type("text/html", "utf-8")
    'text/html; charset=utf-8'
    >>> get_content_type("image/png", "utf-8")
    'image/png'
    """
    if (
        mimetype.startswith("text/")
        or mimetype in _CHARSET_MIMETYPES
        or mimetype.endswith("+xml")
    ):
        return f"{mimetype}; charset={charset}"
    return mimetype


_FILENAME_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_.-]")


def secure_filename(filename: str) -> str:
    """Return a version of ``filename`` that is safe to store on any system.

    The name is folded to ASCII (accents dropped, other characters removed),
    whitespace and path separators become ``_``, anything but letters, digits,
    ``_``, ``.`` and ``-`` is removed, and leading or trailing ``.`` and ``_``
    are stripped. On Windows, device names such as ``CON`` get a ``_`` prefix.
    The result may be empty; choose a fallback name then.

    >>> secure_filename("My cool movie.mov")
    'My_cool_movie.mov'
    >>> secure_filename("../../../etc/passwd")
    'etc_passwd'
    """
    filename = unicodedata.normalize("NFKD", filename)
    filename = filename.encode("ascii", "ignore").decode("ascii")
    for sep in (os.sep, os.path.altsep):
        if sep:
            filename = filename.replace(sep, " ")
    # SECURITY: only a fixed ASCII alphabet survives, so no separator, NUL or
    # control character reaches the filesystem.
    filename = _FILENAME_UNSAFE_RE.sub("", "_".join(filename.split()))
    filename = filename.strip("._")
    if (
        os.name == "nt"
        and filename
        and filename.split(".")[0].upper() in _WINDOWS_DEVICE_NAMES
    ):
        filename = f"_{filename}"  # pragma: no cover - Windows only
    return filename


def redirect(
    location: str, code: int = 302, Response: type[Response] | None = None
) -> Response:
    """Return a response that redirects the client to ``location``.

    :param location: the URL for the ``Location`` header.
    :param code: the redirect status: 301, 302, 303, 305, 307 or 308.
    :param Response: the response class to build; defaults to erlen's.
    """
    response_class: type[_Response]
    if Response is None:
        from .wrappers import response as _response_module

        response_class = _response_module.Response
    else:
        response_class = Response

    # SECURITY: the location may come from the request; escape it in the body.
    html_location = _escape(location)
    body = (
        "<!doctype html>\n"
        "<html lang=en>\n"
        "<title>Redirecting...</title>\n"
        "<h1>Redirecting...</h1>\n"
        "<p>You should be redirected automatically to the target URL: "
        f'<a href="{html_location}">{html_location}</a>. If not, click the link.\n'
    )
    response = response_class(body, code, mimetype="text/html")
    response.headers["Location"] = location
    return response


def append_slash_redirect(environ: WSGIEnvironment, code: int = 308) -> Response:
    """Redirect to the requested path with a trailing slash added.

    The ``Location`` is relative to the last path segment, so the redirect
    works behind a proxy that mounts the app under a prefix. The query string
    is kept.

    :param environ: the WSGI environ of the request.
    :param code: the redirect status; 308 keeps the method and body.
    """
    tail = environ["PATH_INFO"].rpartition("/")[2]
    new_path = f"{tail}/" if tail else "./"
    query_string = environ.get("QUERY_STRING")
    if query_string:
        new_path = f"{new_path}?{query_string}"
    return redirect(new_path, code)


class ImportStringError(ImportError):
    """:func:`import_string` could not import the name it was given.

    :param import_name: the dotted name that failed.
    :param exception: the error the import raised.
    """

    #: The dotted name that failed.
    import_name: str
    #: The error the import raised.
    exception: BaseException

    def __init__(self, import_name: str, exception: BaseException) -> None:
        self.import_name = import_name
        self.exception = exception
        super().__init__(
            f"import_string() failed for {import_name!r}: the module or one of"
            " its attributes does not exist, or importing it failed.\n\n"
            f"Original exception:\n\n{type(exception).__name__}: {exception}"
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}({self.import_name!r}, {self.exception!r})>"


def import_string(import_name: str, silent: bool = False) -> t.Any:
    """Import an object from a dotted name such as ``"package.module.name"``.

    ``"package.module:name"`` works too. A name that is a module returns the
    module.

    :param silent: return ``None`` instead of raising.
    :raises ImportStringError: the import failed and ``silent`` is false.
    """
    import_name = import_name.replace(":", ".")
    try:
        try:
            return importlib.import_module(import_name)
        except ImportError:
            if "." not in import_name:
                raise
        module_name, _, attribute = import_name.rpartition(".")
        module = importlib.import_module(module_name)
        try:
            return getattr(module, attribute)
        except AttributeError as exc:
            raise ImportError(exc) from None
    except ImportError as exc:
        if not silent:
            raise ImportStringError(import_name, exc).with_traceback(
                exc.__traceback__
            ) from None
    return None


def find_modules(
    import_path: str, include_packages: bool = False, recursive: bool = False
) -> cabc.Iterator[str]:
    """Yield the dotted names of the modules in a package.

    :param import_path: the package to look into.
    :param include_packages: also yield subpackages.
    :param recursive: descend into subpackages.
    :raises ValueError: ``import_path`` is a module, not a package.
    """
    module = import_string(import_path)
    path = getattr(module, "__path__", None)
    if path is None:
        raise ValueError(f"{import_path!r} is not a package")
    basename = f"{module.__name__}."
    for _finder, modname, ispkg in pkgutil.iter_modules(path, basename):
        if ispkg:
            if include_packages:
                yield modname
            if recursive:
                yield from find_modules(modname, include_packages, True)
        else:
            yield modname
