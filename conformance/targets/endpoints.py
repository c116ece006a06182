"""Parses and checks endpoint URLs (``http://HOST:PORT``), and says how to fix a bad one.

Shared by ``--target=URL`` and the ``endpoint`` key of a target config file, so both accept the same forms and
answer a mistake with the same advice.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

SCHEMES = ("http", "https")

# "127.0.0.1:4566", "localhost:4566/", "[::1]:80": a host and port typed without a scheme.
_HOST_PORT = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):[0-9]+/?")


class EndpointSyntaxError(ValueError):
    """An endpoint that is not an ``http(s)://HOST[:PORT]`` URL; the message says how to write it."""


@dataclass(frozen=True, slots=True)
class Endpoint:
    """A checked endpoint URL."""

    url: str
    """The URL as botocore gets it (no trailing slash)."""
    scheme: str
    host: str
    """The host name or IP address, without IPv6 brackets."""
    port: int

    @property
    def is_loopback(self) -> bool:
        """Whether the endpoint is on this machine (no proxy can reach it, so none is used)."""
        if self.host.lower() == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def slug(self) -> str:
        """A file-name-safe name for reports, e.g. ``127.0.0.1-4566``."""
        return re.sub(r"[^A-Za-z0-9.]+", "-", f"{self.host}:{self.port}").strip("-")


def looks_like_host_port(text: str) -> bool:
    """Whether ``text`` is a host and port missing its ``http://``."""
    return _HOST_PORT.fullmatch(text) is not None


def parse_endpoint(text: str) -> Endpoint:
    """Check an ``http(s)://HOST[:PORT][/PATH]`` URL; :class:`EndpointSyntaxError` says what to change."""
    value = text.strip()
    if "://" not in value:
        if looks_like_host_port(value):
            raise EndpointSyntaxError(f"{value!r} has no scheme: write http://{value.rstrip('/')} (or https://...)")
        raise EndpointSyntaxError(f"{value!r} is not a URL: write it as http://HOST:PORT or https://HOST[:PORT]")
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise EndpointSyntaxError(
            f"{value!r} uses the unsupported scheme {parts.scheme!r}: "
            "Clean Rooms speaks REST-JSON over HTTP, so use http://HOST:PORT or https://HOST[:PORT]"
        )
    if parts.username is not None or parts.password is not None:
        raise EndpointSyntaxError(
            f"{value!r} carries credentials: remove them from the URL; "
            "actors' credentials come from the target config (see docs/targets.md)"
        )
    if parts.query or parts.fragment:
        raise EndpointSyntaxError(f"{value!r} has a query or fragment: give only scheme, host, port (and path)")
    host = parts.hostname
    if not host:
        raise EndpointSyntaxError(f"{value!r} has no host: write it as {scheme}://HOST:PORT")
    try:
        port = parts.port
    except ValueError as exc:
        raise EndpointSyntaxError(f"{value!r} has a bad port ({exc}): use a number from 1 to 65535") from None
    if port == 0:
        raise EndpointSyntaxError(f"{value!r} has port 0: use the port the server listens on")
    default_port = 443 if scheme == "https" else 80
    url = f"{scheme}://{parts.netloc}{parts.path}".rstrip("/")
    return Endpoint(url=url, scheme=scheme, host=host, port=port if port is not None else default_port)
