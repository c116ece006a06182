"""The misbehaving servers other tests rely on do what they say."""

from __future__ import annotations

import http.client
import socket
from urllib.parse import urlsplit

import pytest

from .misbehaving import MODES, CannedResponse, MisbehavingServer, closed_port_url


def request(url: str, body: bytes = b"{}", timeout: float = 2.0) -> http.client.HTTPResponse:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
    connection.request("POST", "/collaborations", body=body, headers={"Content-Type": "application/json"})
    return connection.getresponse()


@pytest.mark.parametrize(
    ("mode", "status", "content_type"),
    [
        ("ok", 200, "application/json"),
        ("non-json", 200, "text/html"),
        ("status-500", 500, "application/json"),
        ("wrong-status", 202, "application/json"),
        ("missing-field", 200, "application/json"),
    ],
)
def test_answering_modes(mode: str, status: int, content_type: str) -> None:
    with MisbehavingServer(mode) as server:
        response = request(server.url, body=b'{"x": 1}')
        body = response.read()
        assert response.status == status
        assert response.getheader("Content-Type") == content_type
        assert response.getheader("Content-Length") == str(len(body))
        (seen,) = server.requests
    assert (seen.method, seen.path, seen.body) == ("POST", "/collaborations", b'{"x": 1}')
    assert seen.headers["content-type"] == "application/json"


def test_canned_mode_sends_what_it_is_given() -> None:
    canned = CannedResponse(status=418, body=b"teapot", headers={"X-Amzn-ErrorType": "Teapot"})
    with MisbehavingServer("canned", response=canned) as server:
        response = request(server.url)
        assert (response.status, response.read(), response.getheader("X-Amzn-ErrorType")) == (418, b"teapot", "Teapot")


def test_hang_and_drop() -> None:
    with MisbehavingServer("hang") as server, pytest.raises(TimeoutError):
        request(server.url, timeout=0.2)
    with MisbehavingServer("drop") as server, pytest.raises(http.client.RemoteDisconnected):
        request(server.url)


def test_closed_port_refuses() -> None:
    parts = urlsplit(closed_port_url())
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((parts.hostname, parts.port), timeout=1)


def test_bad_arguments() -> None:
    assert "hang" in MODES
    with pytest.raises(ValueError, match="unknown mode 'slow'"):
        MisbehavingServer("slow")
    with pytest.raises(ValueError, match="needs a response"):
        MisbehavingServer("canned")
    with pytest.raises(RuntimeError, match="not running"):
        _ = MisbehavingServer().url
