"""Small immutable and callback containers shared by the other data structures.

``ImmutableList``, ``ImmutableDict``, ``TypeConversionDict``,
``ImmutableTypeConversionDict`` and ``CallbackDict`` behave as Werkzeug's
classes of the same names.
"""

from __future__ import annotations

import collections.abc as cabc
import typing as t

from .mixins import ImmutableDictMixin
from .mixins import ImmutableListMixin
from .mixins import UpdateDictMixin
from .mixins import is_immutable as is_immutable
from .mixins import refuse as refuse

if t.TYPE_CHECKING:
    from typing_extensions import Self

K = t.TypeVar("K")
V = t.TypeVar("V")
T = t.TypeVar("T")


class ImmutableList(ImmutableListMixin, list[V]):  # type: ignore[misc]
    """A list that refuses changes once built; it is hashable."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list.__repr__(self)})"


class TypeConversionDict(dict[K, V]):
    """A ``dict`` whose :meth:`get` can convert the value with ``type``."""

    @t.overload  # type: ignore[override]  # adds ``type`` to dict.get
    def get(self, key: K) -> V | None: ...
    @t.overload
    def get(self, key: K, default: V) -> V: ...
    @t.overload
    def get(self, key: K, default: T) -> V | T: ...
    @t.overload
    def get(self, key: K, *, type: cabc.Callable[[V], T]) -> T | None: ...
    @t.overload
    def get(self, key: K, default: T, type: cabc.Callable[[V], T]) -> T: ...
    def get(
        self,
        key: K,
        default: V | T | None = None,
        type: cabc.Callable[[V], T] | None = None,
    ) -> V | T | None:
        """Return the value for ``key``, or ``default`` when it is missing.

        With ``type``, return ``type(value)``, or ``default`` when the
        conversion raises :class:`ValueError` or :class:`TypeError`.

        :param key: the key to look up.
        :param default: returned when the key is missing or conversion fails.
        :param type: a callable converting the value.
        """
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


class ImmutableDict(ImmutableDictMixin, dict[K, V]):  # type: ignore[misc]
    """A ``dict`` that refuses changes once built; it is hashable."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return type(self), (dict(self),)

    def copy(self) -> dict[K, V]:
        """Return a mutable shallow copy as a plain ``dict``."""
        return dict(self)

    def __copy__(self) -> ImmutableDict[K, V]:
        return self


class ImmutableTypeConversionDict(ImmutableDictMixin, TypeConversionDict[K, V]):  # type: ignore[misc]
    """A :class:`TypeConversionDict` that refuses changes once built."""

    def copy(self) -> TypeConversionDict[K, V]:
        """Return a mutable :class:`TypeConversionDict` copy."""
        return TypeConversionDict(self)

    def __copy__(self) -> ImmutableTypeConversionDict[K, V]:
        return self


_missing: t.Any = object()


class CallbackDict(UpdateDictMixin[K, V]):
    """A ``dict`` that calls ``on_update(self)`` after every change.

    :param initial: the initial items.
    :param on_update: called with the dict after each mutation.
    """

    def __init__(
        self,
        initial: cabc.Mapping[K, V] | cabc.Iterable[tuple[K, V]] | None = None,
        on_update: cabc.Callable[[Self], None] | None = None,
    ) -> None:
        if initial is None:
            super().__init__()
        else:
            super().__init__(initial)
        self.on_update = on_update

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
