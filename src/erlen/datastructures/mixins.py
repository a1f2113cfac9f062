"""The mixins behind erlen's immutable and callback containers, public as in Werkzeug.

Put a mixin before the container type it changes::

    class FrozenTags(ImmutableListMixin, list[str]): ...

An immutable mixin makes every mutating method raise :class:`TypeError` and the
container hashable; :class:`UpdateDictMixin` calls ``on_update(self)`` after
every change of a ``dict``.
"""

from __future__ import annotations

import collections.abc as cabc
import itertools
import typing as t

if t.TYPE_CHECKING:
    from typing_extensions import Self

K = t.TypeVar("K")
V = t.TypeVar("V")

_missing: t.Any = object()


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


class ImmutableListMixin:
    """Make a ``list`` subclass refuse changes; it becomes hashable."""

    __slots__ = ()

    __delitem__ = __setitem__ = __iadd__ = __imul__ = refuse
    append = remove = extend = insert = pop = reverse = sort = clear = refuse

    def __hash__(self) -> int:
        return hash(tuple(self))  # type: ignore[arg-type]

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return type(self), (list(self),)  # type: ignore[call-overload]


class ImmutableDictMixin:
    """Make a ``dict`` subclass refuse changes; it becomes hashable."""

    __slots__ = ()

    __setitem__ = __delitem__ = __ior__ = refuse
    setdefault = update = pop = popitem = clear = refuse

    @classmethod
    def fromkeys(cls, keys: cabc.Iterable[t.Any], value: t.Any = None) -> t.Any:
        """Build an instance mapping every key in ``keys`` to ``value``."""
        return cls(zip(keys, itertools.repeat(value)))  # type: ignore[call-arg]

    def _iter_hashitems(self) -> cabc.Iterable[t.Any]:
        return self.items()  # type: ignore[attr-defined,no-any-return]

    def __hash__(self) -> int:
        return hash(frozenset(self._iter_hashitems()))

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return type(self), (dict(self),)  # type: ignore[call-overload]


class ImmutableMultiDictMixin(ImmutableDictMixin):
    """:class:`ImmutableDictMixin` for a ``MultiDict``: the list methods too."""

    __slots__ = ()

    add = setlist = setlistdefault = poplist = popitemlist = refuse

    def _iter_hashitems(self) -> cabc.Iterable[t.Any]:
        return self.items(multi=True)  # type: ignore[attr-defined,no-any-return]

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return type(self), (list(self.items(multi=True)),)  # type: ignore[attr-defined]


class ImmutableHeadersMixin:
    """Make a ``Headers`` subclass read-only."""

    __slots__ = ()

    __delitem__ = __setitem__ = __ior__ = refuse
    set = setlist = setdefault = setlistdefault = refuse
    add = add_header = remove = extend = update = insert = pop = popitem = refuse
    clear = refuse


class UpdateDictMixin(dict[K, V]):
    """A ``dict`` that calls ``self.on_update(self)`` after every change."""

    on_update: cabc.Callable[[t.Any], None] | None = None

    def _changed(self) -> None:
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
