"""The test client's cookie jar: store ``Set-Cookie`` values, send ``Cookie``."""

from __future__ import annotations

import collections.abc as cabc
import dataclasses
from datetime import datetime
from datetime import timedelta
from datetime import timezone

from ..http.cookies import parse_cookie
from ..http.dates import parse_date


def _default_path(request_path: str) -> str:
    # RFC 6265 §5.1.4: the directory of the request path, or "/".
    if not request_path.startswith("/"):
        return "/"
    directory = request_path.rpartition("/")[0]
    return directory or "/"


def _path_matches(request_path: str, cookie_path: str) -> bool:
    # RFC 6265 §5.1.4: identical, or a prefix ending at a "/".
    if request_path == cookie_path:
        return True
    if not request_path.startswith(cookie_path):
        return False
    return cookie_path.endswith("/") or request_path[len(cookie_path)] == "/"


def _parse_attributes(text: str) -> dict[str, str]:
    attributes: dict[str, str] = {}
    for item in text.split(";"):
        name, _, value = item.partition("=")
        name = name.strip().lower()
        if name:
            attributes[name] = value.strip()
    return attributes


@dataclasses.dataclass
class Cookie:
    """A cookie stored by the test client.

    ``key`` and ``value`` are the raw header text; ``decoded_key`` and
    ``decoded_value`` are what the app reads from ``request.cookies``.
    """

    key: str
    value: str
    decoded_key: str
    decoded_value: str
    expires: datetime | None
    max_age: int | None
    domain: str
    origin_only: bool
    path: str
    secure: bool | None
    http_only: bool | None
    same_site: str | None

    def _storage_key(self) -> tuple[str, str, str]:
        return self.domain, self.path, self.decoded_key

    def _is_expired(self, now: datetime) -> bool:
        return self.expires is not None and self.expires <= now

    def _should_delete(self) -> bool:
        """Whether the cookie deletes itself (zero max age or an expiry passed)."""
        if self.max_age is not None and self.max_age <= 0:
            return True
        return self._is_expired(datetime.now(timezone.utc))

    def _matches_request(self, server_name: str, path: str) -> bool:
        """Whether the cookie is sent to ``server_name`` for ``path``."""
        if server_name != self.domain and (
            self.origin_only or not server_name.endswith(f".{self.domain}")
        ):
            return False
        return _path_matches(path, self.path)

    def _to_request_header(self) -> str:
        return f"{self.key}={self.value}"

    @classmethod
    def _from_response_header(cls, server_name: str, path: str, header: str) -> Cookie:
        """Parse one ``Set-Cookie`` value received for ``server_name`` and ``path``."""
        pair, _, attribute_text = header.partition(";")
        key, _, value = pair.partition("=")
        key = key.strip()
        value = value.strip()
        pairs = parse_cookie(pair)
        decoded_key, decoded_value = pairs[0] if pairs else (key, value)
        attributes = _parse_attributes(attribute_text)
        max_age: int | None = None
        raw_max_age = attributes.get("max-age", "")
        if raw_max_age.lstrip("-").isdigit():
            max_age = int(raw_max_age)
        expires: datetime | None = None
        if max_age is not None:
            # RFC 6265 §5.3: Max-Age wins over Expires.
            expires = datetime.now(timezone.utc) + timedelta(seconds=max(max_age, 0))
        elif attributes.get("expires"):
            expires = parse_date(attributes["expires"])
        domain = attributes.get("domain", "").lstrip(".").lower()
        cookie_path = attributes.get("path", "")
        return cls(
            key=key,
            value=value,
            decoded_key=decoded_key,
            decoded_value=decoded_value,
            expires=expires,
            max_age=max_age,
            domain=domain or server_name,
            origin_only=not domain,
            path=cookie_path if cookie_path.startswith("/") else _default_path(path),
            secure="secure" in attributes,
            http_only="httponly" in attributes,
            same_site=attributes.get("samesite") or None,
        )


class CookieJar:
    """Cookies keyed by ``(domain, path, name)``, as a browser keeps them."""

    def __init__(self) -> None:
        self._cookies: dict[tuple[str, str, str], Cookie] = {}

    def __len__(self) -> int:
        return len(self._cookies)

    def get(self, key: str, domain: str, path: str) -> Cookie | None:
        """Return the stored cookie with exactly this name, domain and path."""
        return self._cookies.get((domain, path, key))

    def store(self, cookie: Cookie) -> None:
        """Store ``cookie``, or remove the stored one when it deletes itself."""
        if cookie._should_delete():
            self._cookies.pop(cookie._storage_key(), None)
        else:
            self._cookies[cookie._storage_key()] = cookie

    def remove(self, key: str, domain: str, path: str) -> None:
        """Forget a cookie; a missing one is ignored."""
        self._cookies.pop((domain, path, key), None)

    def update_from_headers(
        self, server_name: str, path: str, headers: cabc.Iterable[str]
    ) -> None:
        """Store every ``Set-Cookie`` value received for ``server_name``/``path``."""
        for header in headers:
            self.store(Cookie._from_response_header(server_name, path, header))

    def request_header(self, server_name: str, path: str) -> str:
        """Return the ``Cookie`` header value for a request (may be empty).

        Expired cookies are dropped on the way.
        """
        now = datetime.now(timezone.utc)
        parts: list[str] = []
        for storage_key, cookie in list(self._cookies.items()):
            if cookie._is_expired(now):
                del self._cookies[storage_key]
            elif cookie._matches_request(server_name, path):
                parts.append(cookie._to_request_header())
        return "; ".join(parts)

    def values(self) -> list[Cookie]:
        """Return the stored cookies."""
        return list(self._cookies.values())
