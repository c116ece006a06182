"""A ``requests`` session whose every answer is read within the target's deadline and size cap.

For code that sends its own HTTP with ``requests`` rather than through a botocore client: schemathesis (the fuzz
layer's ``schemathesis_run``) calls ``case.call(session=...)``. The body is read by the same loop as botocore's
(:func:`conformance.targets.bounded.read_within`), so a hostile target ends a schemathesis case the way it ends a
scenario step: :class:`ResponseLimitExceeded`, a ``requests.RequestException`` with the same message.

The wait for the status line and headers is bounded by the same watchdog as botocore's
(:mod:`conformance.targets.watchdog`): the session's adapter gives its pools the watchdog's connection classes.

Kept apart from ``bounded.py`` so that importing the targets layer does not import ``requests``.
"""

from __future__ import annotations

import time
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from requests.exceptions import ChunkedEncodingError, ReadTimeout, RequestException
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ProtocolError
from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeoutError

from conformance.targets import watchdog
from conformance.targets.bounded import ResponseLimitError, no_complete_answer, read_within
from conformance.targets.spec import Timeouts


class ResponseLimitExceeded(RequestException):
    """A response too slow, too large or cut short (the message says which, as in the scenario reports)."""


_WATCHED_POOLS = {
    "http": watchdog.watched_pool(HTTPConnectionPool),
    "https": watchdog.watched_pool(HTTPSConnectionPool),
}


class _WatchedAdapter(HTTPAdapter):
    """requests' adapter, its pools (direct and through a proxy) made of the watchdog's connections."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager


class BoundedSession(requests.Session):
    """``requests.Session`` with the limits of ``timeouts`` on every request it sends.

    Every request is streamed and its body read here; redirects are not followed (no Clean Rooms operation
    redirects, and following one would read a body outside the limits). The fuzz layer's one change:
    ``session = BoundedSession(campaign.target.spec.timeouts)`` instead of ``requests.Session()``.
    """

    def __init__(self, timeouts: Timeouts) -> None:
        super().__init__()
        self.timeouts = timeouts
        adapter = _WatchedAdapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        limits = self.timeouts
        deadline = time.monotonic() + limits.deadline
        read_timeout = min(limits.read, limits.deadline)
        kwargs.update(stream=True, timeout=(limits.connect, read_timeout), allow_redirects=False)
        try:
            with watchdog.watching(deadline) as watch:
                response = super().send(request, **kwargs)
        except RequestException:
            if watch.shut:  # the watchdog shut the socket while the headers arrived: requests saw it dropped
                raise ResponseLimitExceeded(str(no_complete_answer(limits)), request=request) from None
            raise
        if watch.shut:  # the headers came just as the watchdog shut the socket: the body cannot follow
            response.close()
            raise ResponseLimitExceeded(str(no_complete_answer(limits)), request=request, response=response)
        try:
            body = read_within(
                response.raw,
                status=response.status_code,
                headers=response.headers,
                timeouts=limits,
                deadline=deadline,
                read_timeout=read_timeout,
                decode_content=True,
            )
        except ResponseLimitError as exc:
            raise ResponseLimitExceeded(str(exc), request=request, response=response) from None
        except Urllib3ReadTimeoutError as exc:
            raise ReadTimeout(exc, request=request) from None
        except ProtocolError as exc:
            raise ChunkedEncodingError(exc, request=request) from None
        # requests' own cache of a read body: what .content, .text and .json() return from now on.
        response._content = body
        response._content_consumed = True
        return response
