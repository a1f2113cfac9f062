"""``Accept`` and its media type, charset and language variants.

An :class:`Accept` is an immutable list of ``(value, quality)`` pairs sorted so
that more specific values come first, then higher qualities. Each subclass only
changes how a server-side value matches a client-side item and how specific an
item is.
"""

from __future__ import annotations

import codecs
import collections.abc as cabc
import re
import typing as t

from .structures import ImmutableList

# Media types split at "/" and ";" (with the spaces around ";").
_MIME_SPLIT_RE = re.compile(r"/|\s*;\s*")
_LANG_SPLIT_RE = re.compile(r"[_-]")


class Accept(ImmutableList[tuple[str, float]]):
    """The parsed value of an ``Accept*`` header.

    >>> a = Accept([("en", 1), ("*", 0.5)])
    >>> a.best_match(["de", "en"]), a["de"]
    ('en', 0.5)

    :param values: ``(value, quality)`` pairs; ``None`` means the header was
        absent (:attr:`provided` is then false).
    """

    provided: bool

    def __init__(
        self, values: Accept | cabc.Iterable[tuple[str, float]] | None = ()
    ) -> None:
        if values is None:
            super().__init__()
            self.provided = False
        elif isinstance(values, Accept):
            super().__init__(values)
            self.provided = values.provided
        else:
            super().__init__(
                sorted(
                    values,
                    key=lambda pair: (self._specificity(pair[0]), pair[1]),
                    reverse=True,
                )
            )
            self.provided = True

    def _specificity(self, value: str) -> tuple[bool, ...]:
        """Rank ``value``: wildcards rank below concrete values."""
        return (value != "*",)

    def _value_matches(self, value: str, item: str) -> bool:
        """Tell whether the server ``value`` satisfies the client ``item``."""
        return item == "*" or item.lower() == value.lower()

    @t.overload  # str keys give the quality
    def __getitem__(self, key: str) -> float: ...
    @t.overload
    def __getitem__(self, key: t.SupportsIndex) -> tuple[str, float]: ...
    @t.overload
    def __getitem__(self, key: slice) -> list[tuple[str, float]]: ...
    def __getitem__(
        self, key: str | t.SupportsIndex | slice
    ) -> float | tuple[str, float] | list[tuple[str, float]]:
        if isinstance(key, str):
            return self.quality(key)
        return list.__getitem__(self, key)

    def quality(self, key: str) -> float:
        """Return the quality the client gives ``key`` (0 when not accepted)."""
        for item, quality in self:
            if self._value_matches(key, item):
                return quality
        return 0

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and self._accepts(value)

    def _accepts(self, value: str) -> bool:
        return any(self._value_matches(value, item) for item, _quality in self)

    def __repr__(self) -> str:
        pairs = ", ".join(f"({item!r}, {quality})" for item, quality in self)
        return f"{type(self).__name__}([{pairs}])"

    def index(self, key: t.Any, *args: t.Any) -> int:
        """Return the position of the first item ``key`` matches.

        A ``str`` key is matched like :meth:`quality`; a pair is looked up as in
        a list.

        :raises ValueError: when nothing matches.
        """
        if isinstance(key, str):
            for position, (item, _quality) in enumerate(self):
                if self._value_matches(key, item):
                    return position
            raise ValueError(key)
        return list.index(self, key, *args)

    def find(self, key: str | tuple[str, float]) -> int:
        """Return :meth:`index`, or ``-1`` when nothing matches."""
        try:
            return self.index(key)
        except ValueError:
            return -1

    def values(self) -> cabc.Iterator[str]:
        """Yield the values without their qualities."""
        for item, _quality in self:
            yield item

    def to_header(self) -> str:
        """Serialise as a header value; a quality of 1 is left out."""
        parts = []
        for item, quality in self:
            parts.append(item if quality == 1 else f"{item};q={quality}")
        return ",".join(parts)

    def __str__(self) -> str:
        return self.to_header()

    def _best_single_match(self, match: str) -> tuple[str, float] | None:
        for item, quality in self:
            if self._value_matches(match, item):
                return item, quality
        return None

    @t.overload
    def best_match(self, matches: cabc.Iterable[str]) -> str | None: ...
    @t.overload
    def best_match(self, matches: cabc.Iterable[str], default: str) -> str: ...
    def best_match(
        self, matches: cabc.Iterable[str], default: str | None = None
    ) -> str | None:
        """Return the server value the client prefers, or ``default``.

        Higher quality wins; at equal quality, the more specific client item
        wins; at equal both, the earlier server value wins. Items with quality 0
        never match.

        :param matches: the values the server can produce.
        :param default: returned when nothing is acceptable.
        """
        result = default
        best_quality: float = -1
        best_specificity: tuple[bool, ...] = (False,)
        found = False
        for server_value in matches:
            match = self._best_single_match(server_value)
            if match is None:
                continue
            client_item, quality = match
            if quality <= 0 or quality < best_quality:
                continue
            specificity = self._specificity(client_item)
            if not found or quality > best_quality or specificity > best_specificity:
                result = server_value
                best_quality = quality
                best_specificity = specificity
                found = True
        return result

    @property
    def best(self) -> str | None:
        """The client's most preferred value, or ``None`` when empty."""
        if self:
            return list.__getitem__(self, 0)[0]
        return None


def _split_mime(value: str) -> tuple[str, str, list[str]]:
    parts = _MIME_SPLIT_RE.split(value.lower())
    return parts[0], parts[1], sorted(parts[2:])


class MIMEAccept(Accept):
    """``Accept``: media types with ``type/*`` and ``*/*`` wildcards.

    A client item with parameters (``text/html;level=1``) matches only a value
    with the same parameters.
    """

    def _specificity(self, value: str) -> tuple[bool, ...]:
        return tuple(part != "*" for part in _MIME_SPLIT_RE.split(value))

    def _value_matches(self, value: str, item: str) -> bool:
        # A client item without "/" is garbage and matches nothing.
        if "/" not in item:
            return False
        # A server value without "/" is a programming error.
        if "/" not in value:
            raise ValueError(f"invalid mimetype {value!r}")
        value_type, value_subtype, value_params = _split_mime(value)
        if value_type == "*" and value_subtype != "*":
            raise ValueError(f"invalid mimetype {value!r}")
        item_type, item_subtype, item_params = _split_mime(item)
        if item_type == "*":
            return item_subtype == "*"
        if value_type == "*":
            return True
        if item_type != value_type:
            return False
        if item_subtype == "*" or value_subtype == "*":
            return True
        return item_subtype == value_subtype and item_params == value_params

    @property
    def accept_html(self) -> bool:
        """Whether the client accepts HTML (or XHTML)."""
        return self._accepts("text/html") or self.accept_xhtml

    @property
    def accept_xhtml(self) -> bool:
        """Whether the client accepts XHTML (or XML)."""
        return self._accepts("application/xhtml+xml") or self._accepts(
            "application/xml"
        )

    @property
    def accept_json(self) -> bool:
        """Whether the client accepts JSON."""
        return self._accepts("application/json")


def _normalize_lang(value: str) -> list[str]:
    return _LANG_SPLIT_RE.split(value.lower())


class LanguageAccept(Accept):
    """``Accept-Language``: ``en_US`` and ``en-us`` are the same tag.

    :meth:`best_match` falls back to primary tags: a client asking for
    ``en-US`` accepts ``en``, and one asking for ``en`` accepts ``en-US``.
    """

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _normalize_lang(value) == _normalize_lang(item)

    @t.overload
    def best_match(self, matches: cabc.Iterable[str]) -> str | None: ...
    @t.overload
    def best_match(self, matches: cabc.Iterable[str], default: str) -> str: ...
    def best_match(
        self, matches: cabc.Iterable[str], default: str | None = None
    ) -> str | None:
        """Return the preferred server language, trying primary tags as well.

        :param matches: the languages the server has.
        :param default: returned when nothing is acceptable.
        """
        matches = list(matches)
        # 1. An exact tag match.
        result = super().best_match(matches)
        if result is not None:
            return result
        # 2. The client's primary tags: "en-US" from the client accepts "en".
        primaries = Accept(
            [(_LANG_SPLIT_RE.split(item, 1)[0], quality) for item, quality in self]
        )
        result = primaries.best_match(matches)
        if result is not None:
            return result
        # 3. The server's primary tags: "en" from the client accepts "en-US";
        # answer with the first server value having that primary tag.
        result = super().best_match(
            [_LANG_SPLIT_RE.split(item, 1)[0] for item in matches]
        )
        if result is not None:
            return next(item for item in matches if item.startswith(result))
        return default


def _normalize_charset(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name.lower()


class CharsetAccept(Accept):
    """``Accept-Charset``: names match through codec aliases (``utf8``)."""

    def _value_matches(self, value: str, item: str) -> bool:
        return item == "*" or _normalize_charset(value) == _normalize_charset(item)
