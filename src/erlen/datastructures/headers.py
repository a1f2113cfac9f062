"""``Headers`` and ``EnvironHeaders``: ordered, case-insensitive header lists.

:class:`Headers` stores ``self._list: list[tuple[str, str]]``. Every value in it
is a ``str`` already checked for CR, LF and NUL, so a response can hand the list
to ``start_response`` as it is.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from ..http.headers import dump_options_header
from .mixins import ImmutableHeadersMixin
from .multidict import MultiDict
from .multidict import iter_multi_items
from .multidict import key_error
from .structures import T

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment
    from typing_extensions import Self

HeaderSource: t.TypeAlias = t.Union[
    "Headers",
    MultiDict[str, t.Any],
    cabc.Mapping[str, t.Any],
    cabc.Iterable[tuple[str, t.Any]],
]

_missing: t.Any = object()


def _str_value(value: object) -> str:
    """Coerce a header value to ``str`` and refuse line breaks and NUL."""
    text = value if type(value) is str else str(value)
    # SECURITY: a CR or LF would let the value start a new header (response
    # splitting); NUL is refused by most servers and proxies.
    if "\n" in text or "\r" in text or "\0" in text:
        raise ValueError("Header values must not contain newline characters.")
    return text


def _str_key(key: str) -> str:
    # SECURITY: the same injection through the name.
    if "\n" in key or "\r" in key or "\0" in key:
        raise ValueError("Header names must not contain newline characters.")
    return key


def _with_params(value: t.Any, params: dict[str, t.Any]) -> str:
    # COMPAT: keyword parameters use "_" for "-" (``filename_star``).
    options = {key.replace("_", "-"): item for key, item in params.items()}
    return dump_options_header(str(value), options)


_builtin_type = type


class Headers:
    """An ordered list of ``(name, value)`` pairs looked up without case.

    >>> h = Headers([("Content-Type", "text/plain")])
    >>> h["content-type"]
    'text/plain'

    Values are stored as ``str``; others are converted with ``str()``. A value
    with CR, LF or NUL raises :class:`ValueError`.

    :param defaults: pairs, a mapping or another ``Headers`` to start from.
    """

    __slots__ = ("_list",)

    def __init__(self, defaults: HeaderSource | None = None) -> None:
        self._list: list[tuple[str, str]] = []
        if defaults is not None:
            self.extend(defaults)

    @t.overload
    def __getitem__(self, key: str) -> str: ...
    @t.overload
    def __getitem__(self, key: int) -> tuple[str, str]: ...
    @t.overload
    def __getitem__(self, key: slice) -> Self: ...
    def __getitem__(self, key: str | int | slice) -> str | tuple[str, str] | Self:
        if type(key) is str:
            # PERF: every response looks headers up; a plain loop, no regex.
            lowered = key.lower()
            for name, value in self._list:
                if name.lower() == lowered:
                    return value
            raise key_error(key)
        if isinstance(key, slice):
            return self.__class__(self._list[key])
        if isinstance(key, int):
            return self._list[key]
        if isinstance(key, str):
            return self[str(key)]
        raise key_error(key)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Headers):
            return NotImplemented
        # COMPAT: Werkzeug compares the pairs as sets with lower-cased names.
        return {(k.lower(), v) for k, v in other} == {(k.lower(), v) for k, v in self}

    @t.overload
    def get(self, key: str) -> str | None: ...
    @t.overload
    def get(self, key: str, default: str) -> str: ...
    @t.overload
    def get(self, key: str, default: T) -> str | T: ...
    @t.overload
    def get(self, key: str, *, type: cabc.Callable[[str], T]) -> T | None: ...
    @t.overload
    def get(self, key: str, default: T, type: cabc.Callable[[str], T]) -> T: ...
    def get(
        self,
        key: str,
        default: str | T | None = None,
        type: cabc.Callable[[str], T] | None = None,
    ) -> str | T | None:
        """Return the first value for ``key``, or ``default`` when missing.

        :param key: the header name, any case.
        :param default: returned when missing or when conversion fails.
        :param type: convert the value; :class:`ValueError` or
            :class:`TypeError` give ``default``.
        """
        if _builtin_type(key) is str:
            # PERF: a miss costs a loop, not a raised and caught KeyError.
            lowered = key.lower()
            for name, value in self._list:
                if name.lower() == lowered:
                    rv = value
                    break
            else:
                return default
        else:
            try:
                rv = self[key]
            except KeyError:
                return default
        if type is None:
            return rv
        try:
            return type(rv)
        except (ValueError, TypeError):
            return default

    @t.overload
    def getlist(self, key: str) -> list[str]: ...
    @t.overload
    def getlist(self, key: str, type: cabc.Callable[[str], T]) -> list[T]: ...
    def getlist(
        self, key: str, type: cabc.Callable[[str], T] | None = None
    ) -> list[str] | list[T]:
        """Return every value for ``key``, in order (empty when missing).

        :param key: the header name, any case.
        :param type: convert each value; values it rejects are left out.
        """
        lowered = key.lower()
        values = [value for name, value in self if name.lower() == lowered]
        if type is None:
            return values
        result = []
        for value in values:
            try:
                result.append(type(value))
            except (ValueError, TypeError):
                pass
        return result

    def get_all(self, name: str) -> list[str]:
        """Return every value for ``name``; an alias of :meth:`getlist`."""
        return self.getlist(name)

    def items(self, lower: bool = False) -> cabc.Iterator[tuple[str, str]]:
        """Yield ``(name, value)`` pairs, names lower-cased when ``lower``."""
        for name, value in self:
            yield (name.lower() if lower else name), value

    def keys(self, lower: bool = False) -> cabc.Iterator[str]:
        """Yield the names (repeated names repeat), lower-cased when ``lower``."""
        for name, _value in self.items(lower):
            yield name

    def values(self) -> cabc.Iterator[str]:
        """Yield the values."""
        for _name, value in self:
            yield value

    def extend(self, arg: HeaderSource | None = None, /, **kwargs: t.Any) -> None:
        """Add the pairs of ``arg`` and ``kwargs`` without replacing anything.

        Mapping values that are lists, tuples or sets add one header per item.
        """
        if arg is not None:
            for key, value in iter_multi_items(arg):
                self.add(key, value)
        for key, value in iter_multi_items(kwargs):
            self.add(key, value)

    def __delitem__(self, key: str | int | slice) -> None:
        if isinstance(key, str):
            self.remove(key)
        else:
            del self._list[key]

    def remove(self, key: str) -> None:
        """Remove every header named ``key`` (no error when there is none)."""
        lowered = key.lower()
        self._list[:] = [pair for pair in self._list if pair[0].lower() != lowered]

    @t.overload
    def pop(self) -> tuple[str, str]: ...
    @t.overload
    def pop(self, key: str | int) -> str | tuple[str, str]: ...
    @t.overload
    def pop(self, key: str, default: T) -> str | T: ...
    def pop(
        self, key: str | int | None = None, default: t.Any = _missing
    ) -> str | tuple[str, str] | t.Any:
        """Remove a header and return it.

        With no key, remove and return the last pair; with an int, the pair at
        that index; with a name, remove every header of that name and return
        the first value.

        :raises BadRequestKeyError: when the name is missing and no default.
        """
        if key is None:
            return self._list.pop()
        if isinstance(key, int):
            return self._list.pop(key)
        try:
            rv = self[key]
        except KeyError:
            if default is not _missing:
                return default
            raise
        self.remove(key)
        return rv

    def popitem(self) -> tuple[str, str]:
        """Remove and return the last pair."""
        return self.pop()

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        lowered = key.lower()
        for name, _value in self._list:
            if name.lower() == lowered:
                return True
        return False

    def __iter__(self) -> cabc.Iterator[tuple[str, str]]:
        return iter(self._list)

    def __len__(self) -> int:
        return len(self._list)

    def add(self, key: str, value: t.Any, /, **params: t.Any) -> None:
        """Append a header; ``params`` become ``; name=value`` options.

        >>> h = Headers()
        >>> h.add("Content-Disposition", "attachment", filename="a.txt")
        >>> h["Content-Disposition"]
        'attachment; filename=a.txt'
        """
        if params:
            value = _with_params(value, params)
        self._list.append((_str_key(key), _str_value(value)))

    def add_header(self, key: str, value: t.Any, /, **params: t.Any) -> None:
        """Append a header; the same as :meth:`add`."""
        self.add(key, value, **params)

    def clear(self) -> None:
        """Remove every header."""
        self._list.clear()

    def set(self, key: str, value: t.Any, /, **params: t.Any) -> None:
        """Set ``key`` to ``value``: replace the first such header, drop the rest.

        The header keeps its position; a new one is appended.
        """
        if params:
            value = _with_params(value, params)
        pair = (_str_key(key), _str_value(value))
        lowered = key.lower()
        header_list = self._list
        for index, (name, _value) in enumerate(header_list):
            if name.lower() == lowered:
                header_list[index] = pair
                header_list[index + 1 :] = [
                    item
                    for item in header_list[index + 1 :]
                    if item[0].lower() != lowered
                ]
                return
        header_list.append(pair)

    def setlist(self, key: str, values: cabc.Iterable[t.Any]) -> None:
        """Replace every ``key`` header with one header per item of ``values``."""
        values_iter = iter(values)
        for first in values_iter:
            self.set(key, first)
            for value in values_iter:
                self.add(key, value)
            return
        self.remove(key)

    def setdefault(self, key: str, default: t.Any) -> str:
        """Return the value of ``key``, adding ``default`` first when missing."""
        if key in self:
            return self[key]
        self.set(key, default)
        return self[key]

    def setlistdefault(self, key: str, default: cabc.Iterable[t.Any]) -> list[str]:
        """Return the values of ``key``, setting them to ``default`` when missing."""
        if key not in self:
            self.setlist(key, default)
        return self.getlist(key)

    @t.overload
    def __setitem__(self, key: str, value: t.Any) -> None: ...
    @t.overload
    def __setitem__(self, key: int, value: tuple[str, t.Any]) -> None: ...
    @t.overload
    def __setitem__(
        self, key: slice, value: cabc.Iterable[tuple[str, t.Any]]
    ) -> None: ...
    def __setitem__(self, key: str | int | slice, value: t.Any) -> None:
        if isinstance(key, str):
            self.set(key, value)
        elif isinstance(key, slice):
            self._list[key] = [(_str_key(k), _str_value(v)) for k, v in value]
        elif isinstance(key, int):
            self._list[key] = (_str_key(value[0]), _str_value(value[1]))
        else:
            raise TypeError(f"header keys are str, int or slice, not {key!r}")

    def update(self, arg: HeaderSource | None = None, /, **kwargs: t.Any) -> None:
        """Replace headers by name from ``arg`` and ``kwargs``.

        A name that appears in the source replaces all existing headers of that
        name; list or tuple values (and a ``MultiDict``'s lists) set several.
        """
        if isinstance(arg, (Headers, MultiDict)):
            for key in arg.keys():
                self.setlist(key, arg.getlist(key))
        elif isinstance(arg, cabc.Mapping):
            self._update_from_mapping(arg)
        elif arg is not None:
            for key, value in arg:
                self.set(key, value)
        self._update_from_mapping(kwargs)

    def _update_from_mapping(self, mapping: cabc.Mapping[str, t.Any]) -> None:
        for key, value in mapping.items():
            if isinstance(value, (list, tuple)):
                self.setlist(key, value)
            else:
                self.set(key, value)

    def __or__(self, other: cabc.Mapping[str, t.Any]) -> Self:
        if not isinstance(other, cabc.Mapping):
            return NotImplemented
        rv = self.copy()
        rv.update(other)
        return rv

    def __ior__(self, other: HeaderSource) -> Self:
        if not isinstance(other, (cabc.Mapping, cabc.Iterable)):
            return NotImplemented
        self.update(other)
        return self

    def to_wsgi_list(self) -> list[tuple[str, str]]:
        """Return the pairs as a new list for ``start_response``."""
        return list(self)

    def copy(self) -> Self:
        """Return a copy with its own list."""
        return self.__class__(self._list)

    def __copy__(self) -> Self:
        return self.copy()

    def __str__(self) -> str:
        """Return the header block: ``Name: value`` lines, each ending in CRLF."""
        lines = [f"{name}: {value}\r\n" for name, value in self.to_wsgi_list()]
        lines.append("\r\n")
        return "".join(lines)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self)!r})"


_SPECIAL_KEYS = frozenset(("CONTENT_TYPE", "CONTENT_LENGTH"))


class EnvironHeaders(ImmutableHeadersMixin, Headers):
    """A read-only :class:`Headers` view over a WSGI environ.

    Names come from the ``HTTP_*`` keys plus ``CONTENT_TYPE`` and
    ``CONTENT_LENGTH`` (when not empty), title-cased: ``X-Forwarded-For``.
    Every mutation raises :class:`TypeError`.

    :param environ: the WSGI environ.
    """

    __slots__ = ("environ",)

    def __init__(self, environ: WSGIEnvironment) -> None:
        self.environ = environ

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EnvironHeaders):
            return NotImplemented
        return self.environ is other.environ

    @property
    def _list(self) -> list[tuple[str, str]]:  # type: ignore[override]
        return list(self)

    def __getitem__(self, key: str) -> str:  # type: ignore[override]
        if type(key) is not str:
            raise key_error(key)
        name = key.upper().replace("-", "_")
        if name in _SPECIAL_KEYS:
            value: str = self.environ[name]
        else:
            value = self.environ[f"HTTP_{name}"]
        return value

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return sum(1 for _pair in self)

    def __iter__(self) -> cabc.Iterator[tuple[str, str]]:
        for key, value in self.environ.items():
            if key.startswith("HTTP_"):
                if key not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                    yield key[5:].replace("_", "-").title(), value
            elif key in _SPECIAL_KEYS and value:
                yield key.replace("_", "-").title(), value

    def copy(self) -> t.NoReturn:
        """Refuse: copy the pairs with ``Headers(environ_headers)`` instead."""
        raise TypeError(f"cannot create {type(self).__name__!r} copies")

    def __or__(self, other: t.Any) -> t.NoReturn:
        raise TypeError(f"cannot create {type(self).__name__!r} copies")
