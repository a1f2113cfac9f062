"""Descriptors that turn headers and environ keys into typed attributes.

A request property reads one environ key, parses it once and caches the result
in the instance ``__dict__`` (a non-data descriptor, so the second access is a
plain attribute lookup). A response property reads and writes a header of
``self.headers`` on every access, because response headers change.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from enum import Enum

from ..datastructures import ContentSecurityPolicy
from ..datastructures import HeaderSet
from ..http.csp import parse_csp_header
from ..http.dates import http_date
from ..http.dates import parse_date
from ..http.headers import dump_header
from ..http.headers import parse_set_header

_T = t.TypeVar("_T")


class environ_property(t.Generic[_T]):
    """A request attribute parsed once from ``environ[key]``.

    :param key: the environ key, for example ``"HTTP_USER_AGENT"``.
    :param parse: turns the raw value (``str`` or ``None`` when absent) into the
        attribute's value. Without it the raw value is returned.
    :param doc: the attribute's documentation.
    """

    def __init__(
        self,
        key: str,
        parse: cabc.Callable[[str | None], _T] | None = None,
        doc: str | None = None,
    ) -> None:
        self.key = key
        self.parse = parse
        self.name = key
        self.__doc__ = doc

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> environ_property[_T]: ...

    @t.overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        raw = obj.environ.get(self.key)  # type: ignore[attr-defined]
        value = raw if self.parse is None else self.parse(raw)
        # PERF: cache in the instance dict; this descriptor has no __set__, so the
        # next access never reaches it.
        obj.__dict__[self.name] = value
        return value


class header_property(t.Generic[_T]):
    """A response attribute backed by the header ``name`` of ``self.headers``.

    :param name: the header name.
    :param load: turns the header text into the attribute value.
    :param dump: turns an assigned value into header text.
    :param read_only: refuse assignment.
    :param doc: the attribute's documentation.

    Assigning ``None`` removes the header.
    """

    def __init__(
        self,
        name: str,
        load: cabc.Callable[[str], _T] | None = None,
        dump: cabc.Callable[[t.Any], str] | None = None,
        read_only: bool = False,
        doc: str | None = None,
    ) -> None:
        self.header = name
        self.load = load
        self.dump = dump
        self.read_only = read_only
        self.__doc__ = doc or f"The ``{name}`` header."

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> header_property[_T]: ...

    @t.overload
    def __get__(self, obj: object, owner: type | None = None) -> _T | None: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        raw = obj.headers.get(self.header)  # type: ignore[attr-defined]
        if raw is None or self.load is None:
            return raw
        return self.load(raw)

    def __set__(self, obj: object, value: t.Any) -> None:
        if self.read_only:
            raise AttributeError(f"{self.header!r} is read-only")
        headers = obj.headers  # type: ignore[attr-defined]
        if value is None:
            headers.pop(self.header, None)
        elif self.dump is not None:
            headers[self.header] = self.dump(value)
        else:
            headers[self.header] = str(value)

    def __delete__(self, obj: object) -> None:
        if self.read_only:
            raise AttributeError(f"{self.header!r} is read-only")
        obj.headers.pop(self.header, None)  # type: ignore[attr-defined]


class header_set_property:
    """A response attribute giving a header as a :class:`HeaderSet`.

    Changes to the set are written back to the header; an empty set removes
    it. Assigning a string sets the header as it is, an iterable joins it and
    a false value removes it.

    :param name: the header name, for example ``"Vary"``.
    """

    def __init__(self, name: str) -> None:
        self.header = name
        self.__doc__ = f"The ``{name}`` header as a set; changes are written back."

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> header_set_property: ...

    @t.overload
    def __get__(self, obj: object, owner: type | None = None) -> HeaderSet: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        headers = obj.headers  # type: ignore[attr-defined]
        name = self.header

        def on_update(header_set: HeaderSet) -> None:
            if header_set:
                headers[name] = header_set.to_header()
            else:
                headers.pop(name, None)

        return parse_set_header(headers.get(name), on_update, HeaderSet)

    def __set__(self, obj: t.Any, value: cabc.Iterable[str] | str | None) -> None:
        if not value:
            obj.headers.pop(self.header, None)
        elif isinstance(value, str):
            obj.headers[self.header] = value
        else:
            obj.headers[self.header] = dump_header(value)


class csp_property:
    """A response attribute giving a header as a :class:`ContentSecurityPolicy`.

    The object is available even when the header is not set; changes to it are
    written back, and emptying it removes the header. Assigning a string sets
    the header as it is, a policy writes its :meth:`to_header`, and a false
    value removes it.

    :param name: ``"Content-Security-Policy"`` or its ``-Report-Only`` variant.
    """

    def __init__(self, name: str) -> None:
        self.header = name
        self.__doc__ = (
            f"The ``{name}`` header as a ContentSecurityPolicy; changes are"
            " written back."
        )

    @t.overload
    def __get__(self, obj: None, owner: type | None = None) -> csp_property: ...

    @t.overload
    def __get__(
        self, obj: object, owner: type | None = None
    ) -> ContentSecurityPolicy: ...

    def __get__(self, obj: object | None, owner: type | None = None) -> t.Any:
        if obj is None:
            return self
        headers = obj.headers  # type: ignore[attr-defined]
        name = self.header

        def on_update(csp: ContentSecurityPolicy) -> None:
            if csp:
                headers[name] = csp.to_header()
            else:
                headers.pop(name, None)

        return parse_csp_header(headers.get(name), on_update, ContentSecurityPolicy)

    def __set__(self, obj: t.Any, value: ContentSecurityPolicy | str | None) -> None:
        if not value:
            obj.headers.pop(self.header, None)
        elif isinstance(value, str):
            obj.headers[self.header] = value
        else:
            obj.headers[self.header] = value.to_header()

    def __delete__(self, obj: t.Any) -> None:
        obj.headers.pop(self.header, None)


def load_int(value: str) -> int | None:
    """``int(value)``, or ``None`` when it is not a number (Werkzeug's loader)."""
    try:
        return int(value)
    except ValueError:
        return None


def load_header_set(value: str | None) -> HeaderSet:
    """Parse a comma-separated header into a detached :class:`HeaderSet`
    (empty for ``None``)."""
    return parse_set_header(value, None, HeaderSet)


def policy_property(name: str, policy: type[Enum], doc: str) -> property:
    """A response attribute giving a policy header (COOP, COEP) as its enum.

    An absent or unknown value reads as ``UNSAFE_NONE``, as in Werkzeug;
    assigning an enum member or its text sets the header, ``None`` removes it.
    """

    def fget(self: t.Any) -> Enum:
        raw = self.headers.get(name)
        try:
            return policy(raw)
        except ValueError:
            return policy["UNSAFE_NONE"]

    def fset(self: t.Any, value: Enum | str | None) -> None:
        if value is None:
            self.headers.pop(name, None)
        else:
            self.headers[name] = value.value if isinstance(value, Enum) else value

    return property(fget, fset, doc=doc)


def retry_after_property() -> property:
    """``Retry-After`` as an aware ``datetime`` (seconds count from now)."""

    def fget(self: t.Any) -> datetime | None:
        raw = self.headers.get("Retry-After")
        if raw is None:
            return None
        if raw.isdigit():
            return datetime.now(timezone.utc) + timedelta(seconds=int(raw))
        return parse_date(raw)

    def fset(self: t.Any, value: datetime | timedelta | int | str | None) -> None:
        if value is None:
            self.headers.pop("Retry-After", None)
        elif isinstance(value, datetime):
            self.headers["Retry-After"] = http_date(value)
        elif isinstance(value, timedelta):
            self.headers["Retry-After"] = str(int(value.total_seconds()))
        else:
            self.headers["Retry-After"] = str(value)

    return property(
        fget, fset, doc="``Retry-After`` as a ``datetime`` (a delay counts from now)."
    )


def parse_int(value: str | None) -> int | None:
    """Parse a non-negative decimal integer header, ``None`` when invalid."""
    if value is None:
        return None
    value = value.strip()
    # SECURITY: only ASCII digits, so "1_000", "+5" or full-width digits are refused,
    # and a bound on length keeps int() linear and small.
    if not value or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    return int(value)
