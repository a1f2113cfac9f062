"""``HeaderSet``: a case-insensitive, ordered set of header tokens (``Vary``)."""

from __future__ import annotations

import collections.abc as cabc

from ..http.headers import quote_header_value


class HeaderSet(cabc.MutableSet[str]):
    """An ordered set of tokens compared without case, as ``Vary`` or ``Allow``.

    The first spelling of a token is kept. ``on_update(self)`` is called after
    each change.

    :param headers: the initial tokens.
    :param on_update: called with the set after each change.
    """

    def __init__(
        self,
        headers: cabc.Iterable[str] | None = None,
        on_update: cabc.Callable[[HeaderSet], None] | None = None,
    ) -> None:
        self._headers: list[str] = []
        self._set: set[str] = set()
        for header in headers or ():
            key = header.lower()
            if key not in self._set:
                self._set.add(key)
                self._headers.append(header)
        self.on_update = on_update

    def _changed(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def add(self, header: str) -> None:
        """Add ``header`` unless a token of the same name is present."""
        self.update((header,))

    def remove(self, header: str) -> None:
        """Remove ``header`` (any case).

        :raises KeyError: when it is not in the set.
        """
        key = header.lower()
        if key not in self._set:
            raise KeyError(header)
        self._set.remove(key)
        del self._headers[self.find(header)]
        self._changed()

    def update(self, iterable: cabc.Iterable[str]) -> None:
        """Add every token of ``iterable`` that is not present yet."""
        inserted = False
        for header in iterable:
            key = header.lower()
            if key not in self._set:
                self._set.add(key)
                self._headers.append(header)
                inserted = True
        if inserted:
            self._changed()

    def discard(self, header: str) -> None:
        """Remove ``header`` if present."""
        if header.lower() in self._set:
            self.remove(header)

    def find(self, header: str) -> int:
        """Return the position of ``header`` (any case), or ``-1``."""
        key = header.lower()
        for position, item in enumerate(self._headers):
            if item.lower() == key:
                return position
        return -1

    def index(self, header: str) -> int:
        """Return the position of ``header`` (any case).

        :raises IndexError: when it is not in the set.
        """
        position = self.find(header)
        if position < 0:
            raise IndexError(header)
        return position

    def clear(self) -> None:
        """Remove every token."""
        self._set.clear()
        self._headers.clear()
        self._changed()

    def as_set(self, preserve_casing: bool = False) -> set[str]:
        """Return a plain set, lower-cased unless ``preserve_casing``."""
        if preserve_casing:
            return set(self._headers)
        return set(self._set)

    def to_header(self) -> str:
        """Serialise as a comma-separated header value."""
        return ", ".join(quote_header_value(header) for header in self._headers)

    def __getitem__(self, index: int) -> str:
        return self._headers[index]

    def __delitem__(self, index: int) -> None:
        removed = self._headers.pop(index)
        self._set.remove(removed.lower())
        self._changed()

    def __setitem__(self, index: int, value: str) -> None:
        old = self._headers[index]
        self._set.remove(old.lower())
        self._headers[index] = value
        self._set.add(value.lower())
        self._changed()

    def __contains__(self, header: object) -> bool:
        return isinstance(header, str) and header.lower() in self._set

    def __len__(self) -> int:
        return len(self._set)

    def __iter__(self) -> cabc.Iterator[str]:
        return iter(self._headers)

    def __bool__(self) -> bool:
        return bool(self._set)

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._headers!r})"
