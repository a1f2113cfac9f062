"""Small immutable and callback containers shared by the other data structures.

``ImmutableList``, ``ImmutableDict``, ``TypeConversionDict``,
``ImmutableTypeConversionDict`` and ``CallbackDict`` behave as Werkzeug's
classes of the same names.
"""

from __future__ import annotations

import collections.abc as cabc
import itertools
import typing as t

if t.TYPE_CHECKING:
    from typing_extensions import Self

K = t.TypeVar("K")
V = t.TypeVar("V")
T = t.TypeVar("T")


def is_immutable(obj: object) -> t.NoReturn:
    """Raise the error every immutable container gives for a mutation.

    :raises TypeError: always.
    """
    raise TypeError(f"{type(obj).__name__!r} objects are immutable")


def refuse(self: object, *args: t.Any, **kwargs: t.Any) -> t.NoReturn:
    """Refuse the change: this container is immutable.

    :raises TypeError: always.
    """
    is_immutable(self)


class ImmutableList(list[V]):
    """A list that refuses changes once built; it is hashable."""

    __delitem__ = __setitem__ = __iadd__ = __imul__ = refuse
    append = remove = extend = insert = pop = reverse = sort = clear = refuse

    def __hash__(self) -> int:  # type: ignore[override]  # list sets it to None
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list.__repr__(self)})"

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return type(self), (list(self),)


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


def _hash_mapping(mapping: cabc.Mapping[t.Any, t.Any]) -> int:
    return hash(frozenset(mapping.items()))


class ImmutableDict(dict[K, V]):
    """A ``dict`` that refuses changes once built; it is hashable."""

    __setitem__ = __delitem__ = __ior__ = refuse
    setdefault = update = pop = popitem = clear = refuse

    @classmethod
    def fromkeys(cls, keys: cabc.Iterable[t.Any], value: t.Any = None) -> t.Any:
        """Build an instance mapping every key in ``keys`` to ``value``."""
        return cls(zip(keys, itertools.repeat(value)))

    def __hash__(self) -> int:  # type: ignore[override]  # dict sets it to None
        return _hash_mapping(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return type(self), (dict(self),)

    def copy(self) -> dict[K, V]:
        """Return a mutable shallow copy as a plain ``dict``."""
        return dict(self)

    def __copy__(self) -> ImmutableDict[K, V]:
        return self


class ImmutableTypeConversionDict(TypeConversionDict[K, V]):
    """A :class:`TypeConversionDict` that refuses changes once built."""

    __setitem__ = __delitem__ = __ior__ = refuse
    setdefault = update = pop = popitem = clear = refuse

    def __hash__(self) -> int:  # type: ignore[override]  # dict sets it to None
        return _hash_mapping(self)

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return type(self), (dict(self),)

    def copy(self) -> TypeConversionDict[K, V]:
        """Return a mutable :class:`TypeConversionDict` copy."""
        return TypeConversionDict(self)

    def __copy__(self) -> ImmutableTypeConversionDict[K, V]:
        return self


_missing: t.Any = object()


class CallbackDict(dict[K, V]):
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

    def _changed(self: Self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self._changed()

    def __delitem__(self, key: K) -> None:
        super().__delitem__(key)
        self._changed()

    def clear(self) -> None:
        """Remove every item."""
        super().clear()
        self._changed()

    def setdefault(self, key: K, default: V | None = None) -> V:
        """Return the value for ``key``, inserting ``default`` when missing."""
        missing = key not in self
        rv = super().setdefault(key, t.cast(V, default))
        if missing:
            self._changed()
        return rv

    def pop(self, key: K, default: t.Any = _missing) -> t.Any:
        """Remove ``key`` and return its value, or ``default`` when missing."""
        present = key in self
        rv = super().pop(key) if default is _missing else super().pop(key, default)
        if present:
            self._changed()
        return rv

    def popitem(self) -> tuple[K, V]:
        """Remove and return the last inserted item."""
        rv = super().popitem()
        self._changed()
        return rv

    def update(self, *args: t.Any, **kwargs: t.Any) -> None:
        """Update from a mapping or pairs and keyword arguments."""
        super().update(*args, **kwargs)
        self._changed()

    def __ior__(  # type: ignore[override,misc]  # typeshed: overloads
        self, other: cabc.Mapping[K, V] | cabc.Iterable[tuple[K, V]]
    ) -> Self:
        self.update(other)
        return self

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {dict.__repr__(self)}>"
