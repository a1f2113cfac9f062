"""Compact tagged JSON that round-trips a few non-JSON types.

The session cookie uses this format. A value of a non-JSON type is written as a
one-key object whose key names a tag and whose value is the tag's JSON form:
``(1, 2)`` becomes ``{" t":[1,2]}``. The format is the same as Flask's, so
cookies move between the two frameworks.

Default tags, in the order they are tried:

======================  ======  =====================================
Tag                     Key     Python type
======================  ======  =====================================
:class:`TagDict`        ``di``  ``dict`` whose only key is a tag key
:class:`PassDict`               ``dict`` (values tagged)
:class:`TagTuple`       `` t``  ``tuple``
:class:`PassList`               ``list`` (items tagged)
:class:`TagBytes`       `` b``  ``bytes`` (base64)
:class:`TagMarkup`      `` m``  objects with ``__html__`` (``Markup``)
:class:`TagUUID`        `` u``  :class:`uuid.UUID`
:class:`TagDateTime`    `` d``  :class:`datetime.datetime` (HTTP date)
======================  ======  =====================================

Add a type by subclassing :class:`JSONTag` and registering it::

    class TagOrderedDict(JSONTag):
        __slots__ = ("serializer",)
        key = " od"

        def check(self, value):
            return isinstance(value, OrderedDict)

        def to_json(self, value):
            return [[k, self.serializer.tag(v)] for k, v in value.items()]

        def to_python(self, value):
            return OrderedDict(value)

    app.session_interface.serializer.register(TagOrderedDict, index=0)
"""

from __future__ import annotations

import typing as t
from base64 import b64decode
from base64 import b64encode
from datetime import datetime
from uuid import UUID

from markupsafe import Markup

from ..http.dates import http_date
from ..http.dates import parse_date
from . import dumps as _dumps
from . import loads as _loads


class JSONTag:
    """One tag of a :class:`TaggedJSONSerializer`: how a type is written and read.

    :param serializer: the serializer the tag belongs to, used to tag nested
        values.
    """

    __slots__ = ("serializer",)

    #: The key of the one-key object this tag writes. An empty key means the
    #: tag only rewrites values in place and is never looked up when reading.
    key: str = ""

    def __init__(self, serializer: TaggedJSONSerializer) -> None:
        self.serializer = serializer

    def check(self, value: t.Any) -> bool:
        """Return whether this tag handles ``value``."""
        raise NotImplementedError

    def to_json(self, value: t.Any) -> t.Any:
        """Convert ``value`` to something JSON can hold (:meth:`tag` adds the key)."""
        raise NotImplementedError

    def to_python(self, value: t.Any) -> t.Any:
        """Convert the JSON form written by :meth:`to_json` back to the Python value."""
        raise NotImplementedError

    def tag(self, value: t.Any) -> dict[str, t.Any]:
        """Return ``value``'s JSON form in a one-key object keyed by :attr:`key`."""
        return {self.key: self.to_json(value)}


class TagDict(JSONTag):
    """Protect a one-key ``dict`` whose key is itself a registered tag key.

    Without this, ``{" t": [1]}`` stored in a session would read back as a
    tuple. The key is written with ``__`` appended and stripped when read.
    """

    __slots__ = ()
    key = " di"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a one-key dict whose key is a tag key."""
        return (
            isinstance(value, dict)
            and len(value) == 1
            and next(iter(value)) in self.serializer.tags
        )

    def to_json(self, value: t.Any) -> t.Any:
        """Suffix the key with ``__`` and tag the value."""
        (key,) = value
        return {f"{key}__": self.serializer.tag(value[key])}

    def to_python(self, value: t.Any) -> t.Any:
        """Drop the ``__`` suffix from the key."""
        (key,) = value
        return {key[:-2]: value[key]}


class PassDict(JSONTag):
    """Tag the values of a ``dict``; the dict itself stays a JSON object."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a ``dict``."""
        return isinstance(value, dict)

    def to_json(self, value: t.Any) -> t.Any:
        """Return a dict with every value tagged."""
        # COMPAT: keys are kept as they are; JSON then turns non-string keys
        # into strings, as with Flask.
        tag = self.serializer.tag
        return {key: tag(item) for key, item in value.items()}

    tag = to_json


class TagTuple(JSONTag):
    """Write a ``tuple`` as a tagged array so it reads back as a tuple."""

    __slots__ = ()
    key = " t"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a ``tuple``."""
        return isinstance(value, tuple)

    def to_json(self, value: t.Any) -> t.Any:
        """Return a list of the tagged items."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    def to_python(self, value: t.Any) -> t.Any:
        """Return the items as a tuple."""
        return tuple(value)


class PassList(JSONTag):
    """Tag the items of a ``list``; the list itself stays a JSON array."""

    __slots__ = ()

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a ``list``."""
        return isinstance(value, list)

    def to_json(self, value: t.Any) -> t.Any:
        """Return a list of the tagged items."""
        tag = self.serializer.tag
        return [tag(item) for item in value]

    tag = to_json


class TagBytes(JSONTag):
    """Write ``bytes`` as standard base64 text."""

    __slots__ = ()
    key = " b"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is ``bytes``."""
        return isinstance(value, bytes)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the base64 text of ``value``."""
        return b64encode(value).decode("ascii")

    def to_python(self, value: t.Any) -> t.Any:
        """Decode the base64 text."""
        return b64decode(value)


class TagMarkup(JSONTag):
    """Write an object with ``__html__`` as its HTML; read it as ``Markup``."""

    __slots__ = ()
    key = " m"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` has a callable ``__html__``."""
        return callable(getattr(value, "__html__", None))

    def to_json(self, value: t.Any) -> t.Any:
        """Return the text ``value.__html__()`` gives."""
        return str(value.__html__())

    def to_python(self, value: t.Any) -> t.Any:
        """Return the text as :class:`~markupsafe.Markup`."""
        return Markup(value)


class TagUUID(JSONTag):
    """Write a :class:`~uuid.UUID` as its 32 hex digits."""

    __slots__ = ()
    key = " u"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a ``UUID``."""
        return isinstance(value, UUID)

    def to_json(self, value: t.Any) -> t.Any:
        """Return the hex digits of ``value``."""
        return value.hex

    def to_python(self, value: t.Any) -> t.Any:
        """Parse the hex digits back into a ``UUID``."""
        return UUID(value)


class TagDateTime(JSONTag):
    """Write a :class:`~datetime.datetime` as an HTTP date (whole seconds, UTC).

    The HTTP date format drops microseconds, and the value reads back as an
    aware UTC datetime, as with Flask.
    """

    __slots__ = ()
    key = " d"

    def check(self, value: t.Any) -> bool:
        """Return whether ``value`` is a ``datetime``."""
        return isinstance(value, datetime)

    def to_json(self, value: t.Any) -> t.Any:
        """Return ``value`` as an HTTP date string."""
        return http_date(value)

    def to_python(self, value: t.Any) -> t.Any:
        """Parse the HTTP date string (``None`` when it is not one)."""
        return parse_date(value)


_BUILTIN_TAG_CLASSES: list[type[JSONTag]] = [
    TagDict,
    PassDict,
    TagTuple,
    PassList,
    TagBytes,
    TagMarkup,
    TagUUID,
    TagDateTime,
]
# The exact types JSON reads and writes as they are.
_PLAIN_JSON_TYPES = frozenset((str, int, float, bool, type(None)))


class TaggedJSONSerializer:
    """Serialise values to compact tagged JSON and back.

    Tags are tried in registration order when writing; when reading, any
    one-key object whose key is a registered tag key is converted back.
    """

    __slots__ = ("_builtin_order", "order", "tags")

    #: The tag classes registered by a new serializer, in this order.
    default_tags: t.ClassVar[list[type[JSONTag]]] = list(_BUILTIN_TAG_CLASSES)

    def __init__(self) -> None:
        self.tags: dict[str, JSONTag] = {}
        self.order: list[JSONTag] = []
        for cls in self.default_tags:
            self.register(cls)
        # PERF: while ``order`` still holds exactly the built-in tags (nothing
        # registered or inserted since) and ``tag`` is not overridden, values
        # of the JSON types are tagged by exact type, without asking each tag.
        self._builtin_order: list[JSONTag] | None = None
        if (
            type(self).tag is TaggedJSONSerializer.tag
            and [type(tag) for tag in self.order] == _BUILTIN_TAG_CLASSES
        ):
            self._builtin_order = list(self.order)

    def register(
        self,
        tag_class: type[JSONTag],
        force: bool = False,
        index: int | None = None,
    ) -> None:
        """Add a tag class to this serializer.

        :param tag_class: the :class:`JSONTag` subclass; it is instantiated with
            this serializer.
        :param force: replace a tag already registered under the same key
            instead of raising.
        :param index: where in the order to insert the tag; ``None`` appends it,
            so it is tried last.
        :raises KeyError: the key is already registered and ``force`` is false.
        """
        tag = tag_class(self)
        key = tag.key
        if key:
            if not force and key in self.tags:
                raise KeyError(f"Tag '{key}' is already registered.")
            self.tags[key] = tag
        if index is None:
            self.order.append(tag)
        else:
            self.order.insert(index, tag)

    def tag(self, value: t.Any) -> t.Any:
        """Return ``value`` in tagged form (the first matching tag wins)."""
        if self.order == self._builtin_order:
            return self._tag_builtin(value)
        return self._tag_in_order(value)

    def _tag_builtin(self, value: t.Any) -> t.Any:
        """Tag ``value`` as the built-in tags would, by exact type where it can."""
        kind = type(value)
        if kind in _PLAIN_JSON_TYPES:
            # No built-in tag takes these (none has __html__).
            return value
        if kind is dict:
            # COMPAT: a one-key dict whose key is a tag key is TagDict's.
            if len(value) != 1 or next(iter(value)) not in self.tags:
                tag = self._tag_builtin
                return {key: tag(item) for key, item in value.items()}
        elif kind is list:
            tag = self._tag_builtin
            return [tag(item) for item in value]
        return self._tag_in_order(value)

    def _tag_in_order(self, value: t.Any) -> t.Any:
        for tag in self.order:
            if tag.check(value):
                return tag.tag(value)
        return value

    def untag(self, value: dict[str, t.Any]) -> t.Any:
        """Convert a one-key object with a registered tag key back to its value.

        Any other dict is returned as it is.
        """
        if len(value) != 1:
            return value
        key = next(iter(value))
        tag = self.tags.get(key)
        if tag is None:
            return value
        return tag.to_python(value[key])

    def _untag_scan(self, value: t.Any) -> t.Any:
        """Untag ``value`` and everything inside it, innermost first."""
        if isinstance(value, dict):
            untag_scan = self._untag_scan
            # PERF: strings and numbers, most of a session, need no call.
            return self.untag(
                {
                    key: item if type(item) in _PLAIN_JSON_TYPES else untag_scan(item)
                    for key, item in value.items()
                }
            )
        if isinstance(value, list):
            untag_scan = self._untag_scan
            return [untag_scan(item) for item in value]
        return value

    def dumps(self, value: t.Any) -> str:
        """Tag ``value`` and serialise it to compact JSON (no spaces)."""
        return _dumps(self.tag(value), separators=(",", ":"))

    def loads(self, value: str | bytes) -> t.Any:
        """Parse compact tagged JSON and convert tagged values back."""
        return self._untag_scan(_loads(value))
