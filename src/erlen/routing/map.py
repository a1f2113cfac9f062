"""The URL map: rules plus settings, bound to a request as a :class:`MapAdapter`."""

from __future__ import annotations

import collections.abc as cabc
import threading
import typing as t
import warnings
from pprint import pformat
from types import MappingProxyType

from ..exceptions import BadHost
from ..exceptions import MethodNotAllowed
from ..exceptions import NotFound
from ._matcher import Matcher
from .adapter import MapAdapter
from .converters import DEFAULT_CONVERTERS
from .converters import BaseConverter
from .exceptions import NeedsAdapter
from .exceptions import NoMatch
from .exceptions import RequestAliasRedirect
from .exceptions import RequestPath
from .rule import Rule
from .rule import RuleFactory

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment


class Map:
    """All URL rules of an application, with the settings they share.

    :param rules: rules and rule factories to add.
    :param default_subdomain: the subdomain of rules that do not set one.
    :param strict_slashes: redirect ``/dir`` to ``/dir/`` for branch rules.
    :param merge_slashes: redirect paths with repeated slashes to the merged path.
    :param redirect_defaults: redirect to the rule that provides the defaults of
        an endpoint when another rule of it matches with the default values.
    :param converters: extra converters by name, on top of the defaults.
    :param sort_parameters: sort the query string of built URLs.
    :param sort_key: the sort key for ``sort_parameters``.
    :param host_matching: match the full host (``Rule.host``) instead of the
        subdomain.
    """

    default_converters: t.Mapping[str, type[BaseConverter]] = MappingProxyType(
        dict(DEFAULT_CONVERTERS)
    )
    lock_class = threading.Lock

    def __init__(
        self,
        rules: t.Iterable[RuleFactory] | None = None,
        default_subdomain: str = "",
        strict_slashes: bool = True,
        merge_slashes: bool = True,
        redirect_defaults: bool = True,
        converters: t.Mapping[str, type[BaseConverter]] | None = None,
        sort_parameters: bool = False,
        sort_key: t.Callable[[t.Any], t.Any] | None = None,
        host_matching: bool = False,
    ) -> None:
        self._matcher: Matcher | None = None
        self._rules: list[Rule] = []
        self._rules_by_endpoint: dict[t.Any, list[Rule]] = {}
        self._remap_lock = self.lock_class()
        self.default_subdomain = default_subdomain
        self.strict_slashes = strict_slashes
        self.merge_slashes = merge_slashes
        self.redirect_defaults = redirect_defaults
        self.host_matching = host_matching
        self.converters: dict[str, type[BaseConverter]] = dict(self.default_converters)
        if converters:
            self.converters.update(converters)
        self.sort_parameters = sort_parameters
        self.sort_key = sort_key
        for factory in rules or ():
            self.add(factory)

    def is_endpoint_expecting(self, endpoint: t.Any, *arguments: str) -> bool:
        """Whether some rule of ``endpoint`` takes all of ``arguments``.

        :raises KeyError: no rule has this endpoint.
        """
        self.update()
        wanted = set(arguments)
        return any(
            wanted <= rule.arguments for rule in self._rules_by_endpoint[endpoint]
        )

    def iter_rules(self, endpoint: t.Any | None = None) -> cabc.Iterator[Rule]:
        """Iterate over all rules, or over the rules of ``endpoint``, in the
        order :meth:`~MapAdapter.build` tries them.

        :raises KeyError: ``endpoint`` has no rule.
        """
        self.update()
        if endpoint is not None:
            return iter(self._rules_by_endpoint[endpoint])
        # COMPAT: grouped by endpoint (first seen first), each group in build order.
        return (rule for rules in self._rules_by_endpoint.values() for rule in rules)

    def add(self, rulefactory: RuleFactory) -> None:
        """Bind and add a rule, or every rule of a factory.

        Adding after the first match is allowed; the matcher is compiled again
        on the next match.
        """
        for rule in rulefactory.get_rules(self):
            rule.bind(self)
            self._rules.append(rule)
            self._rules_by_endpoint.setdefault(rule.endpoint, []).append(rule)
        with self._remap_lock:
            self._matcher = None

    def update(self) -> None:
        """Sort the rules of each endpoint for building and compile the matcher.

        Called automatically; call it after changing rules in place.
        """
        self._get_matcher()

    def _compile(self) -> Matcher:
        # Called with the lock held.
        for rules in self._rules_by_endpoint.values():
            rules.sort(key=Rule.build_compare_key)
        for rule in self._rules:
            rule._default_providers = self._find_default_providers(rule)
            rule._needs_adapter = self._needs_adapter(rule)
        matcher = Matcher(
            (rule for rule in self._rules if not rule.build_only), self.merge_slashes
        )
        self._matcher = matcher
        return matcher

    def _needs_adapter(self, rule: Rule) -> bool:
        if rule.redirect_to is not None:
            return True
        return self.redirect_defaults and bool(rule.alias or rule._default_providers)

    def _find_default_providers(self, rule: Rule) -> tuple[Rule, ...]:
        """Rules of the same endpoint, tried before ``rule``, that provide its
        values as defaults (Werkzeug's ``redirect_defaults`` candidates)."""
        providers = []
        for other in self._rules_by_endpoint.get(rule.endpoint, ()):
            if other is rule:
                break
            if other.provides_defaults_for(rule):
                providers.append(other)
        return tuple(providers)

    def _get_matcher(self) -> Matcher:
        matcher = self._matcher
        if matcher is None:
            # PERF: compiled once, on first use, under the lock; add() drops it.
            with self._remap_lock:
                matcher = self._matcher
                if matcher is None:
                    matcher = self._compile()
        return matcher

    def describe(self) -> str:
        """Return the compiled matcher as text, for debugging."""
        return self._get_matcher().describe()

    def match_path(
        self, path: str, method: str, domain: str = ""
    ) -> tuple[Rule, dict[str, t.Any]]:
        """Match ``PATH_INFO`` and ``REQUEST_METHOD`` without an adapter.

        :param path: the decoded path, as in ``PATH_INFO``.
        :param method: the upper-case request method.
        :param domain: the subdomain, or the host when matching hosts.
        :return: the rule and its converted values, defaults included.
        :raises NotFound: no rule matches the path.
        :raises MethodNotAllowed: rules match the path, not the method.
        :raises NeedsAdapter: the answer is a redirect or a WebSocket mismatch;
            match again with :meth:`bind_to_environ`.
        """
        matcher = self._matcher or self._get_matcher()
        # PERF: a path without converters is one dict lookup.
        table = matcher.static.get(domain) if domain else matcher.plain
        rules = table.get(path) if table else None
        if rules is not None:
            for rule in rules:
                methods = rule.methods
                if rule.websocket or (methods is not None and method not in methods):
                    continue
                if rule._needs_adapter:
                    break  # the full match below decides
                defaults = rule.defaults
                return rule, dict(defaults) if defaults else {}
        # COMPAT: leading slashes are stripped before matching, as in Werkzeug.
        if path[:1] != "/" or path[1:2] == "/":
            path = "/" + path.lstrip("/") if path else ""
        try:
            found = matcher.find(domain, path, method, False)
        except (RequestPath, RequestAliasRedirect):
            raise NeedsAdapter() from None
        if type(found) is NoMatch:
            if found.have_match_for:
                raise MethodNotAllowed(valid_methods=sorted(found.have_match_for))
            if found.websocket_mismatch:
                raise NeedsAdapter()
            raise NotFound()
        rule, values = found  # type: ignore[misc]
        if rule._needs_adapter and self._redirects(rule, values, method):
            raise NeedsAdapter()
        return rule, values

    def _redirects(self, rule: Rule, values: dict[str, t.Any], method: str) -> bool:
        # COMPAT: MapAdapter.match redirects to the rule of the same endpoint
        # that provides the matched values as defaults, when there is one.
        if rule.redirect_to is not None:
            return True
        return any(
            other.suitable_for(values, method) for other in rule._default_providers
        )

    def bind(
        self,
        server_name: str,
        script_name: str | None = None,
        subdomain: str | None = None,
        url_scheme: str = "http",
        default_method: str = "GET",
        path_info: str | None = None,
        query_args: t.Mapping[str, t.Any] | str | None = None,
    ) -> MapAdapter:
        """Return an adapter for matching and building under ``server_name``.

        :raises RuntimeError: a subdomain was given to a host-matching map.
        :raises BadHost: the server name cannot be IDNA-encoded.
        """
        server_name = server_name.lower()
        if self.host_matching:
            if subdomain is not None:
                raise RuntimeError("host matching enabled and a subdomain was provided")
        elif subdomain is None:
            subdomain = self.default_subdomain
        host, separator, port = server_name.partition(":")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise BadHost() from exc
        return MapAdapter(
            self,
            f"{host}{separator}{port}",
            "/" if script_name is None else script_name,
            subdomain,
            url_scheme,
            "/" if path_info is None else path_info,
            default_method,
            query_args,
        )

    def bind_to_environ(
        self,
        environ: WSGIEnvironment | t.Any,
        server_name: str | None = None,
        subdomain: str | None = None,
    ) -> MapAdapter:
        """Return an adapter for the request described by ``environ``.

        The server name defaults to the request's host. When ``server_name`` is
        given and the map does not match hosts, the subdomain is what the host
        has in front of it; a host that does not end in the server name warns
        and gets the subdomain ``"<invalid>"``, so nothing matches.

        :param environ: a WSGI environ, or a request object with ``.environ``.
        """
        env: WSGIEnvironment = getattr(environ, "environ", environ)
        scheme = env["wsgi.url_scheme"]
        request_host = _get_host(env, scheme).lower()
        connection = env.get("HTTP_CONNECTION", "").lower().split(",")
        if any(token.strip() == "upgrade" for token in connection) and (
            env.get("HTTP_UPGRADE", "").lower() == "websocket"
        ):
            scheme = "wss" if scheme == "https" else "ws"
        if server_name is None:
            server_name = request_host
        else:
            server_name = _strip_default_port(server_name.lower(), scheme)
        if subdomain is None and not self.host_matching:
            subdomain = _get_subdomain(request_host, server_name)
        return Map.bind(
            self,
            server_name,
            _get_wsgi_string(env, "SCRIPT_NAME"),
            subdomain,
            scheme,
            env["REQUEST_METHOD"],
            _get_wsgi_string(env, "PATH_INFO"),
            query_args=_get_wsgi_string(env, "QUERY_STRING"),
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({pformat(list(self.iter_rules()))})"


def _get_wsgi_string(env: WSGIEnvironment, key: str) -> str | None:
    value = env.get(key)
    if value is None:
        return None
    # COMPAT: WSGI strings are latin-1 decoded bytes; reinterpret them as UTF-8.
    return t.cast(str, value).encode("latin-1").decode("utf-8", "replace")


def _strip_default_port(host: str, scheme: str) -> str:
    if scheme in {"http", "ws"} and host.endswith(":80"):
        return host[:-3]
    if scheme in {"https", "wss"} and host.endswith(":443"):
        return host[:-4]
    return host


def _get_host(env: WSGIEnvironment, scheme: str) -> str:
    host = env.get("HTTP_HOST")
    if not host:
        host = env.get("SERVER_NAME", "")
        port = env.get("SERVER_PORT")
        if port:
            host = f"{host}:{port}"
    return _strip_default_port(host, scheme)


def _get_subdomain(request_host: str, server_name: str) -> str:
    current = request_host.split(".")
    configured = server_name.split(".")
    offset = -len(configured)
    if current[offset:] != configured:
        # COMPAT: Werkzeug warns and lets the request 404 rather than raise,
        # because this also happens when the server is reached by IP address.
        warnings.warn(
            f"Current server name {request_host!r} doesn't match configured"
            f" server name {server_name!r}",
            stacklevel=3,
        )
        return "<invalid>"
    return ".".join(part for part in current[:offset] if part)
