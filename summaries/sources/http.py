"""A small, defensive HTTP client for feeds and article pages.

Feeds are polled often and pages come from anywhere, so every request is bounded (timeouts,
size cap, redirect limit), identifies the bot, supports conditional GET to spare servers,
and turns every failure into a `FetchError` whose message a user can act on.
"""

from __future__ import annotations

import codecs
import re
import time
from dataclasses import dataclass, field
from email.message import Message

import httpx

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
    """Bounded GETs over one pooled httpx.Client; use as a context manager or call close()."""

    def __init__(
        self,
        *,
        connect_timeout: float = 10.0,
        read_timeout: float = 20.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 5,
        total_timeout: float = 60.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.read_timeout = read_timeout
        self.connect_timeout = connect_timeout
        self.max_bytes = max_bytes
        self.total_timeout = total_timeout
        self._client = httpx.Client(
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            follow_redirects=True,
            max_redirects=max_redirects,
            headers={"User-Agent": USER_AGENT},
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> Response:
        """GET `url`; send validators so an unchanged resource costs a 304, not a download."""
        headers = _conditional_headers(etag, last_modified)
        try:
            with self._client.stream("GET", url, headers=headers) as resp:
                return self._complete(resp)
        except httpx.TooManyRedirects as exc:
            raise FetchError("too many redirects") from exc
        except httpx.TimeoutException as exc:
            limit = self.connect_timeout if isinstance(exc, httpx.ConnectTimeout) else None
            raise FetchError(f"timed out after {_secs(limit or self.read_timeout)}s") from exc
        except httpx.ConnectError as exc:
            raise FetchError(_connect_message(exc)) from exc
        except httpx.InvalidURL as exc:
            raise FetchError(f"invalid URL: {url}") from exc
        except httpx.UnsupportedProtocol as exc:
            raise FetchError(f"unsupported URL scheme: {url}") from exc
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
        """Read the body but stop as soon as it passes the cap, so a huge file costs little."""
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"response larger than {self.max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.total_timeout
        for chunk in resp.iter_bytes():
            if time.monotonic() > deadline:  # a trickling server must not hold us forever
                raise FetchError(f"timed out after {_secs(self.total_timeout)}s")
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"response larger than {self.max_bytes} bytes")
            chunks.append(chunk)
        return b"".join(chunks)


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
    return f"{value:g}"
