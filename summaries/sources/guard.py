"""Where a fetch may connect, and until when: the socket layer under `Fetcher`.

Feed entries and redirects name URLs chosen by whoever writes the feed. Fetching them
blindly lets a feed make the bot read its own network (a router page, a cloud metadata
service at 169.254.169.254, a database admin on loopback) and store the text where users
can read it. So every TCP connection is checked here, after DNS resolution and on every
redirect hop (each hop opens its own connection), and goes to the very address that was
checked, so a name that resolves differently a second time (DNS rebinding) gains nothing.
Only the hosts the user registered as sources are exempt.

The same layer enforces one deadline per request: httpx's timeouts bound each socket
operation, so a server sending its headers one byte a second never trips them. Here every
connect, read and write gets at most the time left before the deadline.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import socket
import time
import typing
from collections.abc import Iterator
from contextvars import ContextVar
from urllib.parse import urlsplit

import httpcore

DEFAULT_PORTS = {"http": 80, "https": 443}
# The deadline (time.monotonic()) of the request running in this thread or task.
_DEADLINE: ContextVar[float] = ContextVar("fetch_deadline", default=math.inf)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """A connection the policy forbids; str(error) says which address and why."""


def origin(url: str) -> tuple[str, int] | None:
    """(host, port) of an http(s) URL, the unit a registration allows; None for others."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in DEFAULT_PORTS or not parts.hostname:
        return None
    return parts.hostname.lower().rstrip("."), port or DEFAULT_PORTS[parts.scheme.lower()]


def address_problem(ip: IPAddress) -> str | None:
    """Why the bot must not connect to `ip` on a feed's say-so; None for a public address.

    `is_global` alone is not enough: Python counts multicast (224.0.0.0/4) as global.
    An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address.
    """
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata services live there)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified or ip.is_reserved:
        return "a reserved address"
    if ip.is_private or not ip.is_global:
        return "a private address"
    return None


@contextlib.contextmanager
def deadline(at: float) -> Iterator[None]:
    """Bound every socket operation in this block by `at` (a time.monotonic() value)."""
    token = _DEADLINE.set(min(at, _DEADLINE.get()))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _clip(timeout: float | None, error: type[Exception]) -> float | None:
    """The operation's own timeout, shortened to the time left; `error` once none is left."""
    left = _DEADLINE.get() - time.monotonic()
    if left <= 0:
        raise error("the request deadline passed")
    if math.isinf(left):
        return timeout
    return left if timeout is None else min(timeout, left)


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's sync backend with the address policy and the deadline applied."""

    def __init__(self, allowed: set[tuple[str, int]]) -> None:
        self.allowed = allowed  # shared with the Fetcher, which adds registrations
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clip(timeout, httpcore.ConnectTimeout)
        if (host.lower().rstrip("."), port) in self.allowed:
            targets = [host]  # registered by the user: connect as asked, private or not
        else:
            targets = self.checked_addresses(host, port)
        error: Exception | None = None
        for target in targets:
            try:
                stream = self._inner.connect_tcp(
                    target, port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:  # try the next address, like create_connection
                error = exc
                continue
            return DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"no address for {host}")

    def checked_addresses(self, host: str, port: int) -> list[str]:
        """Every address `host` resolves to, or AddressRefused if any one is not public.

        All are checked, not just the first: a hostile name may list a public address
        first and a private one second, and connection fallback would reach it.
        """
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise httpcore.ConnectError(f"name resolution failed for {host}: {exc}") from exc
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        for address in addresses:
            problem = address_problem(ipaddress.ip_address(address.split("%", 1)[0]))
            if problem:
                shown = host if host == address else f"{host} ({address})"
                raise AddressRefused(
                    f"{shown} is {problem}; only a registered source may be on one"
                )
        return addresses

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the request deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clip(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clip(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: typing.Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        clipped = _clip(timeout, httpcore.ConnectTimeout)
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, clipped))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)
