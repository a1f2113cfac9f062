"""The differential harness shared by the compat tests: ask Flask and erlen alike.

Importable from the compat test modules (pytest's ``pythonpath`` lists this
folder); not collected, as its name does not start with ``test_``.
"""

from __future__ import annotations

import typing as t

#: ``(method, path, test-client keyword arguments)``
Request = tuple[str, str, dict[str, t.Any]]


def normalise(name: str, value: str) -> str:
    """Make a header comparable: Werkzeug builds ``Allow`` from a set, so its order
    changes with the hash seed."""
    if name.lower() == "allow":
        return ", ".join(sorted(value.split(", ")))
    return value


def answer(app: t.Any, method: str, path: str, **kwargs: t.Any) -> tuple[t.Any, ...]:
    """Return ``(status, headers without Date, body)`` of one test-client request."""
    client = app.test_client()
    # erlen's client announces itself as erlen/<version>, Werkzeug's as Werkzeug.
    headers = dict(kwargs.pop("headers", {}))
    headers.setdefault("User-Agent", "compat-test")
    rv = client.open(path, method=method, headers=headers, **kwargs)
    out = [(k, normalise(k, v)) for k, v in rv.headers.items() if k.lower() != "date"]
    body = rv.get_data()
    rv.close()
    return rv.status, out, body


def compare(flask_app: t.Any, erlen_app: t.Any, requests: list[Request]) -> list[int]:
    """Assert both apps answer every request alike; return the status codes."""
    codes = []
    for method, path, kwargs in requests:
        expected = answer(flask_app, method, path, **kwargs)
        actual = answer(erlen_app, method, path, **kwargs)
        assert actual == expected, f"{method} {path}"
        codes.append(int(actual[0].split()[0]))
    return codes
