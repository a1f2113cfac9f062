"""The :class:`Rule` object: one URL pattern, its endpoint and its options."""

from __future__ import annotations

import collections.abc as cabc
import re
import typing as t
from urllib.parse import quote
from urllib.parse import urlencode

from .converters import URL_SAFE
from .converters import BaseConverter
from .converters import ValidationError
from .rules import RulePart
from .rules import RuleVariable
from .rules import make_parts
from .rules import parse_converter_args
from .rules import parse_rule

if t.TYPE_CHECKING:
    from .map import Map


# COMPAT: the characters Werkzeug leaves unquoted in a built query string.
_QUERY_SAFE = "!$'()*,/:;?@"
_SLASHES_RE = re.compile("/{2,}")
_WEBSOCKET_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# A build step: literal text, or a variable name with its converter.
_BuildStep = str | tuple[str, BaseConverter]


class RuleFactory:
    """A source of rules for :meth:`~erlen.routing.Map.add`.

    Subclasses (:class:`Submount`, :class:`Subdomain`, ...) transform the rules of
    the factories they wrap; a :class:`Rule` is its own factory.
    """

    def get_rules(self, map: Map) -> cabc.Iterable[Rule]:
        """Yield the rules this factory provides for ``map``."""
        raise NotImplementedError()


class Rule(RuleFactory):
    """A URL pattern with converters, mapped to an endpoint.

    :param string: the rule, starting with ``/``; ``<converter(args):name>``
        marks a variable part.
    :param defaults: values for variables the rule does not contain; also used
        to redirect to the canonical URL of an endpoint.
    :param subdomain: the subdomain pattern, when the map does not match hosts.
    :param methods: the allowed methods; ``HEAD`` is added with ``GET``.
    :param build_only: the rule is never matched, only built.
    :param endpoint: what the match returns; usually the view name.
    :param strict_slashes: redirect a missing trailing slash; the map's
        setting when ``None``.
    :param merge_slashes: redirect repeated slashes; the map's setting when
        ``None``.
    :param redirect_to: a rule string with placeholders, or a callable
        ``(adapter, **values) -> str``, to redirect to when this rule matches.
    :param alias: redirect to the endpoint's main rule when this one matches.
    :param host: the host pattern, when the map matches hosts.
    :param websocket: the rule matches only WebSocket requests.
    """

    provide_automatic_options = False

    def __init__(
        self,
        string: str,
        defaults: t.Mapping[str, t.Any] | None = None,
        subdomain: str | None = None,
        methods: t.Iterable[str] | None = None,
        build_only: bool = False,
        endpoint: t.Any | None = None,
        strict_slashes: bool | None = None,
        merge_slashes: bool | None = None,
        redirect_to: str | t.Callable[..., str] | None = None,
        alias: bool = False,
        host: str | None = None,
        websocket: bool = False,
    ) -> None:
        if not string.startswith("/"):
            raise ValueError(f"URL rule {string!r} must start with a slash.")
        self.rule = string
        self.is_leaf = not string.endswith("/")
        self.is_branch = string.endswith("/")
        self.map: Map = None  # type: ignore[assignment]  # set by bind()
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.subdomain = subdomain
        self.host = host
        self.defaults = defaults
        self.build_only = build_only
        self.alias = alias
        self.websocket = websocket
        self.methods = _normalize_methods(methods, websocket)
        self.endpoint: t.Any = endpoint
        self.redirect_to = redirect_to
        self.arguments: set[str] = set(map(str, defaults)) if defaults else set()
        self._converters: dict[str, BaseConverter] = {}
        self._trace: list[tuple[bool, str]] = []
        self._parts: list[RulePart] = []
        # PERF: per-variable (name, to_python or None for the identity), so a
        # match converts without looking anything up.
        self._match_plan: tuple[tuple[str, t.Callable[[str], t.Any] | None], ...] = ()
        self._domain_steps: list[_BuildStep] = []
        self._path_steps: list[_BuildStep] = []
        # Set when the map compiles: see Map.match_path.
        self._needs_adapter = False
        self._default_providers: tuple[Rule, ...] = ()

    def get_empty_kwargs(self) -> t.Mapping[str, t.Any]:
        """Return the keyword arguments that recreate this rule unbound."""
        defaults = dict(self.defaults) if self.defaults else None
        return {
            "defaults": defaults,
            "subdomain": self.subdomain,
            "methods": self.methods,
            "build_only": self.build_only,
            "endpoint": self.endpoint,
            "strict_slashes": self.strict_slashes,
            "redirect_to": self.redirect_to,
            "alias": self.alias,
            "host": self.host,
        }

    def empty(self) -> Rule:
        """Return an unbound copy of this rule."""
        return type(self)(self.rule, **self.get_empty_kwargs())

    def get_rules(self, map: Map) -> cabc.Iterator[Rule]:
        """Yield this rule."""
        yield self

    def refresh(self) -> None:
        """Compile the rule again after the map's settings changed."""
        self.bind(self.map, rebind=True)

    def bind(self, map: Map, rebind: bool = False) -> None:
        """Attach the rule to ``map`` and compile it.

        :raises RuntimeError: the rule is already bound and ``rebind`` is false.
        """
        if t.cast(t.Any, self.map) is not None and not rebind:
            raise RuntimeError(f"url rule {self!r} already bound to map {self.map!r}")
        self.map = map
        if self.strict_slashes is None:
            self.strict_slashes = map.strict_slashes
        if self.merge_slashes is None:
            self.merge_slashes = map.merge_slashes
        if self.subdomain is None:
            self.subdomain = map.default_subdomain
        self.compile()

    def get_converter(
        self,
        variable_name: str,
        converter_name: str,
        args: tuple[t.Any, ...],
        kwargs: t.Mapping[str, t.Any],
    ) -> BaseConverter:
        """Instantiate the converter ``converter_name`` of the bound map.

        :raises LookupError: the map has no such converter.
        """
        if converter_name not in self.map.converters:
            raise LookupError(f"the converter {converter_name!r} does not exist")
        return self.map.converters[converter_name](self.map, *args, **kwargs)

    def compile(self) -> None:
        """Parse the rule into matcher parts and URL-building steps."""
        if self.map.host_matching:
            domain_rule = self.host or ""
        else:
            domain_rule = self.subdomain or ""
        path_rule = self.rule
        if self.merge_slashes:
            # COMPAT: with merged slashes, "/a//b" is the rule "/a/b" for
            # matching and building, as in Werkzeug.
            path_rule = _SLASHES_RE.sub("/", path_rule)
        domain_tokens = parse_rule(domain_rule)
        path_tokens = parse_rule(path_rule)
        self._converters = {}
        for token in (*domain_tokens, *path_tokens):
            if isinstance(token, RuleVariable):
                self._add_converter(token)
        specs = {
            name: (conv.regex, conv.weight, conv.part_isolating)
            for name, conv in self._converters.items()
        }
        self._parts = make_parts(domain_tokens, specs) + make_parts(path_tokens, specs)
        self._trace = [*_trace(domain_tokens), (False, "|"), *_trace(path_tokens)]
        self._domain_steps = self._make_steps(domain_tokens)
        self._path_steps = self._make_steps(path_tokens)
        self._match_plan = tuple(
            (name, None if _is_identity(conv) else conv.to_python)
            for name, conv in self._converters.items()
        )

    def _add_converter(self, token: RuleVariable) -> None:
        if token.name in self._converters:
            raise ValueError(
                f"variable name {token.name!r} used twice in rule {self.rule!r}."
            )
        if token.arguments:
            args, kwargs = parse_converter_args(token.arguments)
        else:
            args, kwargs = (), {}
        converter = self.get_converter(token.name, token.converter, args, kwargs)
        self._converters[token.name] = converter
        self.arguments.add(token.name)

    def _make_steps(self, tokens: list[str | RuleVariable]) -> list[_BuildStep]:
        # PERF: defaults and static text are converted and quoted once here;
        # build() only fills the variable slots.
        defaults = self.defaults or {}
        steps: list[_BuildStep] = []
        for token in tokens:
            if isinstance(token, str):
                steps.append(quote(token, safe=URL_SAFE))
            elif token.name in defaults:
                converter = self._converters[token.name]
                steps.append(converter.to_url(defaults[token.name]))
            else:
                steps.append((token.name, self._converters[token.name]))
        return steps

    def build(
        self, values: t.Mapping[str, t.Any], append_unknown: bool = True
    ) -> tuple[str, str] | None:
        """Build ``(domain, path)`` from ``values``, or ``None`` if a converter
        rejects a value. Values that are not arguments of the rule become the
        query string when ``append_unknown`` is true.
        """
        try:
            domain = _fill(self._domain_steps, values)
            path = _fill(self._path_steps, values)
        except ValidationError:
            return None
        if append_unknown:
            query = self._encode_query(values)
            if query:
                path = f"{path}?{query}"
        return domain, path

    def _encode_query(self, values: t.Mapping[str, t.Any]) -> str:
        items: list[tuple[str, t.Any]] = []
        for key, value in values.items():
            if key in self.arguments:
                continue
            if isinstance(value, (list, tuple, set, frozenset)):
                items.extend((key, item) for item in value if item is not None)
            elif value is not None:
                items.append((key, value))
        if self.map.sort_parameters:
            items.sort(key=self.map.sort_key)
        return urlencode(items, safe=_QUERY_SAFE)

    def provides_defaults_for(self, rule: Rule) -> bool:
        """Whether this rule is the default-providing form of ``rule``'s URL."""
        return bool(
            not self.build_only
            and self.defaults
            and self.endpoint == rule.endpoint
            and self != rule
            and self.arguments == rule.arguments
        )

    def suitable_for(
        self, values: t.Mapping[str, t.Any], method: str | None = None
    ) -> bool:
        """Whether this rule can build a URL from ``values`` for ``method``."""
        if method is not None and self.methods is not None:
            if method not in self.methods:
                return False
        defaults = self.defaults or {}
        for key in self.arguments:
            if key not in defaults and key not in values:
                return False
        for key, value in defaults.items():
            if key in values and value != values[key]:
                return False
        return True

    def build_compare_key(self) -> tuple[int, int, int]:
        """Sort key for building: non-aliases, then more arguments, more defaults."""
        return (1 if self.alias else 0, -len(self.arguments), -len(self.defaults or ()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, type(self)) and self._trace == other._trace

    __hash__ = None  # type: ignore[assignment]  # COMPAT: rules compare by trace

    def __str__(self) -> str:
        return self.rule

    def __repr__(self) -> str:
        if t.cast(t.Any, self.map) is None:
            return f"<{type(self).__name__} (unbound)>"
        text = "".join(
            f"<{data}>" if dynamic else data for dynamic, data in self._trace
        )
        methods = f" ({', '.join(sorted(self.methods))})" if self.methods else ""
        return (
            f"<{type(self).__name__} {text.lstrip('|')!r}{methods} -> {self.endpoint}>"
        )


def _normalize_methods(
    methods: t.Iterable[str] | None, websocket: bool
) -> set[str] | None:
    if methods is None:
        return None
    if isinstance(methods, str):
        raise TypeError("'methods' should be a list of strings.")
    normalized = {method.upper() for method in methods}
    if "GET" in normalized:
        normalized.add("HEAD")
    if websocket and normalized - _WEBSOCKET_METHODS:
        raise ValueError(
            "WebSocket rules can only use 'GET', 'HEAD', and 'OPTIONS' methods."
        )
    return normalized


def _trace(tokens: list[str | RuleVariable]) -> list[tuple[bool, str]]:
    return [
        (False, token) if isinstance(token, str) else (True, token.name)
        for token in tokens
    ]


def _is_identity(converter: BaseConverter) -> bool:
    return type(converter).to_python is BaseConverter.to_python


def _fill(steps: list[_BuildStep], values: t.Mapping[str, t.Any]) -> str:
    return "".join(
        step if isinstance(step, str) else step[1].to_url(values[step[0]])
        for step in steps
    )
