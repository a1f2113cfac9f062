"""Werkzeug's data structures: multi-value dicts, headers, and parsed header values.

Every public name of :mod:`werkzeug.datastructures` that Flask applications use
is importable from here.
"""

from __future__ import annotations

from .accept import Accept as Accept
from .accept import CharsetAccept as CharsetAccept
from .accept import LanguageAccept as LanguageAccept
from .accept import MIMEAccept as MIMEAccept
from .auth import Authorization as Authorization
from .auth import WWWAuthenticate as WWWAuthenticate
from .cache_control import RequestCacheControl as RequestCacheControl
from .cache_control import ResponseCacheControl as ResponseCacheControl
from .combined import CombinedMultiDict as CombinedMultiDict
from .csp import ContentSecurityPolicy as ContentSecurityPolicy
from .etag import ETags as ETags
from .file_storage import FileMultiDict as FileMultiDict
from .file_storage import FileStorage as FileStorage
from .header_set import HeaderSet as HeaderSet
from .headers import EnvironHeaders as EnvironHeaders
from .headers import Headers as Headers
from .mixins import ImmutableDictMixin as ImmutableDictMixin
from .mixins import ImmutableHeadersMixin as ImmutableHeadersMixin
from .mixins import ImmutableListMixin as ImmutableListMixin
from .mixins import ImmutableMultiDictMixin as ImmutableMultiDictMixin
from .mixins import UpdateDictMixin as UpdateDictMixin
from .multidict import ImmutableMultiDict as ImmutableMultiDict
from .multidict import ImmutableOrderedMultiDict as ImmutableOrderedMultiDict
from .multidict import MultiDict as MultiDict
from .multidict import OrderedMultiDict as OrderedMultiDict
from .multidict import iter_multi_items as iter_multi_items
from .range import ContentRange as ContentRange
from .range import IfRange as IfRange
from .range import Range as Range
from .structures import CallbackDict as CallbackDict
from .structures import ImmutableDict as ImmutableDict
from .structures import ImmutableList as ImmutableList
from .structures import ImmutableTypeConversionDict as ImmutableTypeConversionDict
from .structures import TypeConversionDict as TypeConversionDict
