"""Rule syntax: turn a rule string such as ``"/items/<int(min=1):id>/"`` into parts.

Everything here is a pure function of its text arguments; :class:`~erlen.routing.Rule`
calls them once when it is bound to a map.
"""

from __future__ import annotations

import re
import typing as t

# A variable: ``<name>``, ``<converter:name>`` or ``<converter(arguments):name>``.
_VARIABLE_RE = re.compile(
    r"<(?:(?P<converter>[a-zA-Z_][a-zA-Z0-9_]*)(?:\((?P<arguments>[^)]*)\))?:)?"
    r"(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>"
)

# One converter argument: an optional ``keyword=`` and a literal, then a comma.
# SECURITY: the literal forms are matched by this regex and converted by hand;
# nothing is ever evaluated.
_ARGUMENT_RE = re.compile(
    r"\s*(?:(?P<keyword>[a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*)?"
    r"""(?:"(?P<dq>(?:[^"\\]|\\.)*)"|'(?P<sq>(?:[^'\\]|\\.)*)'|(?P<bare>[\w.+-]+))"""
    r"\s*(?:,|$)"
)
_ESCAPE_RE = re.compile(r"\\(.)")
_KEYWORDS: dict[str, t.Any] = {"None": None, "True": True, "False": False}


class RuleVariable(t.NamedTuple):
    """A ``<converter(arguments):name>`` placeholder found by :func:`parse_rule`."""

    converter: str
    arguments: str | None
    name: str


def parse_rule(rule: str) -> list[str | RuleVariable]:
    """Split a rule string into static text and variables.

    >>> parse_rule("/items/<int(min=1):id>/")
    ['/items/', RuleVariable(converter='int', arguments='min=1', name='id'), '/']

    A variable without a converter uses ``"default"``. Static text is returned
    exactly as written (it is escaped or quoted later, where it is used).

    :raises ValueError: a ``<`` or ``>`` that does not form a variable, or a
        variable name used twice.
    """
    tokens: list[str | RuleVariable] = []
    seen: set[str] = set()
    position = 0
    for match in _VARIABLE_RE.finditer(rule):
        _add_static(tokens, rule, rule[position : match.start()])
        name = match["name"]
        if name in seen:
            raise ValueError(f"variable name {name!r} used twice in rule {rule!r}.")
        seen.add(name)
        tokens.append(
            RuleVariable(match["converter"] or "default", match["arguments"], name)
        )
        position = match.end()
    _add_static(tokens, rule, rule[position:])
    return tokens


def _add_static(tokens: list[str | RuleVariable], rule: str, text: str) -> None:
    # COMPAT: Werkzeug rejects a stray "<" but lets a lone ">" through as text.
    if "<" in text:
        raise ValueError(f"malformed url rule: {rule!r}")
    if text:
        tokens.append(text)


def parse_converter_args(argstr: str) -> tuple[tuple[t.Any, ...], dict[str, t.Any]]:
    """Parse the text between a converter's parentheses.

    >>> parse_converter_args("2, 'a b', min=1.5, signed=True")
    ((2, 'a b'), {'min': 1.5, 'signed': True})

    Literals are ints, floats, quoted strings, ``True``/``False``/``None``, and bare
    words, which are kept as strings.

    :raises ValueError: text that is not a comma-separated list of literals.
    """
    args: list[t.Any] = []
    kwargs: dict[str, t.Any] = {}
    position = 0
    length = len(argstr)
    while position < length:
        match = _ARGUMENT_RE.match(argstr, position)
        if match is None:
            if argstr[position:].strip():
                raise ValueError(f"cannot parse converter arguments {argstr!r}")
            break
        value = _make_literal(match)
        if match["keyword"] is not None:
            kwargs[match["keyword"]] = value
        else:
            args.append(value)
        position = match.end()
    return tuple(args), kwargs


def _make_literal(match: re.Match[str]) -> t.Any:
    quoted = match["dq"] if match["dq"] is not None else match["sq"]
    if quoted is not None:
        return _ESCAPE_RE.sub(r"\1", quoted)
    bare: str = match["bare"]
    if bare in _KEYWORDS:
        return _KEYWORDS[bare]
    for convert in (int, float):
        try:
            return convert(bare)
        except ValueError:
            pass
    return bare


class RulePart(t.NamedTuple):
    """One position of the matcher: a path segment, or the rest of the path.

    ``content`` is the literal text of a static part, or a regular expression
    (named groups ``_v0``, ``_v1``, ... for the variables) otherwise. ``final``
    parts span the rest of the path, slashes included; a ``suffixed`` final part
    ends in an optional slash captured by the group ``_s``. ``weight`` orders the
    dynamic parts at one position: lower is tried first.
    """

    content: str
    static: bool
    final: bool
    suffixed: bool
    weight: tuple[t.Any, ...]


class _PartBuilder:
    """Accumulate the pieces of one part while walking a rule's tokens."""

    __slots__ = ("pieces", "static_runs", "converter_weights", "final")

    def __init__(self) -> None:
        # (is_regex, text): static text is escaped only if the part is dynamic.
        self.pieces: list[tuple[bool, str]] = []
        self.static_runs: list[tuple[int, int]] = []
        self.converter_weights: list[int] = []
        self.final = False

    def add_text(self, text: str) -> None:
        self.static_runs.append((len(self.static_runs), -len(text)))
        self.pieces.append((False, text))

    def add_variable(self, regex: str, weight: int) -> None:
        self.pieces.append((True, f"(?P<_v{len(self.converter_weights)}>{regex})"))
        self.converter_weights.append(weight)

    def finish(self, suffixed: bool = False) -> RulePart:
        weight = (
            -len(self.static_runs),
            self.static_runs,
            -len(self.converter_weights),
            self.converter_weights,
        )
        if not self.converter_weights:
            return RulePart(
                "".join(text for _, text in self.pieces), True, False, False, weight
            )
        content = "".join(
            text if is_regex else re.escape(text) for is_regex, text in self.pieces
        )
        if suffixed:
            content += "(?<!/)(?P<_s>/?)"
        return RulePart(content + r"\Z", False, self.final, suffixed, weight)


# A variable as the matcher sees it: its regex, weight and part_isolating flag.
ConverterSpec = tuple[str, int, bool]


def make_parts(
    tokens: list[str | RuleVariable], converters: t.Mapping[str, ConverterSpec]
) -> list[RulePart]:
    """Turn the tokens of one side of a rule (domain or path) into matcher parts.

    A ``/`` in static text ends a part, until a variable whose converter is not
    part-isolating makes the part final: it then takes the rest of the rule.

    >>> make_parts(parse_rule("/a/<x>"), {"x": ("[^/]+", 100, True)})
    ... # doctest: +NORMALIZE_WHITESPACE
    [RulePart(content='', static=True, final=False, suffixed=False,
              weight=(0, [], 0, [])),
     RulePart(content='a', static=True, final=False, suffixed=False,
              weight=(-1, [(0, -1)], 0, [])),
     RulePart(content='(?P<_v0>[^/]+)\\Z', static=False, final=False,
              suffixed=False, weight=(0, [], -1, [100]))]
    """
    parts: list[RulePart] = []
    builder = _PartBuilder()
    for token in tokens:
        if isinstance(token, RuleVariable):
            regex, weight, isolating = converters[token.name]
            builder.final = builder.final or not isolating
            builder.add_variable(regex, weight)
            continue
        for index, text in enumerate(token.split("/")):
            if index and builder.final:
                builder.pieces.append((True, "/"))
            elif index:
                parts.append(builder.finish())
                builder = _PartBuilder()
            if text:
                builder.add_text(text)
    if builder.final and builder.pieces[-1] == (True, "/"):
        # COMPAT: a final part ending in "/" matches with or without the slash;
        # without it the matcher asks for a redirect, as for strict slashes.
        builder.pieces.pop()
        last = builder.finish(suffixed=True)
        parts.append(last)
        parts.append(RulePart("", True, False, False, last.weight))
    else:
        parts.append(builder.finish())
    return parts
