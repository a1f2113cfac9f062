"""Password hashing and safe path joining (Werkzeug's ``werkzeug.security``).

Hash strings have Werkzeug's format, ``method$salt$hash``, so a hash stored by
a Werkzeug application verifies with erlen and the other way round::

    scrypt:32768:8:1$<salt>$<hex digest>
    pbkdf2:sha256:1000000$<salt>$<hex digest>
"""

from __future__ import annotations

import hashlib
import hmac
import os
import posixpath
import re
import secrets
import string

SALT_CHARS = string.ascii_letters + string.digits
DEFAULT_PBKDF2_ITERATIONS = 1_000_000

# COMPAT: Werkzeug's scrypt defaults (N=2**15, r=8, p=1).
_SCRYPT_DEFAULTS = (2**15, 8, 1)

# SECURITY: the separators and drive prefixes Windows honours. They are refused
# on every platform so a path accepted on the development machine cannot turn
# into a traversal once deployed on Windows.
_UNSAFE_CHARS = ("\\", "\x00")
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_ALT_SEPS = tuple(
    sep for sep in (os.sep, os.path.altsep) if sep is not None and sep != "/"
)
_WINDOWS_DEVICE_NAMES = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{prefix}{digit}" for prefix in ("COM", "LPT") for digit in "123456789¹²³"}
)


def gen_salt(length: int) -> str:
    """Return a random string of ``length`` ASCII letters and digits.

    :raises ValueError: ``length`` is less than 1.
    """
    if length <= 0:
        raise ValueError("Salt length must be at least 1.")
    return "".join(secrets.choice(SALT_CHARS) for _ in range(length))


def _hash_internal(method: str, salt: str, password: str) -> tuple[str, str]:
    """Hash ``password`` and return ``(hex digest, normalised method)``."""
    name, *args = method.split(":")
    salt_bytes = salt.encode()
    password_bytes = password.encode()

    if name == "scrypt":
        if not args:
            n, r, p = _SCRYPT_DEFAULTS
        elif len(args) == 3:
            n, r, p = (int(arg) for arg in args)
        else:
            raise ValueError("'scrypt' takes 3 arguments.")
        # COMPAT: the memory bound Werkzeug uses, enough for the given cost.
        maxmem = 132 * n * r * p
        digest = hashlib.scrypt(
            password_bytes, salt=salt_bytes, n=n, r=r, p=p, maxmem=maxmem
        )
        return digest.hex(), f"scrypt:{n}:{r}:{p}"

    if name == "pbkdf2":
        if len(args) > 2:
            raise ValueError("'pbkdf2' takes 2 arguments.")
        hash_name = args[0] if args else "sha256"
        iterations = int(args[1]) if len(args) == 2 else DEFAULT_PBKDF2_ITERATIONS
        digest = hashlib.pbkdf2_hmac(hash_name, password_bytes, salt_bytes, iterations)
        return digest.hex(), f"pbkdf2:{hash_name}:{iterations}"

    raise ValueError(f"Invalid hash method '{name}'.")


def generate_password_hash(
    password: str, method: str = "scrypt", salt_length: int = 16
) -> str:
    """Hash a password with a random salt, for storing.

    :param password: the plain text password.
    :param method: ``"scrypt"`` or ``"pbkdf2"``, optionally with parameters:
        ``"scrypt:n:r:p"``, ``"pbkdf2:hash_name"`` or
        ``"pbkdf2:hash_name:iterations"``.
    :param salt_length: number of salt characters.
    :return: ``"method$salt$hexdigest"``, readable by :func:`check_password_hash`.
    :raises ValueError: an unknown method or bad method parameters.
    """
    salt = gen_salt(salt_length)
    digest, actual_method = _hash_internal(method, salt, password)
    return f"{actual_method}${salt}${digest}"


def check_password_hash(pwhash: str, password: str) -> bool:
    """Check a password against a hash made by :func:`generate_password_hash`.

    A string that is not of the form ``method$salt$hash`` gives ``False``.

    :raises ValueError: the hash names an unknown method or bad parameters.
    """
    try:
        method, salt, expected = pwhash.split("$", 2)
    except ValueError:
        return False
    digest = _hash_internal(method, salt, password)[0]
    # SECURITY: constant-time comparison, so timing reveals nothing of the hash.
    return hmac.compare_digest(digest, expected)


def _is_unsafe_part(part: str) -> bool:
    """Tell whether one normalised path part could leave the base directory."""
    return (
        part == ".."
        or part.startswith("../")
        or part.startswith("/")
        or os.path.isabs(part)
        or any(char in part for char in _UNSAFE_CHARS)
        or any(sep in part for sep in _ALT_SEPS)
        or _DRIVE_RE.match(part) is not None
    )


def safe_join(directory: str, *pathnames: str) -> str | None:
    """Join path parts below ``directory``, or return ``None`` if unsafe.

    Each part is normalised as a POSIX path. The result is ``None`` when a part
    would climb out of ``directory`` (``..``), is absolute, or holds a
    character that some operating system treats specially. An empty
    ``directory`` means the current directory.

    >>> safe_join("/srv/static", "css", "site.css")
    '/srv/static/css/site.css'
    >>> safe_join("/srv/static", "../secret") is None
    True

    .. note::
        Werkzeug refuses backslashes and drive letters only on Windows. Erlen
        refuses them, and NUL bytes, on every platform.
    """
    if not directory:
        directory = "."
    parts = [directory]
    for pathname in pathnames:
        if pathname == "":
            # COMPAT: an empty part adds nothing, not even a trailing slash.
            continue
        pathname = posixpath.normpath(pathname)
        # SECURITY: path traversal, absolute paths, NUL truncation and Windows
        # separators or drive prefixes.
        if _is_unsafe_part(pathname):
            return None
        # SECURITY: Windows opens a device, not a file, for names like "CON".
        if os.name == "nt" and pathname.split(".")[0].upper() in _WINDOWS_DEVICE_NAMES:
            return None  # pragma: no cover - Windows only
        parts.append(pathname)
    return posixpath.join(*parts)
