"""The I/O-free HTTP layer: parsers and serialisers for HTTP text.

Nothing here reads a socket, a stream, an environ or the app. Every function
takes ``str`` or ``bytes`` and returns values; malformed input raises a
subclass of :class:`erlen.http.errors.HTTPParseError`. Only the standard library
is imported.

This package gathers the public names of its modules, so that
``from erlen.http import parse_options_header`` works as
``from werkzeug.http import parse_options_header`` does.
"""

from __future__ import annotations

from .cookies import dump_cookie as dump_cookie
from .cookies import parse_cookie as parse_cookie
from .csp import dump_csp_header as dump_csp_header
from .csp import parse_csp_header as parse_csp_header
from .dates import dump_age as dump_age
from .dates import http_date as http_date
from .dates import parse_age as parse_age
from .dates import parse_date as parse_date
from .errors import HeaderTooLargeError as HeaderTooLargeError
from .errors import HTTPParseError as HTTPParseError
from .errors import LimitExceededError as LimitExceededError
from .errors import MalformedError as MalformedError
from .errors import RangeNotSatisfiableError as RangeNotSatisfiableError
from .etags import generate_etag as generate_etag
from .etags import is_resource_modified as is_resource_modified
from .etags import parse_etags as parse_etags
from .etags import parse_if_range_header as parse_if_range_header
from .etags import quote_etag as quote_etag
from .etags import unquote_etag as unquote_etag
from .headers import COEP as COEP
from .headers import COOP as COOP
from .headers import check_header_value as check_header_value
from .headers import dump_header as dump_header
from .headers import dump_options_header as dump_options_header
from .headers import is_entity_header as is_entity_header
from .headers import is_hop_by_hop_header as is_hop_by_hop_header
from .headers import is_valid_header_name as is_valid_header_name
from .headers import parse_accept_header as parse_accept_header
from .headers import parse_cache_control_header as parse_cache_control_header
from .headers import parse_dict_header as parse_dict_header
from .headers import parse_list_header as parse_list_header
from .headers import parse_options_header as parse_options_header
from .headers import parse_set_header as parse_set_header
from .headers import quote_header_value as quote_header_value
from .headers import remove_entity_headers as remove_entity_headers
from .headers import remove_hop_by_hop_headers as remove_hop_by_hop_headers
from .headers import unquote_header_value as unquote_header_value
from .ranges import dump_content_range as dump_content_range
from .ranges import dump_range as dump_range
from .ranges import is_byte_range_valid as is_byte_range_valid
from .ranges import parse_content_range_header as parse_content_range_header
from .ranges import parse_range_header as parse_range_header
from .status import HTTP_STATUS_CODES as HTTP_STATUS_CODES
from .status import get_status_line as get_status_line
from .status import parse_status as parse_status
from .urls import iri_to_uri as iri_to_uri
from .urls import parse_query_pairs as parse_query_pairs
from .urls import uri_to_iri as uri_to_iri
from .urls import url_encode as url_encode
