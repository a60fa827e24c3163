"""The `diplobot` command as users and scripts call it: a real subprocess, a real database."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def diplobot(*args: str, db: Path, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "DIPLOBOT_CONFIG": str(db.parent / "none.toml"), **env},
    )


def test_ingest_twice_leaves_five_articles_and_countries_json(tmp_path):
    db = tmp_path / "c.db"
    first = diplobot("ingest", str(SEEDS), db=db)
    assert first.returncode == 0, first.stderr
    assert "5 new" in first.stdout
    second = diplobot("ingest", str(SEEDS), db=db)
    assert "0 new, 5 duplicate" in second.stdout and "5 articles in the store" in second.stdout
    listing = json.loads(diplobot("countries", "--json", db=db).stdout)
    counts = {row["code"]: row["articles"] for row in listing}
    assert counts["IR"] == 5
    assert all(counts[c] >= 1 for c in ("FR", "JP", "TR", "IQ"))
    assert {"code", "name", "articles"} <= set(listing[0])


def test_ingest_reports_skipped_files_and_exits_1(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "000_33ee9337c4e6a518.txt", folder)
    (folder / "bad.txt").write_bytes(b"\x00\x01\x02")
    result = diplobot("ingest", str(folder), db=tmp_path / "c.db")
    assert result.returncode == 1
    assert "bad.txt: binary file" in result.stderr
    assert "1 new" in result.stdout


def test_bad_config_is_a_usage_error(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text("[bot]\nnonsense = 1\n")
    result = diplobot("--config", str(config), "countries", db=tmp_path / "c.db")
    assert result.returncode == 2 and "unknown setting 'bot.nonsense'" in result.stderr


def test_search_json(tmp_path):
    db = tmp_path / "c.db"
    diplobot("ingest", str(SEEDS), db=db)
    found = json.loads(diplobot("search", "Kamikawa", "--json", db=db).stdout)
    assert [row["title"] for row in found] == ["Iran Asks Japan, G7 to Push for Gaza Truce"]


def test_search_shows_a_headline_for_every_result_and_says_when_nothing_matches(tmp_path):
    db = tmp_path / "c.db"
    diplobot("ingest", str(SEEDS), db=db)
    table = diplobot("search", "Kerman", db=db).stdout
    # Seed 000 has no headline line: its lead's opening stands in, never a blank cell.
    assert "The foreign minister of France" in table and "2024-01-07" in table
    assert "date unknown" in table  # seed 003 states no date
    rows = json.loads(diplobot("search", "Kerman", "--json", db=db).stdout)
    assert all(row["headline"] for row in rows) and None in [row["title"] for row in rows]
    nothing = diplobot("search", "zanzibar", db=db)
    assert nothing.returncode == 0 and nothing.stdout == "No articles match 'zanzibar'.\n"


def test_period_digests_leave_undated_events_out(tmp_path):
    db = tmp_path / "c.db"
    diplobot("ingest", str(SEEDS), db=db)
    week = diplobot("digest", "--country", "Iran", "--period", "week", db=db).stdout
    assert "No events in this period." in week  # the seeds are from 2024, or undated
    since = diplobot("digest", "--country", "Iran", "--since", "2024-06-01", db=db).stdout
    assert "30 Nov 2024" in since and "date unknown" not in since
    everything = diplobot("digest", "--country", "Iran", db=db).stdout
    assert "date unknown" in everything  # shown, labelled, when no period is asked for


def test_output_cut_short_by_its_reader_ends_without_a_traceback(tmp_path):
    """`diplobot events --json | head -1`: the reader is gone before the output is written."""
    db = tmp_path / "c.db"
    diplobot("ingest", str(SEEDS), db=db)
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, as after `head` has exited
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", "--db", str(db), "events", "--json"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env={**os.environ, "DIPLOBOT_CONFIG": str(tmp_path / "none.toml")},
        )
    finally:
        os.close(write_end)
    assert result.stderr == ""
    assert result.returncode == 141


def test_fake_telegram_help_documents_its_control_endpoints_and_options(tmp_path):
    result = diplobot("fake-telegram", "--help", db=tmp_path / "c.db")
    assert result.returncode == 0
    for text in ("/fake/say", "/fake/press", "/fake/malform", "/fake/sent", "--port PORT"):
        assert text in result.stdout
    assert "--limits" in result.stdout and "--faults SHARE" in result.stdout
    assert '{"chat_id": 42, "text": "/start"}' in result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def fake_server(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "fake-telegram",
            "--port",
            str(port),
            "--token",
            "111:right",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def test_run_with_a_refused_token_says_so_without_printing_it(tmp_path, fake_server):
    token = "999:secret-token-value"
    result = diplobot(
        "run", "--api-url", fake_server, db=tmp_path / "c.db", TELEGRAM_BOT_TOKEN=token
    )
    assert result.returncode == 1
    assert "refused the token" in result.stderr
    assert token not in result.stderr + result.stdout
    assert "secret-token-value" not in result.stderr + result.stdout


def test_run_without_a_token_explains_where_it_comes_from(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(tmp_path / "c.db"), "run"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2 and "TELEGRAM_BOT_TOKEN" in result.stderr


def test_run_against_an_unreachable_server_is_a_clear_error(tmp_path):
    result = diplobot(
        "run",
        "--api-url",
        f"http://127.0.0.1:{free_port()}",
        db=tmp_path / "c.db",
        TELEGRAM_BOT_TOKEN="123:abc",
        timeout=120,
    )
    assert result.returncode == 1
    assert "123:abc" not in result.stderr
    # One line a user can act on: no library tracebacks, no scheduler chatter before it.
    [line] = result.stderr.splitlines()
    assert line.startswith("diplobot: cannot reach the Bot API at http://127.0.0.1:")
    assert "--api-url" in line


def test_console_chats_through_the_bot_and_presses_buttons_by_number(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "--db",
            str(tmp_path / "c.db"),
            "console",
            "--seeds",
            str(SEEDS),
        ],
        input="/country Iram\n1\n/subscribe Japan\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DIPLOBOT_CONFIG": str(tmp_path / "none.toml")},
    )
    assert result.returncode == 0, result.stderr
    assert "Did you mean" in result.stdout
    assert "Iran: latest events" in result.stdout  # button 1 pressed
    assert "Subscribed to Japan" in result.stdout


def test_console_saves_the_trend_chart_and_prints_its_path(tmp_path, recent_article):
    articles = tmp_path / "articles"
    articles.mkdir()
    recent_article(articles)
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(tmp_path / "c.db"), "console"]
        + ["--seeds", str(articles)],
        input="/trend Iran\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DIPLOBOT_CONFIG": str(tmp_path / "none.toml"), "TMPDIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stdout.splitlines() if "[photo" in line]
    path = Path(line.split("[photo saved to ", 1)[1].rstrip("]"))
    assert path.is_relative_to(tmp_path) and path.suffix == ".png"
    assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert "Iran: " in result.stdout  # the caption follows the path
