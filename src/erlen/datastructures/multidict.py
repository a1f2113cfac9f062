"""``MultiDict`` and its relatives: one key, several values.

A :class:`MultiDict` is a ``dict`` subclass mapping each key to a *list* of
values, as in Werkzeug; item access returns the first value and
:meth:`MultiDict.getlist` returns all of them. The static type is
``dict[K, V]`` (the view users see); the stored lists are reached through
``dict`` methods called explicitly.
"""

from __future__ import annotations

import collections.abc as cabc
import copy as copy_module
import threading
import typing as t

from .mixins import ImmutableMultiDictMixin
from .structures import K
from .structures import T
from .structures import TypeConversionDict
from .structures import V

if t.TYPE_CHECKING:
    from typing_extensions import Self

MultiValueSource: t.TypeAlias = t.Union[
    "MultiDict[K, V]",
    cabc.Mapping[K, "V | list[V] | tuple[V, ...] | set[V]"],
    cabc.Iterable[tuple[K, V]],
]

_missing: t.Any = object()

# The static type says dict[K, V] but the stored values are lists. These
# unbound dict methods bypass our overrides, typed Any so mypy accepts the lists.
_dict_get: t.Any = dict.get
_dict_setitem: t.Any = dict.__setitem__
_dict_setdefault: t.Any = dict.setdefault
_dict_pop: t.Any = dict.pop
_dict_popitem: t.Any = dict.popitem
_dict_items: t.Any = dict.items
_dict_update: t.Any = dict.update
_dict_values: t.Any = dict.values


def key_error(key: object) -> KeyError:
    # Imported here: erlen.exceptions sits on the same layer and imports the
    # response lazily; a module-level import would tie the two packages' import
    # order together.
    from ..exceptions import BadRequestKeyError

    return BadRequestKeyError(key)


def iter_multi_items(mapping: MultiValueSource[K, V]) -> cabc.Iterator[tuple[K, V]]:
    """Yield every ``(key, value)`` pair of a multi-value source.

    A :class:`MultiDict` gives all its pairs; in another mapping a ``list``,
    ``tuple`` or ``set`` value gives one pair per item; any other iterable is
    taken as pairs.

    :param mapping: a ``MultiDict``, a mapping or an iterable of pairs.
    """
    if type(mapping) is list or type(mapping) is tuple:
        # PERF: pairs (a part's headers, parsed pairs) skip the ABC check.
        yield from mapping
    elif isinstance(mapping, MultiDict):
        yield from mapping.items(multi=True)
    elif isinstance(mapping, cabc.Mapping):
        for key, value in mapping.items():
            if isinstance(value, (list, tuple, set)):
                for item in value:
                    yield key, item
            else:
                yield key, value
    else:
        yield from mapping


class MultiDict(TypeConversionDict[K, V]):
    """A ``dict`` of ``key -> list of values`` with first-value item access.

    >>> d = MultiDict([("a", "b"), ("a", "c")])
    >>> d["a"], d.getlist("a")
    ('b', ['b', 'c'])

    A missing key raises :class:`~erlen.exceptions.BadRequestKeyError`, which is
    both a ``KeyError`` and a 400 Bad Request.

    :param mapping: a ``MultiDict``, a mapping (``list``/``tuple``/``set``
        values give several values; empty ones are skipped) or an iterable of
        pairs.
    """

    def __init__(self, mapping: MultiValueSource[K, V] | None = None) -> None:
        if mapping is None:
            super().__init__()
            return
        lists: dict[t.Any, list[t.Any]]
        if type(mapping) is list:
            # PERF: request.args and form are built from a list of pairs. When
            # no key repeats (the common case) one plain loop builds every
            # value list (a loop, not a comprehension: no extra frame before
            # Python 3.12); otherwise the pairs are grouped one by one.
            lists = {}
            for key, value in mapping:
                lists[key] = [value]
            if len(lists) == len(mapping):
                dict.__init__(self, lists)
                return
        lists = {}
        if isinstance(mapping, MultiDict):
            # lists() rather than the stored dict: a CombinedMultiDict stores
            # nothing itself.
            for key, values in mapping.lists():
                lists[key] = values
        elif isinstance(mapping, cabc.Mapping):
            for key, value in mapping.items():
                if isinstance(value, (list, tuple, set)):
                    if value:
                        lists[key] = list(value)
                else:
                    lists[key] = [value]
        else:
            # PERF: request.args/form build from pairs; one setdefault per pair.
            setdefault = lists.setdefault
            for key, value in mapping:
                setdefault(key, []).append(value)
        dict.__init__(self, lists)

    @classmethod
    def _from_lists(cls, lists: dict[K, list[V]]) -> Self:
        """Build from ``key -> list of values``, taking the (non-empty) lists as
        they are; only for classes that keep MultiDict's ``__init__``.

        :class:`_SingleValueImmutableMultiDict` is built with it from
        ``key -> value``: what it stores.
        """
        # PERF: the form fast path hands over lists it built; no per-key loop.
        md = cls.__new__(cls)
        _dict_update(md, lists)
        return md

    def __getstate__(self) -> dict[K, list[V]]:
        return dict(_dict_items(self))

    def __setstate__(self, value: dict[K, list[V]]) -> None:
        dict.clear(self)
        for key, values in value.items():
            _dict_setitem(self, key, values)

    def __iter__(self) -> cabc.Iterator[K]:
        # COMPAT: defined (rather than inherited from dict) so that ``dict(md)``
        # and ``{**md}`` go through keys() and __getitem__ and give the first
        # values, as with Werkzeug; dict's own iterator would let CPython copy
        # the stored lists.
        return dict.__iter__(self)

    def __getitem__(self, key: K) -> V:
        values: list[V] | None = _dict_get(self, key)
        if values:
            return values[0]
        raise key_error(key)

    def __setitem__(self, key: K, value: V) -> None:
        _dict_setitem(self, key, [value])

    @t.overload  # type: ignore[override]  # adds ``type``
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
        """Return the first value for ``key``, or ``default`` when missing.

        With ``type``, return ``type(value)``, or ``default`` when the
        conversion raises :class:`ValueError` or :class:`TypeError`.

        :param key: the key to look up.
        :param default: returned when the key is missing or conversion fails.
        :param type: a callable converting the value.
        """
        # PERF: request.args.get is hot; skip __getitem__ and its exception.
        values: list[V] | None = _dict_get(self, key)
        if not values:
            return default
        if type is None:
            return values[0]
        try:
            return type(values[0])
        except (ValueError, TypeError):
            return default

    def add(self, key: K, value: V) -> None:
        """Append ``value`` to the values of ``key``."""
        _dict_setdefault(self, key, []).append(value)

    @t.overload
    def getlist(self, key: K) -> list[V]: ...
    @t.overload
    def getlist(self, key: K, type: cabc.Callable[[V], T]) -> list[T]: ...
    def getlist(
        self, key: K, type: cabc.Callable[[V], T] | None = None
    ) -> list[V] | list[T]:
        """Return a new list of every value for ``key`` (empty when missing).

        :param key: the key to look up.
        :param type: convert each value; values it rejects with
            :class:`ValueError` or :class:`TypeError` are left out.
        """
        values: list[V] | None = _dict_get(self, key)
        if values is None:
            return []
        if type is None:
            return list(values)
        result = []
        for value in values:
            try:
                result.append(type(value))
            except (ValueError, TypeError):
                pass
        return result

    def setlist(self, key: K, new_list: cabc.Iterable[V]) -> None:
        """Replace the values of ``key`` with ``new_list``."""
        _dict_setitem(self, key, list(new_list))

    def setdefault(self, key: K, default: V | None = None) -> V:
        """Return the first value of ``key``, setting it to ``default`` if missing."""
        if key not in self:
            _dict_setitem(self, key, [default])
            return t.cast(V, default)
        return self[key]

    def setlistdefault(
        self, key: K, default_list: cabc.Iterable[V] | None = None
    ) -> list[V]:
        """Return the live value list of ``key``, set to ``default_list`` if missing."""
        if key not in self:
            _dict_setitem(self, key, list(default_list or ()))
        values: list[V] = _dict_get(self, key)
        return values

    def items(self, multi: bool = False) -> cabc.Iterator[tuple[K, V]]:  # type: ignore[override]
        """Yield ``(key, first value)``, or every pair when ``multi``."""
        values: list[V]
        for key, values in _dict_items(self):
            if multi:
                for value in values:
                    yield key, value
            else:
                yield key, values[0]

    def lists(self) -> cabc.Iterator[tuple[K, list[V]]]:
        """Yield ``(key, list of values)`` pairs; the lists are copies."""
        values: list[V]
        for key, values in _dict_items(self):
            yield key, list(values)

    def values(self) -> cabc.Iterator[V]:  # type: ignore[override]
        """Yield the first value of each key."""
        values: list[V]
        for values in _dict_values(self):
            yield values[0]

    def listvalues(self) -> cabc.Iterator[list[V]]:
        """Yield a copy of each key's value list."""
        values: list[V]
        for values in _dict_values(self):
            yield list(values)

    def copy(self) -> Self:
        """Return a shallow copy of the same class."""
        return self.__class__(self)

    def deepcopy(self, memo: t.Any = None) -> Self:
        """Return a deep copy of the same class."""
        return self.__class__(copy_module.deepcopy(self.to_dict(flat=False), memo))

    __copy__ = copy

    def __deepcopy__(self, memo: t.Any) -> Self:
        return self.deepcopy(memo=memo)

    @t.overload
    def to_dict(self) -> dict[K, V]: ...
    @t.overload
    def to_dict(self, flat: t.Literal[False]) -> dict[K, list[V]]: ...
    def to_dict(self, flat: bool = True) -> dict[K, V] | dict[K, list[V]]:
        """Return a plain ``dict``: first values, or value lists when not ``flat``."""
        if flat:
            return dict(self.items())
        return dict(self.lists())

    def update(  # type: ignore[override]  # extends instead of replacing
        self, mapping: MultiValueSource[K, V]
    ) -> None:
        """Add every pair of ``mapping``; unlike ``dict.update`` it keeps old values."""
        for key, value in iter_multi_items(mapping):
            MultiDict.add(self, key, value)

    def __or__(  # type: ignore[override]
        self, other: cabc.Mapping[K, V | list[V]]
    ) -> MultiDict[K, V]:
        if not isinstance(other, cabc.Mapping):
            return NotImplemented
        rv = self.copy()
        rv.update(other)
        return rv

    def __ior__(  # type: ignore[override]
        self, other: cabc.Mapping[K, V | list[V]] | cabc.Iterable[tuple[K, V]]
    ) -> Self:
        if not isinstance(other, (cabc.Mapping, cabc.Iterable)):
            return NotImplemented
        self.update(other)
        return self

    def pop(self, key: K, default: t.Any = _missing) -> t.Any:
        """Remove ``key`` and return its first value, or ``default`` if missing.

        :raises BadRequestKeyError: when the key is missing and no default is given.
        """
        values: list[V] | None = _dict_pop(self, key, None)
        if values:
            return values[0]
        if default is not _missing:
            return default
        raise key_error(key)

    def popitem(self) -> tuple[K, V]:
        """Remove the last key and return it with its first value.

        :raises BadRequestKeyError: when the dict is empty.
        """
        try:
            key, values = _dict_popitem(self)
        except KeyError as exc:
            raise key_error(exc.args[0]) from None
        if not values:
            raise key_error(key)
        return key, values[0]

    def poplist(self, key: K) -> list[V]:
        """Remove ``key`` and return its value list (empty when missing)."""
        values: list[V] = _dict_pop(self, key, [])
        return values

    def popitemlist(self) -> tuple[K, list[V]]:
        """Remove the last key and return it with its value list.

        :raises BadRequestKeyError: when the dict is empty.
        """
        try:
            item: tuple[K, list[V]] = _dict_popitem(self)
        except KeyError as exc:
            raise key_error(exc.args[0]) from None
        return item

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list(self.items(multi=True))!r})"


class ImmutableMultiDict(ImmutableMultiDictMixin, MultiDict[K, V]):  # type: ignore[misc]
    """A :class:`MultiDict` that refuses changes once built; it is hashable."""

    def copy(self) -> MultiDict[K, V]:  # type: ignore[override]
        """Return a mutable :class:`MultiDict` copy."""
        return MultiDict(self)

    def __copy__(self) -> Self:
        return self


class _SingleValueImmutableMultiDict(ImmutableMultiDict[K, V]):
    """An :class:`ImmutableMultiDict` whose every key has one value, stored as
    the value itself instead of a one-element list.

    PERF: ``request.form`` of the usual urlencoded body. Item access, ``in``,
    ``len`` and iteration are then ``dict``'s own C code, and ``get`` and
    ``getlist`` read the single value directly. Any other method first turns
    the instance into a plain :class:`ImmutableMultiDict` (lists stored, class
    switched) and then runs there, so every answer is the one a plain instance
    gives; only that first call pays. Nothing can change an immutable
    instance, so the single values stay valid until then.
    """

    __getitem__ = dict.__getitem__
    # dict's own iterator: dict(self) and {**self} copy the stored values,
    # which are the first values, as for a plain instance.
    __iter__ = dict.__iter__

    def __missing__(self, key: K) -> t.NoReturn:
        raise key_error(key)

    def get(self, key: K, default: t.Any = None, type: t.Any = None) -> t.Any:
        value = _dict_get(self, key, _missing)
        if value is _missing:
            return default
        if type is None:
            return value
        try:
            return type(value)
        except (ValueError, TypeError):
            return default

    def getlist(self, key: K, type: t.Any = None) -> list[t.Any]:
        value = _dict_get(self, key, _missing)
        if value is _missing:
            return []
        if type is None:
            return [value]
        try:
            return [type(value)]
        except (ValueError, TypeError):
            return []


class _HalfSpread(_SingleValueImmutableMultiDict[K, V]):
    """The class of an instance while :func:`_spread` rewrites its values.

    Another thread reading it then waits for the rewrite to finish and asks
    the plain class. Membership, length and keys need no wait.
    """

    def __getitem__(self, key: K) -> V:
        _spread(self)
        return self[key]

    def get(self, key: K, default: t.Any = None, type: t.Any = None) -> t.Any:
        _spread(self)
        return self.get(key, default, type)

    def getlist(self, key: K, type: t.Any = None) -> list[t.Any]:
        _spread(self)
        return self.getlist(key, type)

    # dict(self) and {**self} go through keys() and the item access above.
    __iter__ = MultiDict.__iter__


_SPREAD_LOCK = threading.Lock()


def _spread(md: MultiDict[t.Any, t.Any]) -> None:
    """Turn a :class:`_SingleValueImmutableMultiDict` into a plain
    :class:`ImmutableMultiDict` holding the same values.

    Returns once no rewrite is under way, so a caller can then ask the plain
    class.
    """
    # The lock keeps two threads from wrapping the values twice; _HalfSpread
    # keeps a third from reading values half rewritten.
    with _SPREAD_LOCK:
        if type(md) is _SingleValueImmutableMultiDict:
            md.__class__ = _HalfSpread
            _dict_update(md, {key: [value] for key, value in _dict_items(md)})
            md.__class__ = ImmutableMultiDict  # type: ignore[assignment]


def _spreading(name: str) -> t.Any:
    def method(self: MultiDict[t.Any, t.Any], *args: t.Any, **kwargs: t.Any) -> t.Any:
        for arg in args:  # comparing or merging two such instances
            if isinstance(arg, _SingleValueImmutableMultiDict):
                _spread(arg)
        _spread(self)
        return getattr(self, name)(*args, **kwargs)

    method.__name__ = name
    return method


# Every method that reads the stored values, besides the ones defined above:
# MultiDict's own, the mixins', and dict's.
_READERS = {
    name
    for klass in ImmutableMultiDict.__mro__[:-2]  # not dict, not object
    for name, value in vars(klass).items()
    if callable(value) and name not in vars(_SingleValueImmutableMultiDict)
} | {"__eq__", "__ne__", "__repr__", "__or__", "__ror__", "__reduce__"}
_READERS |= {"__reduce_ex__", "__getstate__", "__sizeof__", "items", "values", "copy"}
# Not readers: construction, the refusing mutators, C item access and keys.
_READERS -= {"__init__", "__init_subclass__", "__class_getitem__", "__new__"}
_READERS -= {"__contains__", "__len__", "keys", "fromkeys", "_from_lists"}
_READERS -= {"__setitem__", "__delitem__", "__ior__", "__hash__"}
for _name in sorted(_READERS):
    setattr(_SingleValueImmutableMultiDict, _name, _spreading(_name))
_SingleValueImmutableMultiDict.__hash__ = _spreading("__hash__")  # type: ignore[method-assign]
del _name


class OrderedMultiDict(MultiDict[K, V]):
    """A :class:`MultiDict`, kept for code that still imports this name.

    .. note::
        Werkzeug 3.1 deprecates this class. In erlen it is a plain
        :class:`MultiDict`: keys keep insertion order, but ``items(multi=True)``
        groups the values of a key together instead of keeping the global order
        of insertion.
    """


class ImmutableOrderedMultiDict(ImmutableMultiDict[K, V]):
    """An :class:`ImmutableMultiDict`, kept for code that still imports this name."""
