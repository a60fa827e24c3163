"""The brief under an event: the sentences that report it, pooled over all its reports.

A brief is drawn from the sentences that state the event (not the whole articles), so an
article that reports four condolence calls does not give all four the same brief; with
several reports, no fact is told twice (summarize_cluster). When no sentence fits the
budget whole, the reporting sentence itself is the brief, never cut. A brief whose first
sentence opens with a pronoun referring back ("He also hailed ...") is preceded by the
sentences of its article that say who "he" is (`_lead_in`).

The store keeps each event's brief at the lengths in `KEPT_WORDS`, rewritten whenever a
report joins the event (summaries/store_pages.py): a page of events then reads five briefs
instead of summarising every report of five events, which grew with the store (an event of
a 100,000-article year has up to 80 reports). Other lengths are made from the reports when
asked for. This module never reads the store itself: article texts come from `text_of`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from summaries import openers
from summaries.events.model import straighten_quotes
from summaries.store_events import EventCluster
from summaries.summarize import opening, summarize_cluster_budgets
from summaries.tokenize import split_sentences

# Words of the brief under each event of a /country or /latest page (and Sources), and of a
# scheduled digest's or an instant alert's: the two lengths the store keeps.
PAGE_WORDS = 45
DIGEST_WORDS = 60
KEPT_WORDS = (PAGE_WORDS, DIGEST_WORDS)
# How far back in its article a brief's first sentence may look for what its pronoun means.
LEAD_IN_SENTENCES = 3

TextOf = Callable[[int], str | None]


def brief(cluster: EventCluster, words: int, text_of: TextOf) -> list[str]:
    """The brief of `cluster` in at most `words` words (see the module docstring)."""
    return briefs(cluster, [words], text_of)[words]


def briefs(cluster: EventCluster, budgets: Sequence[int], text_of: TextOf) -> dict[int, list[str]]:
    """The brief of `cluster` for each word budget, the sentences scored once for all."""
    reports = [" ".join(r.sentences) for r in cluster.reports if r.sentences]
    made = summarize_cluster_budgets(reports, budgets=budgets) if reports else [[]] * len(budgets)
    out = {}
    for words, summary in zip(budgets, made, strict=True):
        if not summary and cluster.reports[0].sentences:
            # No sentence fits the budget whole: the reporting sentence itself, never cut.
            summary = cluster.reports[0].sentences[:1]
        out[words] = opening(_lead_in(summary, cluster, text_of))
    return out


def _lead_in(brief: list[str], cluster: EventCluster, text_of: TextOf) -> list[str]:
    """The brief, preceded by the sentences its first one refers back to when it opens with
    a pronoun ("It came after ...", "He also hailed ..."): the sentences before it in its
    article, back to the nearest one that can open a brief (at most `LEAD_IN_SENTENCES`).

    Every reporting sentence of an event can start that way; the reader then gets the
    sentence that says who "he" is rather than a brief that starts mid-thought. An
    article's text is read only when one of its sentences opens the brief.
    """
    if not brief or not openers.opens_with_pronoun(brief[0]):
        return brief
    for report in cluster.reports:
        for sentence in report.sentences:
            # A brief's sentence is a report sentence, its connective perhaps dropped, or
            # begins with one (a report sentence without final punctuation runs on).
            if not brief[0].startswith((sentence, openers.without_connective(sentence))):
                continue
            text = text_of(report.article_id)
            if text is None:
                break  # its article is gone: nothing to lead in with from it
            # Report sentences are slices of the article's text with its spacing folded and
            # its quotes straightened (summaries.events), so they are found in it that way.
            flat = straighten_quotes(" ".join(text.split()))
            at = flat.find(sentence)
            before = split_sentences(flat[:at])[-LEAD_IN_SENTENCES:] if at > 0 else []
            for back in range(len(before) - 1, -1, -1):
                if openers.can_open(before[back]):
                    return [*before[back:], *brief]
    return brief
