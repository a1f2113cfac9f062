"""URL routing: rules, converters, the map and its adapter (``werkzeug.routing``).

>>> m = Map([Rule("/", endpoint="index"), Rule("/items/<int:id>", endpoint="item")])
>>> m.bind("example.com").match("/items/3")
('item', {'id': 3})
"""

from __future__ import annotations

from .adapter import MapAdapter as MapAdapter
from .converters import DEFAULT_CONVERTERS as DEFAULT_CONVERTERS
from .converters import AnyConverter as AnyConverter
from .converters import BaseConverter as BaseConverter
from .converters import FloatConverter as FloatConverter
from .converters import IntegerConverter as IntegerConverter
from .converters import NumberConverter as NumberConverter
from .converters import PathConverter as PathConverter
from .converters import UnicodeConverter as UnicodeConverter
from .converters import UUIDConverter as UUIDConverter
from .converters import ValidationError as ValidationError
from .exceptions import BuildError as BuildError
from .exceptions import NeedsAdapter as NeedsAdapter
from .exceptions import NoMatch as NoMatch
from .exceptions import RequestAliasRedirect as RequestAliasRedirect
from .exceptions import RequestPath as RequestPath
from .exceptions import RequestRedirect as RequestRedirect
from .exceptions import RoutingException as RoutingException
from .exceptions import WebsocketMismatch as WebsocketMismatch
from .map import Map as Map
from .rule import Rule as Rule
from .rule import RuleFactory as RuleFactory
from .rule_factories import EndpointPrefix as EndpointPrefix
from .rule_factories import RuleTemplate as RuleTemplate
from .rule_factories import RuleTemplateFactory as RuleTemplateFactory
from .rule_factories import Subdomain as Subdomain
from .rule_factories import Submount as Submount
from .rules import parse_converter_args as parse_converter_args
from .rules import parse_rule as parse_rule
