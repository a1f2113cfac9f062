"""Rule factories: group rules under a subdomain, a path prefix or an endpoint
prefix, or stamp them out from a template."""

from __future__ import annotations

import collections.abc as cabc
import typing as t
from string import Template

from .rule import Rule
from .rule import RuleFactory

if t.TYPE_CHECKING:
    from .map import Map


class Subdomain(RuleFactory):
    """Give every wrapped rule the subdomain ``subdomain``.

    :param subdomain: the subdomain pattern, may contain variables.
    :param rules: the rules and factories to wrap.
    """

    def __init__(self, subdomain: str, rules: cabc.Iterable[RuleFactory]) -> None:
        self.subdomain = subdomain
        self.rules = rules

    def get_rules(self, map: Map) -> cabc.Iterator[Rule]:
        """Yield unbound copies of the wrapped rules with the subdomain set."""
        for factory in self.rules:
            for rule in factory.get_rules(map):
                rule = rule.empty()
                rule.subdomain = self.subdomain
                yield rule


class Submount(RuleFactory):
    """Prefix every wrapped rule with the path ``path``.

    :param path: the prefix; a trailing slash is ignored.
    :param rules: the rules and factories to wrap.
    """

    def __init__(self, path: str, rules: cabc.Iterable[RuleFactory]) -> None:
        self.path = path.rstrip("/")
        self.rules = rules

    def get_rules(self, map: Map) -> cabc.Iterator[Rule]:
        """Yield unbound copies of the wrapped rules under the prefix."""
        for factory in self.rules:
            for rule in factory.get_rules(map):
                rule = rule.empty()
                rule.rule = self.path + rule.rule
                yield rule


class EndpointPrefix(RuleFactory):
    """Prefix the endpoint of every wrapped rule with ``prefix``.

    :param prefix: the text put before each endpoint.
    :param rules: the rules and factories to wrap.
    """

    def __init__(self, prefix: str, rules: cabc.Iterable[RuleFactory]) -> None:
        self.prefix = prefix
        self.rules = rules

    def get_rules(self, map: Map) -> cabc.Iterator[Rule]:
        """Yield unbound copies of the wrapped rules with prefixed endpoints."""
        for factory in self.rules:
            for rule in factory.get_rules(map):
                rule = rule.empty()
                rule.endpoint = self.prefix + rule.endpoint
                yield rule


class RuleTemplate:
    """Rules with ``$name`` placeholders, filled in when the template is called.

    >>> template = RuleTemplate([Rule("/$kind/", endpoint="${kind}_index")])
    >>> [rule.rule for rule in template(kind="blog").get_rules(None)]
    ['/blog/']

    :param rules: the rules, with :class:`string.Template` placeholders in the
        rule string, the endpoint, the subdomain and string defaults.
    """

    def __init__(self, rules: cabc.Iterable[Rule]) -> None:
        self.rules = list(rules)

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> RuleTemplateFactory:
        """Return a factory that fills the placeholders with the given values."""
        return RuleTemplateFactory(self.rules, dict(*args, **kwargs))


class RuleTemplateFactory(RuleFactory):
    """The rules of a :class:`RuleTemplate` with its placeholders filled in.

    :param rules: the template rules.
    :param context: the placeholder values.
    """

    def __init__(
        self, rules: cabc.Iterable[RuleFactory], context: dict[str, t.Any]
    ) -> None:
        self.rules = rules
        self.context = context

    def get_rules(self, map: Map) -> cabc.Iterator[Rule]:
        """Yield new rules with every placeholder substituted."""
        for factory in self.rules:
            for rule in factory.get_rules(map):
                yield self._fill(rule)

    def _fill(self, rule: Rule) -> Rule:
        defaults = None
        if rule.defaults:
            defaults = {
                key: self._sub(value) if isinstance(value, str) else value
                for key, value in rule.defaults.items()
            }
        subdomain = None if rule.subdomain is None else self._sub(rule.subdomain)
        endpoint = rule.endpoint
        if isinstance(endpoint, str):
            endpoint = self._sub(endpoint)
        return Rule(
            self._sub(rule.rule),
            defaults,
            subdomain,
            rule.methods,
            rule.build_only,
            endpoint,
            rule.strict_slashes,
        )

    def _sub(self, text: str) -> str:
        return Template(text).substitute(self.context)
