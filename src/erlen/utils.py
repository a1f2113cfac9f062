"""Small utilities shared across erlen (Werkzeug's ``werkzeug.utils``)."""

from __future__ import annotations

import typing as t

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
