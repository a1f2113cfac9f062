"""Exceptions raised while matching and building URLs."""

from __future__ import annotations

import difflib
import typing as t

from markupsafe import escape

from ..exceptions import BadRequest
from ..exceptions import HTTPException

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

    from ..wrappers.response import Response
    from .adapter import MapAdapter
    from .rule import Rule


class RoutingException(Exception):
    """The base of the exceptions the router raises to steer a request."""


class RequestRedirect(HTTPException, RoutingException):
    """The request must go to another URL; by default a *308 Permanent Redirect*.

    Raised by :meth:`~erlen.routing.MapAdapter.match` for a missing trailing
    slash, merged slashes, ``redirect_to`` rules and ``redirect_defaults``.

    :param new_url: the absolute URL to redirect to.
    """

    code = 308

    def __init__(self, new_url: str) -> None:
        super().__init__(new_url)
        self.new_url = new_url

    def get_response(
        self,
        environ: WSGIEnvironment | t.Any | None = None,
        scope: dict[str, t.Any] | None = None,
    ) -> Response:
        """Return a redirect response with Werkzeug's HTML body and ``Location``."""
        from ..wrappers.response import Response

        escaped = escape(self.new_url)
        body = (
            "<!doctype html>\n"
            "<html lang=en>\n"
            "<title>Redirecting...</title>\n"
            "<h1>Redirecting...</h1>\n"
            "<p>You should be redirected automatically to the target URL: "
            f'<a href="{escaped}">{escaped}</a>. If not, click the link.\n'
        )
        response = Response(body, self.code, mimetype="text/html")
        response.headers["Location"] = self.new_url
        return response


class RequestPath(RoutingException):
    """Internal: the path must change (slashes added or merged) before it matches.

    :param path_info: the corrected path.
    """

    def __init__(self, path_info: str) -> None:
        super().__init__(path_info)
        self.path_info = path_info


class RequestAliasRedirect(RoutingException):
    """Internal: an ``alias`` rule matched and must redirect to its canonical URL.

    :param matched_values: the converted values of the match.
    :param endpoint: the endpoint of the matched rule.
    """

    def __init__(self, matched_values: t.Mapping[str, t.Any], endpoint: t.Any) -> None:
        super().__init__(matched_values, endpoint)
        self.matched_values = matched_values
        self.endpoint = endpoint


class NeedsAdapter(RoutingException):
    """Raised by :meth:`~erlen.routing.Map.match_path` when the answer is a redirect.

    The caller then matches again with
    ``map.bind_to_environ(environ).match(return_rule=True)``, which raises the
    complete :class:`RequestRedirect` (or :class:`WebsocketMismatch`).
    """


class NoMatch(Exception):
    """Internal: nothing matched; carries what a 405 or 400 answer needs.

    :param have_match_for: the methods of rules that matched the path.
    :param websocket_mismatch: a rule matched except for its ``websocket`` flag.
    """

    __slots__ = ("have_match_for", "websocket_mismatch")

    def __init__(self, have_match_for: set[str], websocket_mismatch: bool) -> None:
        super().__init__()
        self.have_match_for = have_match_for
        self.websocket_mismatch = websocket_mismatch


class WebsocketMismatch(BadRequest):
    """A rule matched, but only for WebSocket requests, or only for plain HTTP."""


class BuildError(RoutingException, LookupError):
    """No rule can build a URL for the endpoint with the given values and method.

    The message suggests the closest rule: another endpoint with a similar name,
    the methods to use, or the values that are missing.
    """

    def __init__(
        self,
        endpoint: t.Any,
        values: t.Mapping[str, t.Any],
        method: str | None,
        adapter: MapAdapter | None = None,
    ) -> None:
        super().__init__(endpoint, values, method)
        self.endpoint = endpoint
        self.values = values
        self.method = method
        self.adapter = adapter
        self._suggested: list[Rule | None] = []

    @property
    def suggested(self) -> Rule | None:
        """The rule most similar to what was asked for, computed once."""
        if not self._suggested:
            self._suggested.append(self.closest_rule(self.adapter))
        return self._suggested[0]

    def closest_rule(self, adapter: MapAdapter | None) -> Rule | None:
        """Return the rule of ``adapter``'s map closest to the failed build."""
        if adapter is None or not adapter.map._rules:
            return None
        wanted = str(self.endpoint)
        given = set(self.values or ())

        def score(rule: Rule) -> float:
            # COMPAT: the endpoint similarity dominates; the arguments and the
            # method only break ties, with Werkzeug's weights.
            similarity = difflib.SequenceMatcher(None, str(rule.endpoint), wanted)
            return (
                0.98 * similarity.ratio()
                + 0.01 * given.issubset(rule.arguments)
                + 0.01 * bool(rule.methods and self.method in rule.methods)
            )

        return max(adapter.map._rules, key=score)

    def __str__(self) -> str:
        text = [f"Could not build url for endpoint {self.endpoint!r}"]
        if self.method:
            text.append(f" ({self.method!r})")
        if self.values:
            text.append(f" with values {sorted(self.values)!r}")
        text.append(".")
        suggested = self.suggested
        if suggested is not None:
            text.append(self._hint(suggested))
        return "".join(text)

    def _hint(self, suggested: Rule) -> str:
        if suggested.endpoint != self.endpoint:
            return f" Did you mean {suggested.endpoint!r} instead?"
        hint = ""
        methods = suggested.methods
        if self.method and methods is not None and self.method not in methods:
            hint += f" Did you mean to use methods {sorted(methods)!r}?"
        missing = (suggested.arguments | set(suggested.defaults or ())) - set(
            self.values
        )
        if missing:
            hint += f" Did you forget to specify values {sorted(missing)!r}?"
        return hint
