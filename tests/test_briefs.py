"""Briefs that read well (issue 12): no brief starts mid-thought, a headline-less story keeps
its lead, one person has one spelling, and storylines say something.

Runs the real pipeline into a real SQLite file: the seeds, plus short stories written for
these tests where the seeds have no example.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summaries import openers
from summaries.digest import build_digest, headline, person_spellings
from summaries.names import canonical_spellings
from summaries.pipeline import ingest_paths, ingest_text
from summaries.store import Store
from summaries.summarize import summarize, summarize_cluster

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("briefs") / "seeds.db"
    with Store(path) as store:
        ingest_paths(store, [SEEDS])
    return path


@pytest.fixture
def store(seeded: Path, tmp_path: Path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(seeded.read_bytes())
    with Store(copy) as db:
        yield db


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Also, the Council condemned the attack.", "The Council condemned the attack."),
        ("Furthermore, Pakistani officials spoke.", "Pakistani officials spoke."),
        ("In addition, the talks resumed.", "The talks resumed."),
        ("Meanwhile Iran said it would reply.", "Iran said it would reply."),
        ("And yet, the envoys met again.", "The envoys met again."),
        ("So far, no one has claimed it.", "So far, no one has claimed it."),
        ("Andorra and Spain met.", "Andorra and Spain met."),
    ],
)
def test_a_leading_connective_is_dropped_and_the_sentence_recapitalised(sentence, expected):
    assert openers.without_connective(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "refers_back"),
    [
        ("It came after the minister spoke.", True),
        ("He said the talks went well.", True),
        ("They discussed the war in Syria.", True),
        ("His comments came as the president spoke.", True),
        ("However, he said the talks went well.", True),
        ("It is unclear whether the talks will resume.", False),
        ("Iran's envoy said the talks went well.", False),
        ("Hezbollah said it fired rockets.", False),
        ("Heads of state met in Cairo.", False),
    ],
)
def test_a_pronoun_that_refers_back_cannot_open_a_brief(sentence, refers_back):
    assert openers.opens_with_pronoun(sentence) is refers_back
    assert openers.can_open(sentence) is not refers_back


def test_a_summary_never_opens_with_a_connective_or_a_bare_pronoun():
    text = (
        "He said the ceasefire would hold. "
        "The foreign minister of Egypt met his Qatari counterpart in Cairo on Monday. "
        "Also, the two ministers discussed aid deliveries to Gaza and the release of hostages."
    )
    brief = summarize(text, sentences=2)
    assert brief[0].startswith("The foreign minister of Egypt")
    brief = summarize(text.split(". ", 2)[2], sentences=1)
    assert brief == [
        "The two ministers discussed aid deliveries to Gaza and the release of hostages."
    ]


def test_a_cluster_brief_does_not_open_with_a_pronoun_from_another_report():
    brief = summarize_cluster(
        [
            "She condemned the bombing in strong terms at a press conference in Paris.",
            "The French foreign minister called her Iranian counterpart about the bombing.",
        ],
        words=60,
    )
    assert brief and not openers.dangling(brief[0])


def test_a_story_without_a_headline_keeps_its_lead_in_the_summary(store: Store):
    """Seed 004 has no headline: its first sentence, the only one naming Iraq, stays."""
    [article] = [a for a in map(store.article, range(1, 6)) if a and "Pezeshkian" in a.text]
    assert article.title is None
    assert any("Iraqi Prime Minister" in sentence for sentence in article.summary)
    assert not openers.dangling(article.summary[0])


def test_an_event_brief_that_would_open_with_a_pronoun_gets_the_sentence_it_refers_to(
    store: Store,
):
    digest = build_digest(store, "TR", limit=None)
    [cancelled] = [item for item in digest.items if item.type == "visit_cancelled"]
    assert cancelled.summary[0].startswith("Amir-Abdollahian said")
    assert cancelled.summary[1].startswith("It came after")
    [council] = [item for item in build_digest(store, "IR", limit=None).items
                 if "UNSC" in item.sides]  # fmt: skip
    assert council.summary[0].startswith("The United Nations Security Council")
    for item in build_digest(store, "IR", limit=None).items:
        assert not openers.dangling(item.summary[0]), item.summary[0]


def test_spellings_of_one_person_are_shown_one_way():
    shown = canonical_spellings(
        {
            "Hossein Amirabdollahian": 2,
            "Hossein Amir-Abdollahian": 1,
            "Hossein Amir Abdollahian": 1,
            "Amir Abdollahian": 1,
            "Xi Jinping": 1,
            "Xi": 2,
            "Kim Jong Un": 1,
            "Kim Yo Jong": 1,
            "Kim": 1,
        }
    )
    assert {shown[n] for n in shown if "bdollahian" in n} == {"Hossein Amirabdollahian"}
    assert shown["Xi"] == "Xi Jinping"
    assert shown["Kim"] == "Kim"  # two people named Kim: left as reported


def test_shown_spellings_are_kept_only_while_the_stores_counts_are_the_same():
    class Counts:  # what person_spellings reads of a store: its counts, one object per state
        counts = {"Hossein Amirabdollahian": 1, "Hossein Amir-Abdollahian": 2}

        def person_spellings(self) -> dict[str, int]:
            return self.counts

    store = Counts()
    first = person_spellings(store)  # type: ignore[arg-type]
    assert first["Hossein Amirabdollahian"] == "Hossein Amir-Abdollahian"
    assert person_spellings(store) is first  # type: ignore[arg-type]
    store.counts = {"Hossein Amirabdollahian": 3, "Hossein Amir-Abdollahian": 2}
    assert person_spellings(store)["Hossein Amir-Abdollahian"] == "Hossein Amirabdollahian"  # type: ignore[arg-type]


def test_headlines_name_each_person_one_way_and_give_both_sides_titles_alike(store: Store):
    spellings = person_spellings(store)
    lines = [headline(c, first="IR", spellings=spellings) for c in store.event_clusters("IR")]
    text = "\n".join(lines)
    assert "Amir-Abdollahian" not in text and "Amir Abdollahian" not in text
    assert "foreign ministers Amirabdollahian and Fidan" in text
    assert "Foreign Minister Amirabdollahian and Caretaker Foreign Minister Jilani" in text
    assert "President Pezeshkian and Prime Minister Al Sudani" in text
    assert "leaders Raisi and Xi" in text  # Xi's family name comes first


def diplobot(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--db", str(db), *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )


def test_search_finds_a_name_however_it_is_written(seeded: Path, tmp_path: Path):
    db = tmp_path / "search.db"
    db.write_bytes(seeded.read_bytes())
    found = {
        query: [row["id"] for row in json.loads(diplobot("search", query, "--json", db=db).stdout)]
        for query in ("Amir Abdollahian", "Amirabdollahian", "Amir-Abdollahian")
    }
    assert len(found["Amirabdollahian"]) == 4  # seeds 000-003, three spellings
    assert sorted(found["Amir Abdollahian"]) == sorted(found["Amirabdollahian"])
    assert sorted(found["Amir-Abdollahian"]) == sorted(found["Amirabdollahian"])


def test_search_adds_only_spellings_the_index_holds(tmp_path: Path):
    with Store(tmp_path / "s.db") as db:
        ingest_text(db, "Talks in Oman\n\nThe envoys met in Muscat on Monday.", source="t",
                    locator="a")  # fmt: skip
        assert [a.title for a in db.search("envoys")] == ["Talks in Oman"]
        assert db.search("envoy smet") == []  # no "envoysmet" term, no "smet": no match
