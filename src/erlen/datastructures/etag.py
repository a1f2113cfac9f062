"""``ETags``: the entity tags of ``If-Match`` and ``If-None-Match``."""

from __future__ import annotations

import collections.abc as cabc

from ..http.etags import generate_etag
from ..http.etags import unquote_etag


class ETags(cabc.Collection[str]):
    """A set of strong and weak entity tags, or the ``*`` wildcard.

    Iteration and ``len`` cover the strong tags only, as in Werkzeug.

    :param strong_etags: the strong tags (ignored when ``star_tag``).
    :param weak_etags: the weak tags.
    :param star_tag: the header was ``*``, which matches any tag.
    """

    def __init__(
        self,
        strong_etags: cabc.Iterable[str] | None = None,
        weak_etags: cabc.Iterable[str] | None = None,
        star_tag: bool = False,
    ) -> None:
        # Dicts rather than sets keep the header order for to_header().
        self._strong = dict.fromkeys(() if star_tag else strong_etags or ())
        self._weak = dict.fromkeys(weak_etags or ())
        self.star_tag = star_tag

    def as_set(self, include_weak: bool = False) -> set[str]:
        """Return the strong tags (and the weak ones when ``include_weak``)."""
        rv = set(self._strong)
        if include_weak:
            rv.update(self._weak)
        return rv

    def is_weak(self, etag: str) -> bool:
        """Whether ``etag`` (unquoted) is one of the weak tags."""
        return etag in self._weak

    def is_strong(self, etag: str) -> bool:
        """Whether ``etag`` (unquoted) is one of the strong tags."""
        return etag in self._strong

    def contains_weak(self, etag: str) -> bool:
        """Weak comparison: a weak or strong tag, or ``*``, matches."""
        return self.is_weak(etag) or self.contains(etag)

    def contains(self, etag: str) -> bool:
        """Strong comparison: a strong tag, or ``*``, matches."""
        return self.star_tag or self.is_strong(etag)

    def contains_raw(self, etag: str) -> bool:
        """Match a quoted tag: weak comparison for ``W/"..."``, strong otherwise."""
        tag, weak = unquote_etag(etag)
        if weak:
            return self.contains_weak(tag)
        return self.contains(tag)

    def to_header(self) -> str:
        """Serialise as a header value: ``*`` or quoted tags, strong first."""
        if self.star_tag:
            return "*"
        quoted = [f'"{tag}"' for tag in self._strong]
        quoted.extend(f'W/"{tag}"' for tag in self._weak)
        return ", ".join(quoted)

    def __call__(
        self,
        etag: str | None = None,
        data: bytes | None = None,
        include_weak: bool = False,
    ) -> bool:
        """Whether ``etag`` (or the tag of ``data``) is in the set.

        :raises TypeError: when neither ``etag`` nor ``data`` is given.
        """
        if etag is None:
            if data is None:
                raise TypeError("'data' is required when 'etag' is not given.")
            etag = generate_etag(data)
        if include_weak and etag in self._weak:
            return True
        return etag in self._strong

    def __bool__(self) -> bool:
        return bool(self.star_tag or self._strong or self._weak)

    def __str__(self) -> str:
        return self.to_header()

    def __len__(self) -> int:
        return len(self._strong)

    def __iter__(self) -> cabc.Iterator[str]:
        return iter(self._strong)

    def __contains__(self, etag: object) -> bool:
        return isinstance(etag, str) and self.contains(etag)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self)!r}>"
