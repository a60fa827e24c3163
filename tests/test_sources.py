"""Fetching side of ingestion against a real HTTP server on 127.0.0.1.

The server serves the invented fixtures in tests/data/feeds/ (with `{{BASE}}` replaced by
its address), honours conditional GET, and has misbehaving endpoints: slow, huge,
redirect loops and error statuses.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from summaries.pipeline import SkipFile
from summaries.sources.extract import html_to_text
from summaries.sources.feeds import FeedState, read_feed
from summaries.sources.folder import load_folder_file, read_folder_file
from summaries.sources.http import USER_AGENT, Fetcher, FetchError, decode_body
from summaries.sources.opml import OpmlError, parse_opml, to_opml

DATA = Path(__file__).parent / "data" / "feeds"
LAST_MODIFIED = "Tue, 05 Mar 2024 10:00:00 GMT"
CONTENT_TYPES = {
    "rss2.xml": "application/rss+xml; charset=utf-8",
    "atom.xml": "application/atom+xml",
    "rss1.rdf": "application/rdf+xml",
    "latin1.html": "text/html; charset=iso-8859-1",
}


class _Handler(BaseHTTPRequestHandler):
    """Fixtures under /feeds/ and /articles/, plus misbehaving endpoints (see do_GET)."""

    protocol_version = "HTTP/1.1"
    seen: list[dict[str, str]] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Keep test output quiet."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        type(self).seen.append({"path": self.path, **dict(self.headers.items())})
        path = self.path
        try:
            if path.startswith(("/feeds/", "/articles/")):
                self._fixture(path)
            elif path.startswith("/status/"):
                self._send(int(path.rsplit("/", 1)[1]), b"error page")
            elif path == "/slow":
                time.sleep(1.5)
                self._send(200, b"too late")
            elif path == "/trickle":
                self._trickle()
            elif path == "/big":
                self._big(declare=False)
            elif path == "/big-declared":
                self._big(declare=True)
            elif path.startswith("/loop/"):
                self._redirect(f"/loop/{int(path.rsplit('/', 1)[1]) + 1}")
            elif path == "/to-summit":
                self._redirect("/articles/summit.html")
            elif path == "/ua":
                self._send(200, self.headers.get("User-Agent", "").encode())
            elif path == "/slow-headers":
                self._slow_headers()
            elif path == "/to-file":
                self._redirect("file:///etc/passwd")
            elif path.startswith("/to-port/"):  # /to-port/PORT: off to another loopback server
                self._redirect(f"http://127.0.0.1:{path.rsplit('/', 1)[1]}/secret")
            elif path.startswith("/ssrf-feed/"):  # entry links to another loopback server
                self._send(200, _ssrf_feed(self.headers["Host"], path.rsplit("/", 1)[1]))
            elif path.startswith("/hostile/"):
                self._send(200, HOSTILE[path.removeprefix("/hostile/")](self.headers["Host"]))
            else:
                self._send(404, b"not found")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _fixture(self, path: str) -> None:
        file = DATA / path.lstrip("/").removeprefix("feeds/")
        if not file.is_file():
            self._send(404, b"not found")
            return
        base = f"http://{self.headers['Host']}".encode()
        body = file.read_bytes().replace(b"{{BASE}}", base)
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag or (
            "If-None-Match" not in self.headers
            and self.headers.get("If-Modified-Since") == LAST_MODIFIED
        ):
            self._send(304, b"", {"ETag": etag, "Last-Modified": LAST_MODIFIED})
            return
        ctype = CONTENT_TYPES.get(file.name, "text/html" if file.suffix == ".html" else "text/xml")
        headers = {"Content-Type": ctype, "ETag": etag, "Last-Modified": LAST_MODIFIED}
        self._send(200, body, headers)

    def _big(self, declare: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        if declare:
            self.send_header("Content-Length", str(10_000_000))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        for _ in range(20):
            self.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        for _ in range(10):
            self.wfile.write(b"x" * 10)
            self.wfile.flush()
            time.sleep(0.2)

    def _slow_headers(self) -> None:
        """The status line and headers a byte at a time: no single read ever times out."""
        self.close_connection = True
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok":
            self.wfile.write(bytes([byte]))
            self.wfile.flush()
            time.sleep(0.05)

    def _redirect(self, target: str) -> None:
        self._send(302, b"", {"Location": target})

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


def _entity_bomb(host: str) -> bytes:
    """200 KB that feedparser would expand to 100 MB of entry text (the issue's probe)."""
    refs = "&a;" * 20_000
    return (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{"A" * 5000}">]>'
        f'<rss version="2.0"><channel><title>t</title><item><title>bomb</title>'
        f"<description>{refs}</description></item></channel></rss>"
    ).encode()


def _rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def _item(title: str, link: str = "", text: str = "") -> str:
    link_tag = f"<link>{link}</link>" if link else ""
    return f"<item><title>{title}</title>{link_tag}<description>{text}</description></item>"


def _ssrf_feed(host: str, port: str) -> bytes:
    """Entries linking to an unregistered server, and to the registered one by another name."""
    registered_port = host.rsplit(":", 1)[1]
    return _rss(
        _item("internal", f"http://127.0.0.1:{port}/secret", "Feed text one."),
        _item("renamed", f"http://localhost:{registered_port}/articles/summit.html", "Two."),
    )


HOSTILE = {
    "entities.xml": _entity_bomb,
    # Title but no text, and a tag left open: feedparser's lenient parser finds the entry.
    "broken.xml": lambda host: (
        b'<?xml version="1.0"?><rss version="2.0"><channel>'
        b"<title>t</title><item><title>Only a title</title><guid>1</item></channel></rss>"
    ),
    "slow-pages.xml": lambda host: _rss(
        *(_item(f"slow {n}", f"http://{host}/slow", "Feed text.") for n in range(3))
    ),
    "long.xml": lambda host: _rss(
        *(_item(f"story {n}", text=f"Story {n} is long. " * 100) for n in range(5))
    ),
}


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    """A threaded HTTP server on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _Internal(BaseHTTPRequestHandler):
    """A service nobody registered (an admin page on loopback): it must never be reached."""

    hits: list[str] = []

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        """Keep test output quiet."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        type(self).hits.append(self.path)
        body = b"<html><body><article><p>INTERNAL SECRET admin data.</p></article></body></html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def internal() -> Iterator[int]:
    """The port of a second loopback server, not registered as a source."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Internal)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetcher(base: str) -> Iterator[Fetcher]:
    """The test server is on loopback, so it is registered like a user's own source."""
    with Fetcher(connect_timeout=2, read_timeout=2, max_bytes=100_000, allow=[base]) as f:
        yield f


# --- feeds -------------------------------------------------------------------------------


def test_rss2_entries_use_page_text_and_fall_back_to_feed_text(fetcher: Fetcher, base: str):
    result = read_feed(fetcher, f"{base}/feeds/rss2.xml")
    assert [i.title for i in result.items] == [
        "Foreign ministers agree on a roadmap for the Caspian water talks",
        "Ambassador presents credentials",
        "Consular notice: holiday closure",
        "Archived statement on the border commission",
    ]
    summit, empty, no_link, missing = result.items
    assert "six-month roadmap" in summit.text and "All rights reserved" not in summit.text
    assert summit.published == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert summit.date_source == "feed" and summit.author == "Press Office"
    assert summit.source_id == f"{base}/feeds/rss2.xml"
    assert empty.text.startswith("The new ambassador of Valdoria") and "<p>" not in empty.text
    assert "She pledged to deepen trade ties." in empty.text
    assert missing.text == "The joint border commission will reconvene in April."
    assert len(result.errors) == 2
    assert any("no article text" in e and "empty.html" in e for e in result.errors)
    assert any("HTTP 404 Not Found" in e for e in result.errors)


def test_feed_entries_name_the_feed_as_their_outlet(fetcher: Fetcher, base: str):
    """What the Sources list shows for a feed's story: the feed's own title."""
    result = read_feed(fetcher, f"{base}/feeds/rss2.xml")
    assert {i.outlet for i in result.items} == {"Northbridge Foreign Ministry — Press Releases"}
    atom = read_feed(fetcher, f"{base}/feeds/atom.xml")
    assert {i.outlet for i in atom.items} == {"Valdoria Mission to the United Nations"}


def test_entry_without_link_or_date_keeps_feed_text_and_no_date(fetcher: Fetcher, base: str):
    item = read_feed(fetcher, f"{base}/feeds/rss2.xml").items[2]
    assert item.url is None
    assert item.published is None and item.date_source is None
    assert item.text.startswith("The consular section will be closed on Friday")


def test_atom_with_page_extraction_and_non_utf8_page(fetcher: Fetcher, base: str):
    result = read_feed(fetcher, f"{base}/feeds/atom.xml")
    assert result.errors == []
    treaty, minsk = result.items
    assert "protected maritime corridors" in treaty.text
    assert treaty.published == datetime(2024, 3, 8, 15, 15, tzinfo=UTC)
    assert treaty.author == "Mission Spokesperson"
    assert treaty.url == f"{base}/articles/treaty.html"
    assert "Министры иностранных дел трёх государств" in minsk.text
    assert minsk.published == datetime(2024, 3, 7, 9, 0, tzinfo=UTC)


def test_rss1_without_fetching_pages(fetcher: Fetcher, base: str):
    result = read_feed(fetcher, f"{base}/feeds/rss1.rdf", fetch_pages=False)
    (item,) = result.items
    assert item.text == "A trade delegation of forty firms visited the embassy."
    assert item.published == datetime(2024, 2, 28, 16, 0, tzinfo=UTC)


def test_rss091_latin1_feed_and_max_entries(fetcher: Fetcher, base: str):
    result = read_feed(fetcher, f"{base}/feeds/rss091.xml", max_entries=1)
    (item,) = result.items
    assert item.title == "Réouverture du consulat"
    assert "coopération régionale" in item.text
    assert item.published is None
    assert len(read_feed(fetcher, f"{base}/feeds/rss2.xml", max_entries=1).items) == 1


def test_conditional_get_returns_not_modified(fetcher: Fetcher, base: str):
    url = f"{base}/feeds/atom.xml"
    first = read_feed(fetcher, url, fetch_pages=False)
    assert first.etag and first.last_modified == LAST_MODIFIED and not first.not_modified
    second = read_feed(fetcher, url, first.state)
    assert second.not_modified and second.items == [] and second.etag == first.etag
    by_date = read_feed(fetcher, url, FeedState(last_modified=LAST_MODIFIED))
    assert by_date.not_modified
    sent = [h for h in _Handler.seen if h["path"] == "/feeds/atom.xml"][-2]
    assert sent["If-None-Match"] == first.etag


def test_malformed_xml_is_not_a_feed(fetcher: Fetcher, base: str):
    with pytest.raises(FetchError, match=r"^not a feed: "):
        read_feed(fetcher, f"{base}/feeds/malformed.xml")


def test_html_page_is_not_a_feed(fetcher: Fetcher, base: str):
    with pytest.raises(FetchError, match=r"not a feed: .*HTML page"):
        read_feed(fetcher, f"{base}/feeds/not_a_feed.html")


def test_feed_404_is_an_error(fetcher: Fetcher, base: str):
    with pytest.raises(FetchError, match=r"^HTTP 404 Not Found$"):
        read_feed(fetcher, f"{base}/feeds/nope.xml")


# --- http --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/big", "/big-declared"])
def test_response_over_the_cap(fetcher: Fetcher, base: str, path: str):
    with pytest.raises(FetchError, match=r"^response larger than 100000 bytes$"):
        fetcher.fetch(base + path)


def test_slow_server_times_out(base: str):
    # The server answers after 1.5 s: an error naming the 0.5 s limit is the timeout.
    with (
        Fetcher(read_timeout=0.5, allow=[base]) as fetcher,
        pytest.raises(FetchError, match=r"^timed out after 0.5s$"),
    ):
        fetcher.fetch(f"{base}/slow")


def test_trickling_server_hits_the_total_timeout(base: str):
    with (
        Fetcher(read_timeout=1, total_timeout=0.5, allow=[base]) as fetcher,
        pytest.raises(FetchError, match=r"^timed out after 0.5s$"),
    ):
        fetcher.fetch(f"{base}/trickle")


def test_redirect_loop_and_followed_redirect(fetcher: Fetcher, base: str):
    with pytest.raises(FetchError, match=r"^too many redirects$"):
        fetcher.fetch(f"{base}/loop/0")
    response = fetcher.fetch(f"{base}/to-summit")
    assert response.status == 200 and response.final_url == f"{base}/articles/summit.html"


@pytest.mark.parametrize(
    ("code", "message"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
def test_http_errors(fetcher: Fetcher, base: str, code: int, message: str):
    with pytest.raises(FetchError) as info:
        fetcher.fetch(f"{base}/status/{code}")
    assert str(info.value) == message and info.value.status == code


def test_connection_refused(fetcher: Fetcher):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    fetcher.allow(f"http://127.0.0.1:{port}/")
    with pytest.raises(FetchError, match=r"^connection refused$"):
        fetcher.fetch(f"http://127.0.0.1:{port}/")


def test_user_agent(fetcher: Fetcher, base: str):
    assert fetcher.fetch(f"{base}/ua").body.decode() == USER_AGENT


def test_charset_from_meta_and_from_header(fetcher: Fetcher, base: str):
    ru = fetcher.fetch(f"{base}/articles/cp1251.html")
    assert "charset" not in ru.content_type
    assert "Совещание министров иностранных дел в Минске" in ru.text()
    fr = fetcher.fetch(f"{base}/articles/latin1.html")
    assert "Déclaration conjointe sur la coopération régionale" in fr.text()


def test_decode_body_prefers_header_and_survives_unknown_charset():
    body = '<meta charset="utf-8"><p>Genève</p>'.encode("iso-8859-1")
    assert "Genève" in decode_body(body, "text/html; charset=ISO-8859-1")
    assert "<p>" in decode_body(b'<meta charset="no-such-codec"><p>x</p>')


def test_html_to_text_keeps_paragraphs_and_drops_scripts():
    text = html_to_text("<p>One &amp; two</p><script>x()</script><p>Three\nfour</p>")
    assert text == "One & two\n\nThree four"


# --- hostile feeds and servers (issue 13) ----------------------------------------------------


def test_security_feed_declaring_entities_is_refused_before_parsing(fetcher: Fetcher, base: str):
    with pytest.raises(FetchError, match=r"^refused: the feed declares XML entities"):
        read_feed(fetcher, f"{base}/hostile/entities.xml")


def test_security_entity_feed_is_marked_failed_and_backs_off(fetcher, base, tmp_path):
    from summaries.polling import poll_all
    from summaries.store import Store

    with Store(tmp_path / "e.db") as store:
        store.add_feed("feed", f"{base}/hostile/entities.xml")
        [report] = poll_all(store, fetcher, sentences=0)
        assert report.failed == 1 and "declares XML entities" in report.note
        assert store.article_count() == 0
        [source] = store.feeds()
        assert source["failures"] == 1 and "entities" in source["last_error"]
        [again] = poll_all(store, fetcher, sentences=0)
        assert again.note.startswith("backing off")


def test_fault_feed_text_is_bounded_per_poll(fetcher, base, tmp_path, monkeypatch):
    from summaries.polling import poll_all
    from summaries.sources import feeds
    from summaries.store import Store

    monkeypatch.setattr(feeds, "MAX_FEED_TEXT", 5_000)  # each story is about 1,900 characters
    with Store(tmp_path / "b.db") as store:
        store.add_feed("feed", f"{base}/hostile/long.xml")
        [report] = poll_all(store, fetcher, sentences=0)
        assert report.new == 2 and report.failed == 1
        assert "stopped at 5,000 characters of text; 3 of 5 entries left" in report.note
        assert store.article_count() == 2
        [source] = store.feeds()
        assert source["failures"] == 1 and source["etag"] is None  # read again next time


def test_fault_malformed_feed_says_it_is_not_well_formed(fetcher: Fetcher, base: str):
    result = read_feed(fetcher, f"{base}/hostile/broken.xml")
    [error] = result.errors
    assert "not well-formed XML" in error and "mismatched tag" in error
    assert "no text in page or feed" not in error
    with pytest.raises(FetchError, match=r"^not a feed: .*not well-formed XML"):
        read_feed(fetcher, f"{base}/feeds/malformed.xml")


def test_fault_slow_headers_are_cut_off_at_the_request_deadline(base: str):
    with Fetcher(read_timeout=1, total_timeout=0.5, allow=[base]) as fetcher:
        start = time.monotonic()
        with pytest.raises(FetchError, match=r"^timed out after 0.5s$"):
            fetcher.fetch(f"{base}/slow-headers")  # a byte every 0.05 s: no read times out
        # The headers take 3.5 s to trickle in; a generous bound still tells the cut-off.
        assert time.monotonic() - start < 2.5


def test_fault_one_deadline_covers_a_feed_and_its_pages(fetcher: Fetcher, base: str):
    start = time.monotonic()
    result = read_feed(fetcher, f"{base}/hostile/slow-pages.xml", time_limit=0.6)
    assert time.monotonic() - start < 3  # the three pages would take 4.5 s; generous
    assert [i.text for i in result.items] == ["Feed text."]
    assert "timed out" in result.errors[0]
    assert (
        result.incomplete == "feed poll stopped after 0.6 s; 2 of 3 entries left for the next poll"
    )


def test_security_redirect_to_a_file_url_names_the_target(fetcher: Fetcher, base: str):
    with pytest.raises(FetchError, match=r"^refused redirect to file:///etc/passwd: only http"):
        fetcher.fetch(f"{base}/to-file")


def test_security_entry_links_to_unregistered_addresses_are_not_fetched(fetcher, base, internal):
    _Internal.hits.clear()
    result = read_feed(fetcher, f"{base}/ssrf-feed/{internal}")
    assert _Internal.hits == []
    assert [i.text for i in result.items] == ["Feed text one.", "Two."]  # the feed's own text
    assert (
        f"refused http://127.0.0.1:{internal}/secret: 127.0.0.1 is a loopback" in result.errors[0]
    )
    assert "refused http://localhost:" in result.errors[1]  # registered as 127.0.0.1 only
    assert not any("SECRET" in i.text for i in result.items)


def test_security_redirects_are_checked_at_every_hop(fetcher: Fetcher, base: str, internal: int):
    _Internal.hits.clear()
    with pytest.raises(FetchError) as info:
        fetcher.fetch(f"{base}/to-port/{internal}")
    assert str(info.value).startswith(f"refused http://127.0.0.1:{internal}/secret: ")
    assert _Internal.hits == []
    fetcher.allow(f"http://127.0.0.1:{internal}/")  # once the user registers it, it is reachable
    assert b"INTERNAL SECRET" in fetcher.fetch(f"{base}/to-port/{internal}").body


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.1:8080/admin", "private"),
        ("http://[::1]:9/", "loopback"),
        ("http://[::ffff:127.0.0.1]:9/", "loopback"),
        ("http://0.0.0.0:9/", "reserved"),
        ("http://224.0.0.1/", "multicast"),
        ("http://localhost:9/", "loopback"),
    ],
)
def test_security_private_and_metadata_addresses_are_refused(url: str, why: str):
    with Fetcher(connect_timeout=1) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(url)
    assert str(info.value).startswith(f"refused {url}: ") and why in str(info.value)


def test_security_public_addresses_pass_the_address_check():
    from ipaddress import ip_address

    from summaries.sources.guard import address_problem, origin

    assert address_problem(ip_address("93.184.216.34")) is None
    assert address_problem(ip_address("2606:4700::1111")) is None
    assert address_problem(ip_address("100.64.0.1")) == "a private address"  # carrier NAT
    assert origin("HTTP://Feeds.Example.org./rss") == ("feeds.example.org", 80)
    assert origin("https://[::1]:8443/x") == ("::1", 8443)
    assert origin("file:///etc/passwd") is None


# --- opml --------------------------------------------------------------------------------


def test_parse_opml_nested_and_round_trip():
    feeds = parse_opml((DATA / "feeds.opml").read_text(encoding="utf-8"))
    assert feeds == [
        ("Northbridge Foreign Ministry", "https://mfa.northbridge.example/rss.xml"),
        ("Valdoria UN Mission", "https://un.valdoria.example/atom.xml"),
        ("Eastmarch Embassy", "https://embassy.eastmarch.example/rss1.rdf"),
    ]
    assert parse_opml(to_opml(feeds)) == feeds
    assert parse_opml(to_opml([("A & B <news>", "https://x.example/?a=1&b=2")])) == [
        ("A & B <news>", "https://x.example/?a=1&b=2")
    ]


def test_opml_rejects_entities_and_non_opml():
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;">]><opml><body>'
        '<outline text="&lol2;" xmlUrl="https://x.example/"/></body></opml>'
    )
    with pytest.raises(OpmlError, match="DOCTYPE"):
        parse_opml(laughs)
    with pytest.raises(OpmlError, match="not OPML"):
        parse_opml("<rss/>")
    with pytest.raises(OpmlError, match="not valid"):
        parse_opml("<opml><body>")


def test_opml_comment_that_mentions_a_doctype_is_parsed():
    text = (
        '<opml version="2.0"><!-- exported; no <!DOCTYPE here --><body>'
        '<outline text="News" xmlUrl="https://x.example/feed"/></body></opml>'
    )
    assert parse_opml(text) == [("News", "https://x.example/feed")]


# --- folder ------------------------------------------------------------------------------


def test_folder_html_files(tmp_path: Path):
    for name in ("summit.html", "cp1251.html"):
        shutil.copy(DATA / "articles" / name, tmp_path / name)
    (summit,) = read_folder_file(tmp_path / "summit.html")
    assert "six-month roadmap" in summit.text and summit.author == "Irena Kovalenko"
    assert summit.published == date(2024, 3, 5)  # a day without a time stays a day
    assert summit.date_source == "page-meta"
    (ru,) = read_folder_file(tmp_path / "cp1251.html")
    assert "рабочую группу" in ru.text
    shutil.copy(DATA / "articles" / "empty.html", tmp_path / "empty.html")
    with pytest.raises(SkipFile, match="no article text"):
        read_folder_file(tmp_path / "empty.html")


def test_folder_json_and_jsonl_skip_bad_records(tmp_path: Path):
    good = {
        "title": "Talks resume",
        "text": "Negotiators resumed talks in Oslo.",
        "url": "https://news.example/oslo",
        "date": "2024-03-01T12:00:00+02:00",
    }
    (tmp_path / "a.json").write_text(json.dumps({"items": [good, {"title": "no text"}, 3]}))
    result = load_folder_file(tmp_path / "a.json")
    (item,) = result.items
    assert item.published == datetime(2024, 3, 1, 10, 0, tzinfo=UTC) and item.url == good["url"]
    assert result.skipped == [
        "record 2: missing or empty 'text'",
        "record 3: expected an object, got int",
    ]
    lines = [json.dumps(good), "{broken", json.dumps({**good, "date": "last Tuesday"}), ""]
    (tmp_path / "b.jsonl").write_text("\n".join(lines))
    result = load_folder_file(tmp_path / "b.jsonl")
    assert len(result.items) == 1
    assert result.skipped[0].startswith("line 2: invalid JSON")
    assert result.skipped[1].startswith("line 3: unreadable date 'last Tuesday'")
    (tmp_path / "c.json").write_text("{not json")
    with pytest.raises(SkipFile, match="invalid JSON"):
        read_folder_file(tmp_path / "c.json")


# --- polling registered sources into the store ---------------------------------------------


def test_polling_a_feed_twice_adds_nothing_the_second_time(fetcher, base, tmp_path):
    from summaries.polling import poll_all
    from summaries.store import Store

    with Store(tmp_path / "p.db") as store:
        store.add_feed("feed", f"{base}/feeds/rss2.xml")
        [first] = poll_all(store, fetcher, sentences=0)
        stored = store.article_count()
        assert first.new >= 1 and stored == first.new
        [second] = poll_all(store, fetcher, sentences=0)
        assert second.new == 0 and second.note == "not modified"
        assert store.article_count() == stored
        [source] = store.feeds()
        assert source["etag"] and source["last_success"] and source["failures"] == 0
        [roadmap] = store.search("Caspian roadmap")
        # The feed states a time: kept in full, in UTC, with where it came from.
        assert (roadmap.published, roadmap.published_at, roadmap.date_source) == (
            "2024-03-05",
            "2024-03-05T08:30:00Z",
            "feed",
        )


def test_a_failing_source_backs_off_and_never_stops_the_others(fetcher, base, tmp_path):
    from summaries.polling import backoff, poll_all
    from summaries.store import Store

    with Store(tmp_path / "p.db") as store:
        store.add_feed("feed", f"{base}/status/404")
        store.add_feed("feed", f"{base}/feeds/malformed.xml")
        store.add_feed("feed", f"{base}/feeds/atom.xml")
        broken, malformed, atom = poll_all(store, fetcher, sentences=0)
        assert broken.failed == 1 and "404" in broken.note
        assert malformed.failed == 1 and "not a feed" in malformed.note
        assert atom.new >= 1
        again = poll_all(store, fetcher, sentences=0)
        assert "backing off" in again[0].note and again[0].failed == 0
        forced = poll_all(store, fetcher, sentences=0, force=True)
        assert forced[0].failed == 1
        assert store.feeds()[0]["failures"] == 2
    assert backoff(1) < backoff(2) < backoff(3) and backoff(50) == backoff(60)


def test_sources_cli_add_list_export_import_remove(tmp_path, base):
    import subprocess
    import sys

    db = tmp_path / "s.db"

    def cli(*args):
        return subprocess.run(
            [sys.executable, "-m", "bot.cli", "--db", str(db), "sources", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert cli("add", f"{base}/feeds/rss2.xml").returncode == 0
    assert "already there" in cli("add", f"{base}/feeds/rss2.xml").stdout
    assert cli("add", "not a url").returncode == 2
    opml = tmp_path / "feeds.opml"
    opml.write_text(cli("export").stdout)
    listed = json.loads(cli("list", "--json").stdout)
    assert [s["location"] for s in listed] == [f"{base}/feeds/rss2.xml"]
    assert cli("remove", str(listed[0]["id"])).returncode == 0
    assert cli("remove", "999").returncode == 2
    assert "1 new feeds of 1" in cli("import", str(opml)).stdout


def test_each_source_is_polled_at_its_own_interval(tmp_path):
    from datetime import timedelta

    from summaries.polling import poll_all
    from summaries.store import Store

    fast, slow = tmp_path / "fast", tmp_path / "slow"
    fast.mkdir()
    slow.mkdir()
    start = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
    with Store(tmp_path / "i.db") as store, Fetcher() as fetcher:
        store.add_feed("folder", str(fast), interval_s=600)
        store.add_feed("folder", str(slow))  # the default interval below: one hour

        def polled(minutes: int) -> list[str]:
            now = start + timedelta(minutes=minutes)
            reports = poll_all(store, fetcher, now=now, interval=timedelta(hours=1))
            return [r.location for r in reports if not r.note.startswith("next poll")]

        assert polled(0) == [str(fast), str(slow)]
        assert polled(5) == []
        assert polled(11) == [str(fast)]
        assert polled(61) == [str(fast), str(slow)]
