"""erlen: a fast WSGI web framework that speaks Flask's API."""

from __future__ import annotations

__version__ = "0.1.0"
