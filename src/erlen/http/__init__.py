"""The I/O-free HTTP layer: parsers and serialisers for HTTP text.

Nothing here reads a socket, a stream, an environ or the app. Every function
takes ``str`` or ``bytes`` and returns values; malformed input raises a
subclass of :class:`erlen.http.errors.HTTPParseError`. Only the standard library
is imported.
"""

from __future__ import annotations
