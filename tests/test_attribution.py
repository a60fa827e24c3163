"""Sources a reader can trust: every Sources line names the outlet, the headline, the date
and the link when there is one, never a file name; a story from two outlets lists both."""

from __future__ import annotations

import json
from pathlib import Path

from bot.cli import main
from bot.session import local_bot
from summaries import settings as settings_mod
from summaries.clean import clean
from summaries.pipeline import ingest_paths
from summaries.sources.folder import html_item, record_item
from summaries.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_000 = SEEDS / "000_33ee9337c4e6a518.txt"
CHAT = 77


def two_outlets(folder: Path) -> Path:
    """Seed 000's story as two outlets' JSON records: the original and a lightly edited
    copy under another headline (what republishing a wire story looks like)."""
    body = SEED_000.read_text().split("Islam Times - ", 1)[1]
    copy = body.replace("deadly terrorist attack", "deadly terror attack")
    records = [
        {
            "title": "French FM condemns Kerman attack in call with Amirabdollahian",
            "text": body,
            "url": "https://www.islamtimes.example/news/1129",
            "date": "2024-01-07",
            "outlet": "Islam Times",
        },
        {
            "title": "Colonna, Amirabdollahian discuss Kerman terror attack",
            "text": copy + "\n\nReporting by our correspondent; editing by the desk.",
            "url": "https://www.tehrantimes.example/news/493",
            "date": "2024-01-08",
            "source": {"id": None, "name": "Tehran Times"},  # NewsAPI's shape
        },
    ]
    path = folder / "two_outlets.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    return path


def test_the_lead_prefix_names_the_outlet_and_leaves_the_body():
    article = clean(SEED_000.read_text())
    assert article.outlet == "Islam Times"
    assert article.text.startswith("The foreign minister of France condemned")
    assert clean("TEHRAN (IRNA) - Iran and Iraq signed a deal.").outlet == "IRNA"
    assert clean("Iran - France relations warmed on Monday.").outlet is None


def test_records_and_saved_pages_carry_their_outlet():
    assert record_item({"text": "x", "outlet": "Press TV"}, "r").outlet == "Press TV"
    assert record_item({"text": "x", "source": {"name": "Reuters"}}, "r").outlet == "Reuters"
    assert record_item({"text": "x"}, "r").outlet is None
    page = (
        b"<html><head><title>Talks resume | Example</title>"
        b'<meta property="og:site_name" content="The Example Herald"></head><body><article>'
        + b"<p>Iran and France resumed talks in Geneva on Monday, officials said.</p>" * 5
        + b"</article></body></html>"
    )
    assert html_item(page, Path("saved.html")).outlet == "The Example Herald"


async def test_a_story_from_two_outlets_lists_both_in_the_sources_button(tmp_path: Path):
    with Store(tmp_path / "two.db") as store:
        report = ingest_paths(store, [two_outlets(tmp_path)])
        assert [o.status for o in report.outcomes] == ["new", "duplicate"]
        async with local_bot(store, settings_mod.defaults()) as tg:
            replies = await tg.converse(CHAT, "/country Iran France", timeout=10)
            lines = replies[0].text.splitlines()
            [number] = [line.split(".")[0] for line in lines if "· phone call ·" in line]
            [button] = [b for b in replies[-1].buttons if b["text"] == f"Sources {number}"]
            [sources] = await tg.press(
                CHAT, replies[-1].message_id, button["callback_data"], timeout=10
            )
    assert "• Islam Times — French FM condemns Kerman attack in call with " in sources.text
    assert "• Tehran Times — Colonna, Amirabdollahian discuss Kerman terror attack" in sources.text
    assert "· 7 Jan 2024" in sources.text and "· 8 Jan 2024" in sources.text
    assert 'href="https://www.islamtimes.example/news/1129"' in sources.source
    assert 'href="https://www.tehrantimes.example/news/493"' in sources.source


def test_digests_show_outlets_headlines_dates_and_links_never_file_names(tmp_path, capsys):
    db = tmp_path / "d.db"
    assert main(["--db", str(db), "ingest", str(SEEDS), str(two_outlets(tmp_path))]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "digest", "--country", "Iran", "--with", "France"]) == 0
    text = capsys.readouterr().out
    assert "   - Tehran Times — Colonna, Amirabdollahian discuss Kerman terror attack · " in text
    assert "<https://www.tehrantimes.example/news/493>" in text
    assert "   - Islam Times — The foreign minister of France condemned" in text  # seed 000
    assert ".txt" not in text and ".jsonl" not in text
    assert main(["--db", str(db), "digest", "--country", "Iran", "--format", "json"]) == 0
    sources = [s for e in json.loads(capsys.readouterr().out)["events"] for s in e["sources"]]
    assert {"outlet", "title", "date", "url", "found"} <= set(sources[0])
    assert not any(".txt" in (s["url"] or "") + s["title"] for s in sources)
    assert main(["--db", str(db), "digest", "--country", "Iran", "--format", "html"]) == 0
    html = capsys.readouterr().out
    assert "<b>Islam Times</b> — " in html and ".txt" not in html
