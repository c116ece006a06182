from __future__ import annotations

import re

import pytest

from conformance.targets.endpoints import EndpointSyntaxError, looks_like_host_port, parse_endpoint


@pytest.mark.parametrize(
    ("text", "url", "host", "port", "loopback", "slug"),
    [
        ("http://127.0.0.1:4566", "http://127.0.0.1:4566", "127.0.0.1", 4566, True, "127.0.0.1-4566"),
        ("http://localhost:4566/", "http://localhost:4566", "localhost", 4566, True, "localhost-4566"),
        (
            "HTTPS://fake.example.com",
            "https://fake.example.com",
            "fake.example.com",
            443,
            False,
            "fake.example.com-443",
        ),
        ("http://[::1]:8080", "http://[::1]:8080", "::1", 8080, True, "1-8080"),
        ("http://10.0.0.5/prefix/", "http://10.0.0.5/prefix", "10.0.0.5", 80, False, "10.0.0.5-80"),
    ],
)
def test_good_endpoints(text: str, url: str, host: str, port: int, loopback: bool, slug: str) -> None:
    endpoint = parse_endpoint(text)
    assert (endpoint.url, endpoint.host, endpoint.port) == (url, host, port)
    assert endpoint.is_loopback is loopback
    assert endpoint.slug == slug


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ftp://x", "unsupported scheme 'ftp'"),
        ("127.0.0.1:80", "write http://127.0.0.1:80"),
        ("localhost", "is not a URL"),
        ("http://", "has no host"),
        ("http://h:99999", "bad port"),
        ("http://h:0", "port 0"),
        ("http://user:pw@h:1", "carries credentials"),
        ("http://h:1/?a=b", "query or fragment"),
    ],
)
def test_bad_endpoints_say_how_to_fix(text: str, message: str) -> None:
    with pytest.raises(EndpointSyntaxError, match=re.escape(message)):
        parse_endpoint(text)


def test_host_port_detection() -> None:
    assert looks_like_host_port("127.0.0.1:4566")
    assert looks_like_host_port("[::1]:80")
    assert not looks_like_host_port("staging")
    assert not looks_like_host_port("http://x:1")
