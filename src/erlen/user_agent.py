"""The ``User-Agent`` header as an object (Werkzeug's ``werkzeug.user_agent``)."""

from __future__ import annotations


class UserAgent:
    """The ``User-Agent`` string of a request.

    Parsing browser names out of the string is left to applications, as in
    Werkzeug 2.1+; subclass this and set ``Request.user_agent_class`` to add it.

    :param string: the header value.
    """

    platform: str | None = None
    browser: str | None = None
    version: str | None = None
    language: str | None = None

    def __init__(self, string: str) -> None:
        self.string = string

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.browser}/{self.version}>"

    def __str__(self) -> str:
        return self.string

    def __bool__(self) -> bool:
        return bool(self.browser)

    def to_header(self) -> str:
        """Return the header value."""
        return self.string
