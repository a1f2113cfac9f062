"""``Authorization`` and ``WWWAuthenticate``: the HTTP authentication headers."""

from __future__ import annotations

import base64
import binascii
import collections.abc as cabc
import typing as t

from ..http.headers import dump_header
from ..http.headers import parse_dict_header
from ..http.headers import quote_header_value
from .structures import CallbackDict

if t.TYPE_CHECKING:
    from typing_extensions import Self


def _split_scheme(value: str) -> tuple[str, str, bool]:
    """Return ``(scheme, rest, rest_is_parameters)``."""
    # RFC 9110 §11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
    scheme, _, rest = value.partition(" ")
    rest = rest.strip(" \t")
    # A "=" that is not token68 padding means auth-params.
    return scheme.lower(), rest, "=" in rest.rstrip("=")


class Authorization:
    """The ``Authorization`` request header.

    Basic credentials are decoded into the ``username`` and ``password``
    parameters; other schemes carry either parameters or a ``token``.
    Parameters read as attributes: ``auth.username``.

    :param auth_type: the scheme, lower-cased (``"basic"``, ``"bearer"``).
    :param data: the parameters.
    :param token: the token68 value, for schemes that send one.
    """

    def __init__(
        self,
        auth_type: str,
        data: dict[str, str | None] | None = None,
        token: str | None = None,
    ) -> None:
        self.type = auth_type
        self.parameters: dict[str, str | None] = {} if data is None else data
        self.token = token

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.parameters.get(name)

    def __getitem__(self, name: str) -> str | None:
        return self.parameters.get(name)

    def get(self, key: str, default: str | None = None) -> str | None:
        """Return the parameter ``key``, or ``default``."""
        return self.parameters.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.parameters

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Authorization):
            return NotImplemented
        return (
            other.type == self.type
            and other.token == self.token
            and other.parameters == self.parameters
        )

    @classmethod
    def from_header(cls, value: str | None) -> Self | None:
        """Parse a header value; ``None`` when absent or undecodable.

        .. note::
            Werkzeug raises :class:`ValueError` for Basic credentials with
            non-ASCII characters; erlen returns ``None`` like for any other
            undecodable value.
        """
        if not value:
            return None
        scheme, rest, has_parameters = _split_scheme(value)
        if scheme == "basic":
            try:
                # SECURITY: validate=True refuses junk instead of skipping it.
                decoded = base64.b64decode(rest, validate=True).decode()
            except (binascii.Error, ValueError):
                return None
            username, _, password = decoded.partition(":")
            return cls(scheme, {"username": username, "password": password})
        if has_parameters:
            return cls(scheme, parse_dict_header(rest), None)
        return cls(scheme, None, rest)

    def to_header(self) -> str:
        """Serialise as a header value."""
        if self.type == "basic":
            pair = (
                f"{self.parameters.get('username')}:{self.parameters.get('password')}"
            )
            return f"Basic {base64.b64encode(pair.encode()).decode('ascii')}"
        if self.token is not None:
            return f"{self.type.title()} {self.token}"
        return f"{self.type.title()} {dump_header(self.parameters)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()}>"


# RFC 7616 §3.3: these Digest parameters are always quoted strings.
_DIGEST_QUOTED = frozenset(("realm", "domain", "nonce", "opaque", "qop"))
_OWN_ATTRIBUTES = frozenset(("_type", "_parameters", "_token", "_on_update"))


class WWWAuthenticate:
    """The ``WWW-Authenticate`` response header (one challenge).

    Parameters read and write as attributes or items: ``www.realm = "app"``;
    assigning ``None`` removes one. Every change calls ``_on_update(self)``,
    which the response sets to write the header back.

    .. note::
        In Werkzeug 3.1 assigning ``type``, ``token`` or ``parameters`` as an
        attribute sets an auth parameter of that name; in erlen it changes the
        scheme, the token or the parameters.

    :param auth_type: the scheme (lower-cased).
    :param values: the parameters.
    :param token: the token68 value, for schemes that send one.
    """

    _type: str
    _parameters: CallbackDict[str, str | None]
    _token: str | None
    _on_update: cabc.Callable[[WWWAuthenticate], None] | None

    def __init__(
        self,
        auth_type: str,
        values: dict[str, str | None] | None = None,
        token: str | None = None,
    ) -> None:
        self._type = auth_type.lower()
        self._parameters = CallbackDict(values, self._parameters_changed)
        self._token = token
        self._on_update = None

    def _parameters_changed(self, parameters: object) -> None:
        self._trigger_on_update()

    def _trigger_on_update(self) -> None:
        if self._on_update is not None:
            self._on_update(self)

    @property
    def type(self) -> str:
        """The scheme, lower-cased."""
        return self._type

    @type.setter
    def type(self, value: str) -> None:
        object.__setattr__(self, "_type", value.lower())
        self._trigger_on_update()

    @property
    def parameters(self) -> dict[str, str | None]:
        """The parameters; changing the dict updates the header."""
        return self._parameters

    @parameters.setter
    def parameters(self, value: dict[str, str | None]) -> None:
        object.__setattr__(
            self, "_parameters", CallbackDict(value, self._parameters_changed)
        )
        self._trigger_on_update()

    @property
    def token(self) -> str | None:
        """The token68 value, for schemes that send one."""
        return self._token

    @token.setter
    def token(self, value: str | None) -> None:
        object.__setattr__(self, "_token", value)
        self._trigger_on_update()

    def __getitem__(self, key: str) -> str | None:
        return self._parameters.get(key)

    def __setitem__(self, key: str, value: str | None) -> None:
        if value is None:
            if key in self._parameters:
                del self._parameters[key]
        else:
            self._parameters[key] = value

    def __delitem__(self, key: str) -> None:
        if key in self._parameters:
            del self._parameters[key]

    def __getattr__(self, name: str) -> str | None:
        if name.startswith("__"):
            raise AttributeError(name)
        return self[name]

    def __setattr__(self, name: str, value: t.Any) -> None:
        if name in _OWN_ATTRIBUTES or name in ("type", "parameters", "token"):
            object.__setattr__(self, name, value)
        else:
            self[name] = value

    def __delattr__(self, name: str) -> None:
        del self[name]

    def __contains__(self, key: str) -> bool:
        return key in self._parameters

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WWWAuthenticate):
            return NotImplemented
        return (
            other.type == self.type
            and other.token == self.token
            and other.parameters == self.parameters
        )

    def get(self, key: str, default: str | None = None) -> str | None:
        """Return the parameter ``key``, or ``default``."""
        return self._parameters.get(key, default)

    @classmethod
    def from_header(cls, value: str | None) -> Self | None:
        """Parse a header value holding one challenge; ``None`` when empty."""
        if not value:
            return None
        scheme, rest, has_parameters = _split_scheme(value)
        if has_parameters:
            return cls(scheme, parse_dict_header(rest), None)
        return cls(scheme, None, rest)

    def to_header(self) -> str:
        """Serialise as a header value."""
        if self._token is not None:
            return f"{self._type.title()} {self._token}"
        if self._type == "digest":
            items = []
            for key, value in self._parameters.items():
                quoted = quote_header_value(
                    value, allow_token=key not in _DIGEST_QUOTED
                )
                items.append(f"{key}={quoted}")
            return f"Digest {', '.join(items)}"
        return f"{self._type.title()} {dump_header(self._parameters)}"

    def __str__(self) -> str:
        return self.to_header()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_header()}>"
