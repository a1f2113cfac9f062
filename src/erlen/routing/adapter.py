"""The :class:`MapAdapter`: a map bound to a server name, for matching and building."""

from __future__ import annotations

import posixpath
import re
import typing as t
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urljoin

from ..exceptions import HTTPException
from ..exceptions import MethodNotAllowed
from ..exceptions import NotFound
from .converters import URL_SAFE
from .exceptions import BuildError
from .exceptions import NoMatch
from .exceptions import RequestAliasRedirect
from .exceptions import RequestPath
from .exceptions import RequestRedirect
from .exceptions import WebsocketMismatch

if t.TYPE_CHECKING:
    from .map import Map
    from .rule import Rule

_PLACEHOLDER_RE = re.compile(r"<([^>]+)>")
_QUERY_SAFE = "!$'()*,/:;?@"

_T = t.TypeVar("_T")


def _is_multidict(value: object) -> bool:
    # A MultiDict is a dict of key -> list of values with a getlist method.
    return isinstance(value, dict) and hasattr(value, "getlist")


def _encode_query(query: t.Mapping[str, t.Any]) -> str:
    items: list[tuple[str, t.Any]] = []
    pairs = dict.items(query) if _is_multidict(query) else query.items()  # type: ignore[arg-type]  # checked above
    for key, value in pairs:
        if isinstance(value, (list, tuple, set, frozenset)):
            items.extend((key, item) for item in value if item is not None)
        elif value is not None:
            items.append((key, value))
    return urlencode(items, safe=_QUERY_SAFE)


def _no_match_error(exc: NoMatch) -> HTTPException:
    if exc.have_match_for:
        return MethodNotAllowed(valid_methods=sorted(exc.have_match_for))
    if exc.websocket_mismatch:
        return WebsocketMismatch()
    return NotFound()


class MapAdapter:
    """A :class:`Map` bound to a server name, script name and subdomain.

    Made by :meth:`Map.bind` or :meth:`Map.bind_to_environ`.
    """

    def __init__(
        self,
        map: Map,
        server_name: str,
        script_name: str,
        subdomain: str | None,
        url_scheme: str,
        path_info: str,
        default_method: str,
        query_args: t.Mapping[str, t.Any] | str | None = None,
    ) -> None:
        self.map = map
        self.server_name = server_name
        if not script_name.endswith("/"):
            script_name += "/"
        self.script_name = script_name
        self.subdomain = subdomain
        self.url_scheme = url_scheme
        self.path_info = path_info
        self.default_method = default_method
        self.query_args = query_args
        self.websocket = url_scheme in {"ws", "wss"}

    def dispatch(
        self,
        view_func: t.Callable[[t.Any, t.Mapping[str, t.Any]], _T],
        path_info: str | None = None,
        method: str | None = None,
        catch_http_exceptions: bool = False,
    ) -> _T | HTTPException:
        """Match, then call ``view_func(endpoint, values)``.

        A redirect is returned instead of raised; other HTTP exceptions are
        returned when ``catch_http_exceptions`` is true.
        """
        try:
            try:
                endpoint, values = self.match(path_info, method)
            except RequestRedirect as exc:
                return exc
            return view_func(endpoint, values)
        except HTTPException as exc:
            if catch_http_exceptions:
                return exc
            raise

    @t.overload
    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: t.Literal[False] = False,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        websocket: bool | None = None,
    ) -> tuple[t.Any, t.Mapping[str, t.Any]]: ...

    @t.overload
    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: t.Literal[True] = True,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        websocket: bool | None = None,
    ) -> tuple[Rule, t.Mapping[str, t.Any]]: ...

    def match(
        self,
        path_info: str | None = None,
        method: str | None = None,
        return_rule: bool = False,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        websocket: bool | None = None,
    ) -> tuple[t.Any, t.Mapping[str, t.Any]]:
        """Match a path and method, returning ``(endpoint, values)``.

        :param return_rule: return the rule instead of its endpoint.
        :param query_args: the query kept in redirect URLs.
        :param websocket: match WebSocket rules; the bound scheme by default.
        :raises NotFound: no rule matches.
        :raises MethodNotAllowed: rules match, not for this method.
        :raises RequestRedirect: the canonical URL is another one.
        :raises WebsocketMismatch: a rule matches, but not for this kind of
            request.
        """
        matcher = self.map._get_matcher()
        if path_info is None:
            path_info = self.path_info
        if query_args is None:
            query_args = self.query_args or {}
        method = (method or self.default_method).upper()
        if websocket is None:
            websocket = self.websocket
        domain = self.server_name if self.map.host_matching else self.subdomain or ""
        path = f"/{path_info.lstrip('/')}" if path_info else ""
        try:
            rule, values = matcher.match(domain, path, method, websocket)
        except RequestPath as exc:
            new_path = quote(exc.path_info, safe=URL_SAFE)
            raise RequestRedirect(
                self.make_redirect_url(new_path, query_args)
            ) from None
        except RequestAliasRedirect as exc:
            url = self.make_alias_redirect_url(
                f"{domain}|{path}", exc.endpoint, exc.matched_values, method, query_args
            )
            raise RequestRedirect(url) from None
        except NoMatch as exc:
            raise _no_match_error(exc) from None
        return self._finish_match(rule, values, method, query_args, return_rule)

    def _finish_match(
        self,
        rule: Rule,
        values: dict[str, t.Any],
        method: str,
        query_args: t.Mapping[str, t.Any] | str,
        return_rule: bool,
    ) -> tuple[t.Any, t.Mapping[str, t.Any]]:
        if self.map.redirect_defaults:
            redirect_url = self.get_default_redirect(rule, method, values, query_args)
            if redirect_url is not None:
                raise RequestRedirect(redirect_url)
        if rule.redirect_to is not None:
            raise RequestRedirect(self._redirect_to_url(rule, values))
        if return_rule:
            return rule, values
        return rule.endpoint, values

    def _redirect_to_url(self, rule: Rule, values: t.Mapping[str, t.Any]) -> str:
        target = rule.redirect_to
        if isinstance(target, str):

            def fill(match: re.Match[str]) -> str:
                name = match[1]
                return rule._converters[name].to_url(values[name])

            url = _PLACEHOLDER_RE.sub(fill, target)
        else:
            url = target(self, **values)  # type: ignore[misc]  # a callable here
        if self.subdomain:
            netloc = f"{self.subdomain}.{self.server_name}"
        else:
            netloc = self.server_name
        base = f"{self.url_scheme or 'http'}://{netloc}{self.script_name}"
        return urljoin(base, url)

    def test(self, path_info: str | None = None, method: str | None = None) -> bool:
        """Whether the path matches; a redirect counts as a match."""
        try:
            self.match(path_info, method)
        except RequestRedirect:
            pass
        except HTTPException:
            return False
        return True

    def allowed_methods(self, path_info: str | None = None) -> t.Iterable[str]:
        """Return the methods that match ``path_info``; empty if none does."""
        try:
            self.match(path_info, method="--")
        except MethodNotAllowed as exc:
            return exc.valid_methods or []
        except HTTPException:
            pass
        return []

    def get_host(self, domain_part: str | None) -> str:
        """Return the host for a built URL: the domain part, or the bound one."""
        if self.map.host_matching:
            if domain_part is None:
                return self.server_name
            return domain_part
        subdomain = self.subdomain if domain_part is None else domain_part
        if subdomain:
            return f"{subdomain}.{self.server_name}"
        return self.server_name

    def get_default_redirect(
        self,
        rule: Rule,
        method: str,
        values: t.MutableMapping[str, t.Any],
        query_args: t.Mapping[str, t.Any] | str,
    ) -> str | None:
        """Return the URL of a rule that provides defaults for the match, if any.

        Only rules ordered before ``rule`` for its endpoint are considered.
        """
        for other in self.map._find_default_providers(rule):
            if other.suitable_for(values, method):
                values.update(other.defaults or {})
                built = other.build(values)
                if built is not None:
                    domain_part, path = built
                    return self.make_redirect_url(path, query_args, domain_part)
        return None

    def encode_query_args(self, query_args: t.Mapping[str, t.Any] | str) -> str:
        """Return ``query_args`` as query-string text."""
        if isinstance(query_args, str):
            return query_args
        return _encode_query(query_args)

    def make_redirect_url(
        self,
        path_info: str,
        query_args: t.Mapping[str, t.Any] | str | None = None,
        domain_part: str | None = None,
    ) -> str:
        """Return the absolute URL for a redirect to ``path_info``."""
        suffix = ""
        if query_args:
            suffix = f"?{self.encode_query_args(query_args)}"
        path = posixpath.join(self.script_name[:-1].lstrip("/"), path_info.lstrip("/"))
        return f"{self.url_scheme}://{self.get_host(domain_part)}/{path}{suffix}"

    def make_alias_redirect_url(
        self,
        path: str,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any],
        method: str,
        query_args: t.Mapping[str, t.Any] | str,
    ) -> str:
        """Return the canonical URL an alias rule redirects to."""
        url = self.build(
            endpoint, values, method, append_unknown=False, force_external=True
        )
        if query_args:
            url += f"?{self.encode_query_args(query_args)}"
        if url == path:
            raise AssertionError(
                "detected invalid alias setting. No canonical URL found"
            )
        return url

    def _partial_build(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any],
        method: str | None,
        append_unknown: bool,
    ) -> tuple[str, str, bool] | None:
        if method is None:
            # COMPAT: rules for the default method win when no method is given.
            found = self._partial_build(
                endpoint, values, self.default_method, append_unknown
            )
            if found is not None:
                return found
        first: tuple[str, str, bool] | None = None
        for rule in self.map._rules_by_endpoint.get(endpoint, ()):
            if not rule.suitable_for(values, method):
                continue
            built = rule.build(values, append_unknown)
            if built is None:
                continue
            found = (built[0], built[1], rule.websocket)
            if not self.map.host_matching or found[0] == self.server_name:
                return found
            if first is None:
                first = found
        return first

    def build(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any] | None = None,
        method: str | None = None,
        force_external: bool = False,
        append_unknown: bool = True,
        url_scheme: str | None = None,
    ) -> str:
        """Build the URL of ``endpoint`` from ``values``.

        The first rule of the endpoint that accepts the method and has every
        argument is used; its defaults must equal given values. Other values
        become the query string (``None`` is dropped, lists repeat the key).
        The URL is relative to the server unless ``force_external`` is true or
        it is for another subdomain or host.

        :raises BuildError: no rule fits.
        """
        self.map.update()
        if values:
            if _is_multidict(values):
                multi: dict[str, list[t.Any]] = values  # type: ignore[assignment]  # a MultiDict
                values = {
                    key: items[0] if len(items) == 1 else items
                    for key, items in dict.items(multi)
                    if len(items) != 0
                }
            else:
                values = {k: v for k, v in values.items() if v is not None}
        else:
            values = {}
        found = self._partial_build(endpoint, values, method, append_unknown)
        if found is None:
            raise BuildError(endpoint, values, method, self)
        domain_part, path, websocket = found
        host = self.get_host(domain_part)
        scheme = url_scheme or self.url_scheme
        secure = scheme in {"https", "wss"}
        if websocket:
            force_external = True
            scheme = "wss" if secure else "ws"
        elif scheme:
            scheme = "https" if secure else "http"
        if not force_external and (
            (self.map.host_matching and host == self.server_name)
            or (not self.map.host_matching and domain_part == self.subdomain)
        ):
            return f"{self.script_name.rstrip('/')}/{path.lstrip('/')}"
        prefix = f"{scheme}:" if scheme else ""
        return f"{prefix}//{host}{self.script_name[:-1]}/{path.lstrip('/')}"
