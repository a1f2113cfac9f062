"""URL converters: turn a matched piece of a path into a Python value and back.

A converter class has a ``regex`` that matches its piece of the path, a
``weight`` that orders it against other converters at the same position (lower
is tried first), ``to_python`` for matching and ``to_url`` for building.
"""

from __future__ import annotations

import re
import typing as t
import uuid
from urllib.parse import quote

if t.TYPE_CHECKING:
    from .map import Map

# COMPAT: the characters Werkzeug leaves unquoted when it builds a URL part.
URL_SAFE = "!$&'()*+,/:;=@"


class ValidationError(ValueError):
    """Raised by a converter when a value does not fit.

    During matching it turns the match into a 404; during building it makes the
    rule unusable for the given values.
    """


class BaseConverter:
    """The base of every converter; matches one non-empty path segment.

    :param map: the :class:`~erlen.routing.Map` the rule is bound to.
    """

    regex = "[^/]+"
    weight = 100
    part_isolating = True

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        # COMPAT: a subclass that sets a regex spanning "/" without saying
        # whether it isolates parts is treated as spanning parts.
        if "regex" in cls.__dict__ and "part_isolating" not in cls.__dict__:
            cls.part_isolating = "/" not in cls.regex

    def __init__(self, map: Map, *args: t.Any, **kwargs: t.Any) -> None:
        self.map = map

    def to_python(self, value: str) -> t.Any:
        """Convert the matched text into the value passed to the view."""
        return value

    def to_url(self, value: t.Any) -> str:
        """Convert a value into quoted URL text."""
        return quote(str(value), safe=URL_SAFE)


class UnicodeConverter(BaseConverter):
    """Match a segment of text without slashes (``string``, the default).

    :param minlength: the minimum length, 1 by default.
    :param maxlength: the maximum length, unbounded by default.
    :param length: an exact length, overriding the other two.
    """

    def __init__(
        self,
        map: Map,
        minlength: int = 1,
        maxlength: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(map)
        if length is not None:
            quantifier = f"{{{int(length)}}}"
        else:
            upper = "" if maxlength is None else int(maxlength)
            quantifier = f"{{{int(minlength)},{upper}}}"
        self.regex = f"[^/]{quantifier}"


class AnyConverter(BaseConverter):
    """Match exactly one of the given words.

    :param items: the accepted values.
    """

    def __init__(self, map: Map, *items: str) -> None:
        super().__init__(map)
        self.items = set(items)
        self.regex = "(?:" + "|".join(re.escape(x) for x in items) + ")"

    def to_url(self, value: t.Any) -> str:
        """Return ``value`` if it is one of the items; raise ``ValueError``."""
        if value in self.items:
            return str(value)
        valid = ", ".join(f"'{item}'" for item in sorted(self.items))
        raise ValueError(f"'{value}' is not one of {valid}")


class PathConverter(BaseConverter):
    """Match the rest of the path, slashes included (never empty)."""

    regex = "[^/].*?"
    weight = 200
    part_isolating = False


class NumberConverter(BaseConverter):
    """The shared base of :class:`IntegerConverter` and :class:`FloatConverter`."""

    weight = 50
    num_convert: t.Callable[[t.Any], t.Any] = int

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        if signed:
            self.regex = self.signed_regex
        super().__init__(map)
        self.fixed_digits = fixed_digits
        self.min = min
        self.max = max
        self.signed = signed

    signed_regex = r"-?\d+"

    def to_python(self, value: str) -> t.Any:
        """Convert to a number, checking the digit count and the bounds."""
        if self.fixed_digits and len(value) != self.fixed_digits:
            raise ValidationError()
        try:
            number = self.num_convert(value)
        except ValueError:
            # SECURITY: int() refuses more than 4300 digits; a huge number in a
            # URL is a 404, not a 500 (Werkzeug lets the ValueError escape).
            raise ValidationError() from None
        if (self.min is not None and number < self.min) or (
            self.max is not None and number > self.max
        ):
            raise ValidationError()
        return number

    def to_url(self, value: t.Any) -> str:
        """Format the number, zero-padded to ``fixed_digits``."""
        text = str(self.num_convert(value))
        if self.fixed_digits:
            text = text.zfill(self.fixed_digits)
        return text


class IntegerConverter(NumberConverter):
    """Match a non-negative integer (``int``); ``signed=True`` allows ``-``.

    :param fixed_digits: the exact number of digits; pads when building.
    :param min: the smallest accepted value.
    :param max: the largest accepted value.
    :param signed: accept negative values.
    """

    regex = r"\d+"


class FloatConverter(NumberConverter):
    """Match a decimal number with a point (``float``).

    :param min: the smallest accepted value.
    :param max: the largest accepted value.
    :param signed: accept negative values.
    """

    regex = r"\d+\.\d+"
    signed_regex = r"-?\d+\.\d+"
    num_convert = float

    def __init__(
        self,
        map: Map,
        min: float | None = None,
        max: float | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(map, min=min, max=max, signed=signed)


class UUIDConverter(BaseConverter):
    """Match a UUID in its canonical hex-and-dashes form (``uuid``)."""

    regex = (
        "[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}"
    )

    def to_python(self, value: str) -> uuid.UUID:
        """Return a :class:`uuid.UUID`."""
        return uuid.UUID(value)

    def to_url(self, value: t.Any) -> str:
        """Return the canonical text of the UUID."""
        return str(value)


DEFAULT_CONVERTERS: t.Mapping[str, type[BaseConverter]] = {
    "default": UnicodeConverter,
    "string": UnicodeConverter,
    "any": AnyConverter,
    "path": PathConverter,
    "int": IntegerConverter,
    "float": FloatConverter,
    "uuid": UUIDConverter,
}
