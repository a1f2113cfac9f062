"""``application/x-www-form-urlencoded`` bodies, decoded incrementally without I/O."""

from __future__ import annotations

import typing as t

from .errors import LimitExceededError
from .urls import group_pairs
from .urls import parse_query_pairs
from .urls import plain_parts

__all__ = [
    "UrlencodedDecoder",
    "decode_urlencoded",
    "decode_urlencoded_lists",
    "decode_urlencoded_single",
]


def decode_urlencoded(
    data: bytes, max_form_memory_size: int | None = None, max_pairs: int | None = None
) -> list[tuple[str, str]]:
    """Decode a whole urlencoded body in one step.

    The rules and limits are those of :class:`UrlencodedDecoder`, without its
    buffering: the caller has read a body of known, bounded length.

    >>> decode_urlencoded(b"a=1&b=x+y")
    [('a', '1'), ('b', 'x y')]

    :param data: the whole body.
    :param max_form_memory_size: the most bytes one encoded ``key=value``
        piece may have, or ``None`` for no limit.
    :param max_pairs: the most pairs the body may have, or ``None``.
    :raises LimitExceededError: (413) a piece or the pair count is over its
        limit.
    """
    # PERF: pieces are measured one by one only when the body could hold one
    # over the limit.
    if max_form_memory_size is not None and len(data) > max_form_memory_size:
        _check_piece(max(map(len, data.split(b"&"))), max_form_memory_size)
    pairs = parse_query_pairs(data)
    # SECURITY: bounds the size of the MultiDict built from the body.
    if max_pairs is not None and len(pairs) > max_pairs:
        _raise_too_many_fields(max_pairs)
    return pairs


def decode_urlencoded_lists(
    data: bytes, max_form_memory_size: int | None = None, max_pairs: int | None = None
) -> dict[str, list[str]]:
    """Decode a whole urlencoded body into ``key -> list of values``.

    The pairs of :func:`decode_urlencoded`, grouped: keys in the order they
    first appear, each with its values in order (the layout a ``MultiDict``
    stores).

    >>> decode_urlencoded_lists(b"a=1&b=x+y&a=2")
    {'a': ['1', '2'], 'b': ['x y']}

    :param data: the whole body.
    :param max_form_memory_size: as for :func:`decode_urlencoded`.
    :param max_pairs: as for :func:`decode_urlencoded`.
    :raises LimitExceededError: (413) a piece or the pair count is over its
        limit.
    """
    values, single = decode_urlencoded_single(data, max_form_memory_size, max_pairs)
    if single:
        return {key: [value] for key, value in values.items()}
    return values


def decode_urlencoded_single(
    data: bytes, max_form_memory_size: int | None = None, max_pairs: int | None = None
) -> tuple[dict[str, t.Any], bool]:
    """Decode a whole urlencoded body, without one-element lists when it can.

    Gives ``(values, True)``, ``values`` mapping each key to its value, when
    no key repeats and the body needs no general decoding (the usual form).
    Otherwise gives ``(lists, False)`` with what
    :func:`decode_urlencoded_lists` gives.

    >>> decode_urlencoded_single(b"a=1&b=x+y")
    ({'a': '1', 'b': 'x y'}, True)
    >>> decode_urlencoded_single(b"a=1&a=2")
    ({'a': ['1', '2']}, False)

    :param data: the whole body.
    :param max_form_memory_size: as for :func:`decode_urlencoded`.
    :param max_pairs: as for :func:`decode_urlencoded`.
    :raises LimitExceededError: (413) a piece or the pair count is over its
        limit.
    """
    if max_form_memory_size is not None and len(data) > max_form_memory_size:
        _check_piece(max(map(len, data.split(b"&"))), max_form_memory_size)
    parts = plain_parts(data) if data.isascii() else None
    if parts is None:
        return group_pairs(decode_urlencoded(data, None, max_pairs)), False
    # SECURITY: bounds the size of the MultiDict built from the body.
    if max_pairs is not None and len(parts) >> 1 > max_pairs:
        _raise_too_many_fields(max_pairs)
    # PERF: keys and values alternate in one flat list; when no key repeats
    # (the common form) one loop builds the mapping.
    single: dict[str, str] = {}
    values = iter(parts)
    for key in values:
        single[key] = next(values)
    if len(single) == len(parts) >> 1:
        return single, True
    return group_pairs(zip(parts[::2], parts[1::2], strict=True)), False


def _check_piece(size: int, limit: int | None) -> None:
    # SECURITY: one piece is buffered whole, so its size is bounded.
    if limit is not None and size > limit:
        raise LimitExceededError(f"A form field is over {limit} bytes.")


def _raise_too_many_fields(limit: int) -> t.NoReturn:
    raise LimitExceededError(f"The form has more than {limit} fields.")


class UrlencodedDecoder:
    """Decode a urlencoded form body fed in chunks of any size.

    Each complete ``key=value`` piece is decoded as soon as the ``&`` after it
    arrives, with the rules of :func:`erlen.http.urls.parse_query_pairs`: ``+``
    is a space, ``%XX`` escapes are UTF-8, invalid bytes become U+FFFD, empty
    pieces are skipped and a piece without ``=`` has the value ``""``. Only the
    unfinished last piece is buffered.

    >>> decoder = UrlencodedDecoder()
    >>> decoder.feed(b"a=1&b=x")
    [('a', '1')]
    >>> decoder.feed(b"+y")
    []
    >>> decoder.close()
    [('b', 'x y')]

    :param max_form_memory_size: the most bytes one encoded ``key=value``
        piece may have, or ``None`` for no limit.
    :param max_pairs: the most pairs the body may have, or ``None``.

    .. note::
        Werkzeug applies neither limit to urlencoded bodies; erlen does, so
        that a body without ``MAX_CONTENT_LENGTH`` cannot build an unbounded
        buffer or list.
    """

    def __init__(
        self, max_form_memory_size: int | None = None, max_pairs: int | None = None
    ) -> None:
        self.max_form_memory_size = max_form_memory_size
        self.max_pairs = max_pairs
        self._pending = bytearray()
        self._count = 0
        self._closed = False

    def feed(self, data: bytes) -> list[tuple[str, str]]:
        """Add a chunk of the body and return the pairs it completed.

        :raises LimitExceededError: (413) a piece or the pair count is over
            its limit.
        :raises RuntimeError: the decoder was closed.
        """
        if self._closed:
            raise RuntimeError("Cannot feed a closed UrlencodedDecoder.")
        pending = self._pending
        pending += data
        # PERF: only the new bytes can hold a new "&"; a long piece fed in
        # small chunks is not rescanned.
        end = pending.rfind(b"&", len(pending) - len(data))
        if end == -1:
            _check_piece(len(pending), self.max_form_memory_size)
            return []
        complete = bytes(pending[:end])
        del pending[: end + 1]
        _check_piece(len(pending), self.max_form_memory_size)
        return self._decode(complete)

    def close(self) -> list[tuple[str, str]]:
        """Mark the end of the body and return the pairs of the last piece.

        :raises LimitExceededError: (413) a limit was passed.
        """
        self._closed = True
        complete = bytes(self._pending)
        self._pending.clear()
        return self._decode(complete)

    def decode(self, data: bytes) -> list[tuple[str, str]]:
        """Decode a complete body in one step (the decoder is then closed).

        :raises LimitExceededError: (413) a limit was passed.
        :raises RuntimeError: the decoder was already fed or closed.
        """
        if self._closed or self._pending:
            raise RuntimeError("decode() takes a whole body on a fresh decoder.")
        self._closed = True
        return self._decode(data)

    def _decode(self, complete: bytes) -> list[tuple[str, str]]:
        limit = self.max_form_memory_size
        # PERF: pieces are measured one by one only when the whole run could
        # hold one over the limit.
        if limit is not None and len(complete) > limit:
            _check_piece(max(map(len, complete.split(b"&"))), limit)
        pairs = parse_query_pairs(complete)
        self._count += len(pairs)
        # SECURITY: bounds the size of the MultiDict built from the body.
        if self.max_pairs is not None and self._count > self.max_pairs:
            _raise_too_many_fields(self.max_pairs)
        return pairs
