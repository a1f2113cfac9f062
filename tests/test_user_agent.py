"""Tests for erlen.user_agent."""

from __future__ import annotations

from erlen.user_agent import UserAgent
from erlen.wrappers import Request


def test_user_agent_keeps_the_string() -> None:
    agent = UserAgent("Mozilla/5.0 (X11)")
    assert str(agent) == "Mozilla/5.0 (X11)"
    assert agent.to_header() == "Mozilla/5.0 (X11)"
    assert agent.string == "Mozilla/5.0 (X11)"
    assert (agent.platform, agent.browser, agent.version, agent.language) == (
        None,
        None,
        None,
        None,
    )
    assert not agent
    assert repr(agent) == "<UserAgent None/None>"


def test_subclass_parses_and_request_uses_it() -> None:
    class Parsed(UserAgent):
        def __init__(self, string: str) -> None:
            super().__init__(string)
            self.browser, _, self.version = string.partition("/")

    class MyRequest(Request):
        user_agent_class = Parsed

    agent = MyRequest({"HTTP_USER_AGENT": "curl/8.0"}).user_agent
    assert isinstance(agent, Parsed)
    assert agent
    assert repr(agent) == "<Parsed curl/8.0>"


def test_hostile_user_agent() -> None:
    raw = "\x00\r\n\xff" * 1_000_000
    assert UserAgent(raw).to_header() == raw
