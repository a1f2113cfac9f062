"""The hot path: a segment trie that matches a path against every rule at once.

Each node has static edges (a dict from segment text to node) and dynamic edges
(compiled patterns ordered by weight). A search tries the static edge first and
the dynamic edges after it, backtracking on failure, which gives Werkzeug's
priorities: static before dynamic, lighter converters first, and the first
added rule among rules of equal shape.

Every node sits at one depth, so a search visits each node at most once per
pass (two passes when slashes are merged): the work is bounded by the size of
the trie, not by the number of ways segments could be split. Nothing is cached
per request; a success allocates the parts list, the value tuple and the dict.
"""

from __future__ import annotations

import re
import typing as t

from .converters import ValidationError
from .exceptions import NoMatch
from .exceptions import RequestAliasRedirect
from .exceptions import RequestPath
from .rules import RulePart

if t.TYPE_CHECKING:
    from .rule import Rule

# Runs of slashes become one slash in the second (merging) pass.
_MERGE_RE = re.compile("/{2,}")
_TRAILING = ("",)

_Found = tuple["Rule", tuple[str, ...]]


class _SlashRequired(Exception):
    pass


class _Misses:
    """What the failed search saw: methods of path matches, websocket mismatch."""

    __slots__ = ("methods", "websocket")

    def __init__(self) -> None:
        self.methods: set[str] = set()
        self.websocket = False


class Edge:
    """A dynamic transition: a compiled part pattern and the node it leads to."""

    __slots__ = ("part", "match", "names", "single", "whole", "node")

    def __init__(self, part: RulePart, node: Node) -> None:
        self.part = part
        self.node = node
        pattern = re.compile(part.content)
        self.match = pattern.match
        self.names = tuple(name for name in pattern.groupindex if name.startswith("_v"))
        self.single = len(self.names) == 1
        # PERF: a part that is a single variable yields the segment itself,
        # so the match object is not read.
        self.whole = (
            not part.final
            and len(self.names) == 1
            and part.content.startswith("(?P<_v0>")
            and part.weight[0] == 0
        )


class Node:
    """A trie node: the rules that end here and the edges that leave it."""

    __slots__ = ("static", "dynamic", "rules", "lenient", "simple")

    def __init__(self) -> None:
        self.static: dict[str, Node] = {}
        self.dynamic: list[Edge] = []
        self.rules: list[Rule] = []
        # True when a rule here matches with an extra trailing slash.
        self.lenient = False
        # True when the static edges are the only way on (set by _finish).
        self.simple = False


class Matcher:
    """The compiled form of a map's matchable rules.

    :param rules: the rules, in the order they were added.
    :param merge_slashes: the map's ``merge_slashes`` setting.
    """

    def __init__(self, rules: t.Iterable[Rule], merge_slashes: bool) -> None:
        self.root = Node()
        self.merge_slashes = merge_slashes
        # PERF: rules without converters, by domain then path; ``plain`` is the
        # table of the empty domain, so the common lookup builds no key tuple.
        self.static: dict[str, dict[str, list[Rule]]] = {}
        self.plain: dict[str, list[Rule]] = self.static.setdefault("", {})
        for rule in rules:
            self._add(rule)
        self._finish(self.root)

    def _add(self, rule: Rule) -> None:
        node = self.root
        for part in rule._parts:
            if part.static:
                node = node.static.setdefault(part.content, Node())
                continue
            for edge in node.dynamic:
                if edge.part == part:
                    node = edge.node
                    break
            else:
                edge = Edge(part, Node())
                node.dynamic.append(edge)
                node = edge.node
        node.rules.append(rule)
        node.lenient = node.lenient or not rule.strict_slashes
        if all(part.static for part in rule._parts):
            path = "/".join(part.content for part in rule._parts[1:])
            # COMPAT: leading slashes are stripped before matching, so a rule
            # starting with "//" never matches a path; keep it out of the table.
            if not path.startswith("//"):
                table = self.static.setdefault(rule._parts[0].content, {})
                table[path] = node.rules

    def _finish(self, node: Node) -> None:
        node.dynamic.sort(key=lambda edge: edge.part.weight)
        node.simple = not node.dynamic and not node.lenient
        for child in node.static.values():
            self._finish(child)
        for edge in node.dynamic:
            self._finish(edge.node)

    def describe(self) -> str:
        """Return the trie as indented text, one edge per line."""
        lines = [f"static table: {self._static_count()} paths"]
        self._describe(self.root, 0, lines)
        return "\n".join(lines)

    def _describe(self, node: Node, depth: int, lines: list[str]) -> None:
        indent = "  " * depth
        for rule in node.rules:
            lines.append(f"{indent}=> {rule!r}")
        for text, child in node.static.items():
            lines.append(f"{indent}{text!r}")
            self._describe(child, depth + 1, lines)
        for edge in node.dynamic:
            final = " (final)" if edge.part.final else ""
            lines.append(f"{indent}~ {edge.part.content}{final}")
            self._describe(edge.node, depth + 1, lines)

    def __repr__(self) -> str:
        return f"<Matcher {self._static_count()} static paths>\n{self.describe()}"

    def _static_count(self) -> int:
        return sum(map(len, self.static.values()))

    def match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, dict[str, t.Any]]:
        """Match a normalised path (``"/..."`` or ``""``) against the rules.

        :raises RequestPath: the path matches only after adding a trailing
            slash or merging slashes.
        :raises RequestAliasRedirect: an alias rule matched.
        :raises NoMatch: nothing matched; carries the methods for a 405.
        """
        found = self.find(domain, path, method, websocket)
        if type(found) is NoMatch:
            raise found
        return found  # type: ignore[return-value]

    def find(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> tuple[Rule, dict[str, t.Any]] | NoMatch:
        """:meth:`match`, returning the :class:`NoMatch` instead of raising it.

        # PERF: a 404 costs one raise less.
        """
        # PERF: the first pass is inlined; _search repeats it only on failure.
        parts = [domain, *path.split("/")]
        try:
            found = _walk(self.root, parts, 0, len(parts), (), method, websocket, None)
        except _SlashRequired:
            raise RequestPath(f"{path}/") from None
        if found is None:
            self._search_merged(domain, path, method, websocket, None)
            return self._no_match(domain, path, method, websocket)
        rule, values = found
        result: dict[str, t.Any] = {}
        index = 0
        for name, to_python in rule._match_plan:
            value = values[index]
            index += 1
            if to_python is not None:
                try:
                    value = to_python(value)
                except ValidationError:
                    return self._no_match(domain, path, method, websocket)
            result[name] = value
        if rule.defaults:
            result.update(rule.defaults)
        if rule.alias and rule.map.redirect_defaults:
            raise RequestAliasRedirect(result, rule.endpoint)
        return rule, result

    def _no_match(
        self, domain: str, path: str, method: str, websocket: bool
    ) -> NoMatch:
        # PERF: the search runs again collecting methods only when it failed,
        # so a successful match allocates nothing for a 405 it will not send.
        misses = _Misses()
        parts = [domain, *path.split("/")]
        found = _walk(self.root, parts, 0, len(parts), (), method, websocket, misses)
        if found is None:
            self._search_merged(domain, path, method, websocket, misses)
        return NoMatch(misses.methods, misses.websocket)

    def _search_merged(
        self,
        domain: str,
        path: str,
        method: str,
        websocket: bool,
        misses: _Misses | None,
    ) -> None:
        """Match again with slashes merged; a match raises the redirect."""
        if not self.merge_slashes or "//" not in path:
            return
        merged = _MERGE_RE.sub("/", path)
        parts = [domain, *merged.split("/")]
        try:
            found = _walk(
                self.root, parts, 0, len(parts), (), method, websocket, misses
            )
        except _SlashRequired:
            raise RequestPath(f"{merged}/") from None
        if found is not None and found[0].merge_slashes:
            raise RequestPath(merged)


def _walk(
    node: Node,
    parts: t.Sequence[str],
    index: int,
    count: int,
    values: tuple[str, ...],
    method: str,
    websocket: bool,
    misses: _Misses | None,
) -> _Found | None:
    """Depth-first search from ``node`` for ``parts[index:]``."""
    while True:
        if index == count:
            return _end(node, values, method, websocket, misses)
        part = parts[index]
        if node.simple:
            # PERF: no alternative at this node, so follow the static edge
            # in this loop instead of recursing.
            child = node.static.get(part)
            if child is None:
                return None
            node = child
            index += 1
            continue
        static = node.static
        if part in static:
            found = _walk(
                static[part], parts, index + 1, count, values, method, websocket, misses
            )
            if found is not None:
                return found
        for edge in node.dynamic:
            if not edge.whole:
                found = _try_edge(
                    edge, parts, index, count, values, method, websocket, misses
                )
            elif edge.match(part) is None:
                continue
            else:
                # PERF: one variable filling the segment, the common case, is
                # followed here without a call to _try_edge.
                found = _walk(
                    edge.node,
                    parts,
                    index + 1,
                    count,
                    (*values, part),
                    method,
                    websocket,
                    misses,
                )
            if found is not None:
                return found
        if node.lenient and part == "" and index == count - 1:
            # COMPAT: a rule without strict slashes also matches with one extra
            # trailing slash, once everything else failed.
            return _pick(node, values, method, websocket, misses, lenient=True)
        return None


def _try_edge(
    edge: Edge,
    parts: t.Sequence[str],
    index: int,
    count: int,
    values: tuple[str, ...],
    method: str,
    websocket: bool,
    misses: _Misses | None,
) -> _Found | None:
    """Follow a dynamic edge with static text or several variables, or a final one."""
    if edge.part.final:
        match = edge.match("/".join(parts[index:]))
        next_index = count
    else:
        match = edge.match(parts[index])
        next_index = index + 1
    if match is None:
        return None
    groups: t.Any = match.group(*edge.names)
    found = (*values, groups) if edge.single else (*values, *groups)
    if edge.part.suffixed and match["_s"] == "/":
        return _walk(edge.node, _TRAILING, 0, 1, found, method, websocket, misses)
    return _walk(edge.node, parts, next_index, count, found, method, websocket, misses)


def _pick(
    node: Node,
    values: tuple[str, ...],
    method: str,
    websocket: bool,
    misses: _Misses | None,
    lenient: bool = False,
) -> _Found | None:
    """Return the first rule at ``node`` that accepts the method and websocket."""
    for rule in node.rules:
        if lenient and rule.strict_slashes:
            continue
        methods = rule.methods
        if methods is not None and method not in methods:
            if misses is not None:
                misses.methods.update(methods)
        elif rule.websocket != websocket:
            if misses is not None:
                misses.websocket = True
        else:
            return rule, values
    return None


def _end(
    node: Node,
    values: tuple[str, ...],
    method: str,
    websocket: bool,
    misses: _Misses | None,
) -> _Found | None:
    """All parts are consumed: a rule here, or one that wants a trailing slash."""
    if misses is not None:
        found = _pick(node, values, method, websocket, misses)
        if found is not None:
            return found
    else:
        # PERF: the success path, inlined; _pick also records the misses.
        for rule in node.rules:
            methods = rule.methods
            if (methods is None or method in methods) and rule.websocket == websocket:
                return rule, values
    if "" not in node.static:
        return None
    for rule in node.static[""].rules:
        methods = rule.methods
        if rule.websocket == websocket and (methods is None or method in methods):
            if rule.strict_slashes:
                raise _SlashRequired()
            return rule, values
    return None
