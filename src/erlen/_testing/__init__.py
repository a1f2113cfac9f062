"""Internals of :mod:`erlen.test` and :mod:`erlen.testing`; import from those."""

from __future__ import annotations
