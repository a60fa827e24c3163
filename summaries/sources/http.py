"""A small, defensive HTTP client for feeds and article pages.

Feeds are polled often and pages come from anywhere, so every request is bounded (one
deadline for the whole request, size cap, redirect limit), may reach only public addresses
and the user's own sources (see `guard`), identifies the bot, supports conditional GET to
spare servers, and turns every failure into a `FetchError` whose message a user can act on.
"""

from __future__ import annotations

import codecs
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from summaries.sources.guard import AddressRefused, GuardedBackend, deadline, origin

USER_AGENT = "diplobot/0.1 (+diplomatic news bot)"
DEFAULT_MAX_BYTES = 5_000_000

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


class FetchError(Exception):
    """A fetch that failed; str(error) is the one-line reason shown to the user."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Response:
    """A completed GET; `not_modified` means 304 and an empty body (reuse the old copy)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    final_url: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def text(self) -> str:
        """The body decoded with its declared charset (header, then <meta>/XML declaration)."""
        return decode_body(self.body, self.content_type)


def declared_charset(body: bytes, content_type: str = "") -> str | None:
    """The charset the server or the document itself declares, if Python knows it."""
    candidates = [_header_charset(content_type)]
    head = body[:4096]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        match = pattern.search(head)
        candidates.append(match.group(1).decode("ascii") if match else None)
    for name in candidates:
        if name and _known_codec(name):
            return name
    return None


def decode_body(body: bytes, content_type: str = "") -> str:
    """Decode with the declared charset; UTF-8 (lenient) when nothing usable is declared."""
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    charset = declared_charset(body, content_type) or "utf-8"
    return body.decode(charset, errors="replace")


def _header_charset(content_type: str) -> str | None:
    if not content_type:
        return None
    msg = Message()
    msg["content-type"] = content_type
    charset = msg.get_param("charset")
    return charset.strip() if isinstance(charset, str) else None


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


class Fetcher:
    """Bounded GETs over one pooled httpx.Client; use as a context manager or call close().

    Connections go through `GuardedBackend`: private, loopback, link-local and multicast
    addresses are refused unless their origin was registered with `allow()` (the user's
    own sources), and one deadline bounds each whole request, redirects included.
    Redirects are followed here rather than by httpx so each hop is checked and named.
    Proxy variables in the environment are not used: through a proxy the address a
    request reaches could not be checked. A `transport` given by the caller replaces
    the guarded one, address checks and deadline included (for tests with a mock).
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 5,
        total_timeout: float = 60.0,
        allow: Iterable[str] = (),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.read_timeout = read_timeout
        self.connect_timeout = connect_timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.total_timeout = total_timeout
        self.allowed: set[tuple[str, int]] = set()
        for url in allow:
            self.allow(url)
        self._client = httpx.Client(
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
            transport=transport or _GuardedTransport(GuardedBackend(self.allowed)),
        )

    def allow(self, url: str) -> None:
        """Let requests reach `url`'s host and port even when the address is private.

        For sources the user registered (an intranet feed, a test server on loopback):
        the user chose that address, a feed's entry link did not.
        """
        key = origin(url)
        if key:
            self.allowed.add(key)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        until: float | None = None,
    ) -> Response:
        """GET `url`; send validators so an unchanged resource costs a 304, not a download.

        The whole request (connect, status line, headers, body, every redirect) ends by
        `total_timeout` from now, or by `until` (a time.monotonic() value) if sooner: a
        feed poll passes its own deadline so its page fetches cannot outlast it.
        """
        start = time.monotonic()
        ends = min(start + self.total_timeout, until if until is not None else math.inf)
        headers = _conditional_headers(etag, last_modified)
        target = url
        try:
            with deadline(ends):
                for _ in range(self.max_redirects + 1):
                    with self._client.stream("GET", target, headers=headers) as resp:
                        location = _redirect_target(resp)
                        if location is None:
                            return self._complete(resp)
                    target = location
                raise FetchError("too many redirects")
        except AddressRefused as exc:
            raise FetchError(f"refused {target}: {exc}") from exc
        except httpx.TimeoutException as exc:
            if time.monotonic() >= ends - 0.01:
                raise FetchError(f"timed out after {_secs(ends - start)}s") from exc
            limit = self.connect_timeout if isinstance(exc, httpx.ConnectTimeout) else None
            raise FetchError(f"timed out after {_secs(limit or self.read_timeout)}s") from exc
        except httpx.ConnectError as exc:
            raise FetchError(_connect_message(exc)) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL: {target}") from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"unsupported URL scheme: {target}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"network error: {exc or type(exc).__name__}") from exc

    def _complete(self, resp: httpx.Response) -> Response:
        """Turn a streamed response into a Response, enforcing status and size rules."""
        headers = {k.lower(): v for k, v in resp.headers.items()}
        base = {
            "status": resp.status_code,
            "headers": headers,
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
            "final_url": str(resp.url),
        }
        if resp.status_code == 304:
            return Response(body=b"", not_modified=True, **base)
        if resp.status_code >= 400:
            raise FetchError(
                f"HTTP {resp.status_code} {resp.reason_phrase}".strip(), resp.status_code
            )
        return Response(body=self._read_capped(resp), **base)

    def _read_capped(self, resp: httpx.Response) -> bytes:
        """Read the body but stop as soon as it passes the cap, so a huge file costs little.

        Time is bounded below this, by the request deadline on every socket read.
        """
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"response larger than {self.max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"response larger than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


class _GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over `GuardedBackend`.

    httpx takes no network backend argument, so the connection pool is rebuilt with one
    (httpcore's public constructor; `_pool` is the attribute HTTPTransport sends through).
    """

    def __init__(self, backend: GuardedBackend) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=100,
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )


def _redirect_target(resp: httpx.Response) -> str | None:
    """The absolute URL a redirect points to, None when `resp` is not a redirect.

    Anything but http(s) is refused here, naming the target: a feed server that
    redirects to file:///etc/passwd must be reported as such, not as its first URL.
    """
    if resp.status_code not in (301, 302, 303, 307, 308):
        return None
    location = resp.headers.get("location", "").strip()
    if not location:
        return None  # a 3xx without a Location is an ordinary (useless) answer
    target = urljoin(str(resp.url), location)
    scheme = urlsplit(target).scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"refused redirect to {target}: only http and https are followed")
    return target


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _connect_message(exc: httpx.ConnectError) -> str:
    text = str(exc)
    if "refused" in text.lower():
        return "connection refused"
    if "name" in text.lower() and ("resolution" in text.lower() or "known" in text.lower()):
        return "host name not found"
    return f"could not connect: {text or 'unknown error'}"


def _secs(value: float) -> str:
    """Seconds for a message: 0.5 -> "0.5", 60.0 -> "60", 12.3456 -> "12.3"."""
    return f"{round(value, 1):g}"
