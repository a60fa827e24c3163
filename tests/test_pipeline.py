"""Ingesting article files: the seeds end to end, and every kind of bad file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from summaries.pipeline import content_hash, ingest_paths
from summaries.store import Store

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PRIMARY = {
    "000": {"IR", "FR"},
    "001": {"IR", "JP"},
    "002": {"IR", "TR"},
    "003": {"IR", "CN", "RS", "PK"},
    "004": {"IR", "IQ"},
}
FURNITURE = [
    "Please Wait",
    "Back to top button",
    "Related Articles",
    "Story Code",
    "folder_open",
    "access_time",
    "starAdd to favorites",
    "Middle EastWorld News",
]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "p.db") as s:
        yield s


def by_seed(store: Store) -> dict[str, int]:
    rows = store.db.execute("SELECT article_id, locator FROM article_sources").fetchall()
    return {Path(locator).name[:3]: article_id for article_id, locator in rows}


def test_seeds_are_ingested_with_primary_countries_dates_and_summaries(store):
    report = ingest_paths(store, [SEEDS])
    assert report.count("new") == 5 and not report.skipped
    for seed, article_id in by_seed(store).items():
        primary = {c.code for c in store.countries_of(article_id) if c.primary}
        assert PRIMARY[seed] <= primary, seed
        article = store.article(article_id)
        assert 2 <= len(article.summary) <= 3
        for line in article.summary + [article.text]:
            for junk in FURNITURE:
                assert junk not in line
    dates = {seed: store.article(i).published for seed, i in by_seed(store).items()}
    assert dates == {
        "000": "2024-01-07",
        "001": "2024-04-17",
        "002": None,
        "003": None,
        "004": "2024-12-01",
    }


def test_reingesting_adds_nothing(store, tmp_path):
    ingest_paths(store, [SEEDS])
    copy = tmp_path / "copy"
    shutil.copytree(SEEDS, copy)
    again = ingest_paths(store, [SEEDS, copy])
    assert again.count("duplicate") == 10 and again.count("new") == 0
    assert store.article_count() == 5


def test_bad_files_are_skipped_with_a_reason_and_the_rest_ingested(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "001_f57659c64b4d332f.txt", folder / "good.txt")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (folder / "latin1.txt").write_bytes("Téhéran a déclaré".encode("latin-1"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.txt").write_text("   \n\n  ")
    (folder / "huge.txt").write_text("Iran said so. " * 200_000)
    (folder / "furniture.txt").write_text("Please Wait...\n\nBack to top button\n")
    report = ingest_paths(store, [folder, tmp_path / "missing"], max_bytes=1_000_000)
    reasons = {Path(o.path).name: o.reason for o in report.skipped}
    assert report.count("new") == 1
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "empty" in reasons["empty.txt"] and "empty" in reasons["blank.txt"]
    assert "too large" in reasons["huge.txt"]
    assert "furniture" in reasons["furniture.txt"]
    assert "no such file" in reasons["missing"]
    assert store.article_count() == 1


def test_explicit_file_of_another_kind_is_skipped(store, tmp_path):
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4")
    [outcome] = ingest_paths(store, [other]).outcomes
    assert outcome.status == "skipped" and "not an article file" in outcome.reason


def test_content_hash_ignores_case_and_white_space():
    assert content_hash("Iran  said\nso.") == content_hash("iran said so.")
    assert content_hash("Iran said so.") != content_hash("Iraq said so.")


def test_jsonl_and_html_files_are_ingested_record_by_record(store, tmp_path):
    seed = (SEEDS / "001_f57659c64b4d332f.txt").read_text()
    other = (SEEDS / "004_d33951d0d46d772f.txt").read_text().split("\n", 1)[1]
    records = [
        {
            "title": "Iran and Japan talk",
            "text": seed,
            "url": "https://example.org/1",
            "date": "2024-04-16",
        },
        {"title": "no text"},
        {"title": "Iran and Iraq talk", "text": other, "url": "https://example.org/2"},
    ]
    (tmp_path / "news.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    page = "<html><head><title>Iran and France</title></head><body><article><p>{}</p>"
    page += "</article></body></html>"
    body = (SEEDS / "000_33ee9337c4e6a518.txt").read_text().split(" ", 3)[3]
    (tmp_path / "page.html").write_text(page.format(body))
    report = ingest_paths(store, [tmp_path])
    assert report.count("new") == 3, report.outcomes
    assert len(report.skipped) == 1 and "text" in report.skipped[0].reason
    [japan] = store.search("Kamikawa")
    assert japan.title == "Iran and Japan talk" and japan.published == "2024-04-16"
    assert store.articles_about("IQ")


def test_fault_deeply_nested_json_is_skipped_and_the_batch_kept(store, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS / "001_f57659c64b4d332f.txt", folder / "a_good.txt")
    (folder / "b_deep.json").write_text("[" * 100_000)
    good = {"text": (SEEDS / "004_d33951d0d46d772f.txt").read_text(), "url": "https://x.example/"}
    (folder / "c_deep.jsonl").write_text("[" * 100_000 + "\n" + json.dumps(good))
    report = ingest_paths(store, [folder])  # one batch: a crash would roll back a_good.txt
    reasons = {Path(o.path).name: o.reason for o in report.skipped}
    assert reasons == {
        "b_deep.json": "JSON nested too deeply to read",
        "c_deep.jsonl": "line 1: invalid JSON: JSON nested too deeply to read",
    }
    assert report.count("new") == 2 and store.article_count() == 2


def test_security_folder_follows_no_link_out_and_reports_what_it_skipped(store, tmp_path):
    import os

    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.txt"
    secret.write_text("Iran said the secret password is hunter2.")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SEEDS / "001_f57659c64b4d332f.txt", folder / "good.txt")
    (folder / "out.txt").symlink_to(secret)
    (folder / "outdir").symlink_to(outside, target_is_directory=True)
    (folder / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (folder / "sub" / "inside.txt").symlink_to(folder / "good.txt")
    os.mkfifo(folder / "pipe.txt")  # reading it would block the ingest for ever
    report = ingest_paths(store, [folder])
    reasons = {Path(o.path).name: o.reason for o in report.skipped}
    assert reasons["out.txt"].startswith("symbolic link out of the folder")
    assert reasons["outdir"].startswith("symbolic link out of the folder")
    assert reasons["gone.txt"] == "dangling symbolic link"
    assert reasons["pipe.txt"] == "not a regular file (a FIFO)"
    assert report.count("new") == 1 and report.count("duplicate") == 1  # the link inside
    assert store.search("hunter2") == [] and store.article_count() == 1
    [fifo] = ingest_paths(store, [folder / "pipe.txt"]).outcomes  # named on the command line
    assert fifo.reason == "not a regular file (a FIFO)"


def test_security_polled_folder_source_says_what_it_skipped(tmp_path):
    from summaries.polling import poll_all
    from summaries.sources.http import Fetcher

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    with Store(tmp_path / "f.db") as store, Fetcher() as fetcher:
        store.add_feed("folder", str(folder))
        [report] = poll_all(store, fetcher, sentences=0)
    assert report.skipped == 1 and report.new == 0
    assert report.note.startswith("passwd.txt: symbolic link out of the folder")
