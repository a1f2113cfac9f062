"""Routing exceptions: the redirect response, BuildError messages, the hierarchy."""

from __future__ import annotations

import pytest

from erlen.exceptions import BadRequest
from erlen.exceptions import HTTPException
from erlen.routing import BuildError
from erlen.routing import Map
from erlen.routing import NeedsAdapter
from erlen.routing import NoMatch
from erlen.routing import RequestAliasRedirect
from erlen.routing import RequestPath
from erlen.routing import RequestRedirect
from erlen.routing import RoutingException
from erlen.routing import Rule
from erlen.routing import WebsocketMismatch


def test_request_redirect_response() -> None:
    exc = RequestRedirect("http://example.com/a?b=\"<c>'")
    assert isinstance(exc, HTTPException)
    assert isinstance(exc, RoutingException)
    response = exc.get_response()
    assert response.status_code == 308
    assert response.headers["Location"] == "http://example.com/a?b=\"<c>'"
    body = response.get_data(as_text=True)
    assert isinstance(body, str)
    assert '<a href="http://example.com/a?b=&#34;&lt;c&gt;&#39;">' in body
    assert body.startswith(
        "<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>"
    )


def test_internal_exceptions_carry_their_data() -> None:
    assert RequestPath("/a/").path_info == "/a/"
    alias = RequestAliasRedirect({"x": 1}, "e")
    assert (alias.matched_values, alias.endpoint) == ({"x": 1}, "e")
    no_match = NoMatch({"GET"}, True)
    assert (no_match.have_match_for, no_match.websocket_mismatch) == ({"GET"}, True)
    assert issubclass(NeedsAdapter, RoutingException)
    assert issubclass(WebsocketMismatch, BadRequest)
    assert WebsocketMismatch.code == 400


def test_build_error_without_adapter() -> None:
    exc = BuildError("missing", {"b": 1, "a": 2}, "POST")
    assert isinstance(exc, LookupError)
    assert exc.suggested is None
    assert (
        str(exc)
        == "Could not build url for endpoint 'missing' ('POST') with values ['a', 'b']."
    )


def test_build_error_with_an_empty_map() -> None:
    exc = BuildError("x", {}, None, Map().bind("h"))
    assert str(exc) == "Could not build url for endpoint 'x'."


def test_build_error_suggestions() -> None:
    adapter = Map(
        [
            Rule("/user/<int:id>", endpoint="user", methods=["GET"]),
            Rule("/users/", endpoint="users"),
        ]
    ).bind("h")
    exc = BuildError("user", {"id": 1}, "POST", adapter)
    assert str(exc) == (
        "Could not build url for endpoint 'user' ('POST') with values ['id']."
        " Did you mean to use methods ['GET', 'HEAD']?"
    )
    assert exc.suggested is exc.suggested
    missing = BuildError("user", {}, None, adapter)
    assert str(missing).endswith("Did you forget to specify values ['id']?")
    other = BuildError("usersz", {}, None, adapter)
    assert str(other).endswith("Did you mean 'users' instead?")
    exact = BuildError("user", {"id": 1}, "GET", adapter)
    assert (
        str(exact)
        == "Could not build url for endpoint 'user' ('GET') with values ['id']."
    )


@pytest.mark.parametrize("endpoint", ["user", "x" * 10_000, "\x00\udcff"])
def test_build_error_message_for_odd_endpoints(endpoint: str) -> None:
    adapter = Map([Rule("/u", endpoint="user")]).bind("h")
    assert str(BuildError(endpoint, {}, None, adapter)).startswith(
        "Could not build url"
    )
