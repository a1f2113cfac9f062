"""``CombinedMultiDict``: a read-only view over several multi-value dicts."""

from __future__ import annotations

import collections.abc as cabc
import itertools
import typing as t

from .multidict import ImmutableMultiDict
from .multidict import MultiDict
from .multidict import key_error
from .structures import K
from .structures import T
from .structures import V


class CombinedMultiDict(ImmutableMultiDict[K, V]):
    """A read-only view over several :class:`MultiDict` objects, first match wins.

    ``request.values`` combines ``args`` and ``form`` this way.

    :param dicts: the dicts to look up, in order.
    """

    def __init__(self, dicts: cabc.Iterable[MultiDict[K, V]] | None = None) -> None:
        super().__init__()
        self.dicts: list[MultiDict[K, V]] = list(dicts or ())

    def __reduce_ex__(self, protocol: t.SupportsIndex) -> tuple[t.Any, ...]:
        return type(self), (self.dicts,)

    @classmethod
    def fromkeys(cls, keys: t.Any, value: t.Any = None) -> t.NoReturn:
        """Refuse: a combined view is built from dicts, not keys."""
        raise TypeError(f"cannot create {cls.__name__!r} instances by fromkeys")

    def __getitem__(self, key: K) -> V:
        for mapping in self.dicts:
            if key in mapping:
                return mapping[key]
        raise key_error(key)

    @t.overload  # type: ignore[override]
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
        """Return the first value for ``key`` across the dicts, or ``default``.

        With ``type``, a dict whose value fails conversion is skipped and the
        next one is tried.
        """
        for mapping in self.dicts:
            if key in mapping:
                if type is None:
                    return mapping[key]
                try:
                    return type(mapping[key])
                except (ValueError, TypeError):
                    continue
        return default

    @t.overload
    def getlist(self, key: K) -> list[V]: ...
    @t.overload
    def getlist(self, key: K, type: cabc.Callable[[V], T]) -> list[T]: ...
    def getlist(
        self, key: K, type: cabc.Callable[[V], T] | None = None
    ) -> list[V] | list[T]:
        """Return the values for ``key`` from every dict, in order."""
        rv: list[t.Any] = []
        for mapping in self.dicts:
            rv.extend(mapping.getlist(key, type))  # type: ignore[arg-type]
        return rv

    def _keys_impl(self) -> set[K]:
        return set(itertools.chain.from_iterable(self.dicts))

    def keys(self) -> set[K]:  # type: ignore[override]
        """Return the set of keys of all dicts."""
        return self._keys_impl()

    def __iter__(self) -> cabc.Iterator[K]:
        return iter(self._keys_impl())

    def items(self, multi: bool = False) -> cabc.Iterator[tuple[K, V]]:  # type: ignore[override]
        """Yield ``(key, first value)`` per key, or every pair when ``multi``."""
        found = set()
        for mapping in self.dicts:
            for key, value in mapping.items(multi):
                if multi:
                    yield key, value
                elif key not in found:
                    found.add(key)
                    yield key, value

    def values(self) -> cabc.Iterator[V]:  # type: ignore[override]
        """Yield the first value of each key."""
        for _key, value in self.items():
            yield value

    def lists(self) -> cabc.Iterator[tuple[K, list[V]]]:
        """Yield ``(key, values from every dict)`` pairs."""
        merged: dict[K, list[V]] = {}
        for mapping in self.dicts:
            for key, values in mapping.lists():
                merged.setdefault(key, []).extend(values)
        yield from merged.items()

    def listvalues(self) -> cabc.Iterator[list[V]]:
        """Yield the merged value list of each key."""
        return (values for _key, values in self.lists())

    def copy(self) -> MultiDict[K, V]:  # type: ignore[override]
        """Return a mutable :class:`MultiDict` of the data as it is now."""
        return MultiDict(self)

    def __len__(self) -> int:
        return len(self._keys_impl())

    def __contains__(self, key: object) -> bool:
        return any(key in mapping for mapping in self.dicts)

    def __eq__(self, other: object) -> bool:
        # Werkzeug compares the (empty) stored dicts, so any two views are equal;
        # erlen compares the dicts viewed.
        if isinstance(other, CombinedMultiDict):
            return self.dicts == other.dicts
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if isinstance(other, CombinedMultiDict):
            return self.dicts != other.dicts
        return NotImplemented

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.dicts!r})"
