"""``RequestCacheControl`` and ``ResponseCacheControl``: typed ``Cache-Control``.

Both are dicts of directive -> value (``None`` for a directive without a
value) that call ``on_update`` after each change, with typed properties for the
directives RFC 9111 §5.2 defines for their direction.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from ..http.headers import dump_header
from .structures import CallbackDict

if t.TYPE_CHECKING:
    from typing_extensions import Self


class _Directive:
    """A typed property for one ``Cache-Control`` directive.

    ``kind`` is ``bool`` (present or not), ``int`` (a number; unparsable gives
    ``None``) or ``None`` (the raw string). ``empty`` is what a present
    directive without a value reads as.
    """

    def __init__(
        self, key: str, empty: t.Any, kind: type[t.Any] | None, doc: str
    ) -> None:
        self.key = key
        self.empty = empty
        self.is_flag = kind is bool
        self.kind: cabc.Callable[[str], t.Any] | None = kind
        self.__doc__ = doc

    @t.overload
    def __get__(self, instance: None, owner: type[t.Any]) -> Self: ...
    @t.overload
    def __get__(self, instance: _CacheControl, owner: type[t.Any]) -> t.Any: ...
    def __get__(self, instance: _CacheControl | None, owner: type[t.Any]) -> t.Any:
        if instance is None:
            return self
        if self.is_flag:
            return self.key in instance
        if self.key not in instance:
            return None
        value = dict.__getitem__(instance, self.key)
        if value is None:
            return self.empty
        if self.kind is not None:
            try:
                return self.kind(value)
            except ValueError:
                return None
        return value

    def __set__(self, instance: _CacheControl, value: t.Any) -> None:
        if self.is_flag:
            if value:
                instance[self.key] = None
            else:
                instance.pop(self.key, None)
        elif value is None or value is False:
            # COMPAT: Werkzeug removes a directive assigned False.
            instance.pop(self.key, None)
        elif value is True:
            instance[self.key] = None
        elif self.kind is not None:
            instance[self.key] = str(value)
        else:
            instance[self.key] = value

    def __delete__(self, instance: _CacheControl) -> None:
        if self.key in instance:
            del instance[self.key]


def _flag(key: str, doc: str) -> t.Any:
    return _Directive(key, None, bool, doc)


def _number(key: str, doc: str, empty: t.Any = None) -> t.Any:
    return _Directive(key, empty, int, doc)


def _text(key: str, doc: str) -> t.Any:
    return _Directive(key, True, None, doc)


class _CacheControl(CallbackDict[str, str | None]):
    """The directives shared by requests and responses.

    :param values: the parsed directives; ``None`` means no header was sent.
    :param on_update: called with the object after each change.
    """

    no_store: bool = _flag("no-store", "Whether ``no-store`` is present.")
    no_transform: bool = _flag("no-transform", "Whether ``no-transform`` is present.")
    max_age: int | None = _number("max-age", "The ``max-age`` in seconds.")
    stale_if_error: int | None = _number(
        "stale-if-error", "The ``stale-if-error`` window in seconds (RFC 5861)."
    )

    def __init__(
        self,
        values: cabc.Mapping[str, str | None]
        | cabc.Iterable[tuple[str, str | None]]
        | None = (),
        on_update: cabc.Callable[[Self], None] | None = None,
    ) -> None:
        super().__init__(values or (), on_update)
        self.provided = values is not None

    def to_header(self) -> str:
        """Serialise as a ``Cache-Control`` header value."""
        return dump_header(self)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        directives = " ".join(f"{key}={value!r}" for key, value in sorted(self.items()))
        return f"<{type(self).__name__} {directives}>"


class RequestCacheControl(_CacheControl):
    """The ``Cache-Control`` header of a request (read-mostly)."""

    no_cache: bool = _flag("no-cache", "Whether ``no-cache`` is present.")
    max_stale: int | t.Literal[True] | None = _number(
        "max-stale", "The ``max-stale`` in seconds, ``True`` without a value.", True
    )
    min_fresh: int | None = _number("min-fresh", "The ``min-fresh`` in seconds.")
    only_if_cached: bool = _flag(
        "only-if-cached", "Whether ``only-if-cached`` is present."
    )


class ResponseCacheControl(_CacheControl):
    """The ``Cache-Control`` header of a response; changes update the header."""

    no_cache: str | t.Literal[True] | None = _text(
        "no-cache", "``True`` for a bare ``no-cache``, or its field names."
    )
    public: bool = _flag("public", "Whether ``public`` is present.")
    private: str | t.Literal[True] | None = _text(
        "private", "``True`` for a bare ``private``, or its field names."
    )
    must_revalidate: bool = _flag(
        "must-revalidate", "Whether ``must-revalidate`` is present."
    )
    proxy_revalidate: bool = _flag(
        "proxy-revalidate", "Whether ``proxy-revalidate`` is present."
    )
    s_maxage: int | None = _number("s-maxage", "The ``s-maxage`` in seconds.")
    immutable: bool = _flag("immutable", "Whether ``immutable`` is present.")
    must_understand: bool = _flag(
        "must-understand", "Whether ``must-understand`` is present."
    )
    stale_while_revalidate: int | None = _number(
        "stale-while-revalidate", "The ``stale-while-revalidate`` window in seconds."
    )
