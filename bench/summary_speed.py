"""Summarising throughput: diplobot's default summariser against sumy LexRank with pysbd.

Builds N articles from a JSON-lines file with `text` (and optionally `title`): every record,
then (past the file's end) records joined in pairs, so no two articles are the same. Both
summarisers then summarise the same articles in one run, three sentences each, as the
pipeline does, and the script prints articles per second and the ratio.

The baseline is the setup a user assembles from sumy's documentation when NLTK's punkt data
is missing: `PlaintextParser.from_string(text, tokenizer)` with a tokenizer object whose
`to_sentences` is pysbd and whose `to_words` is a regular expression, then
`LexRankSummarizer(Stemmer("english"))` with sumy's English stop words.

    python -m bench.summary_speed ../shared/data/cnn-dailymail/dev.jsonl [--articles 1000] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from summaries.evaluate import read_jsonl
from summaries.summarize import summarize

SENTENCES = 3
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def corpus(path: Path, n: int) -> list[tuple[str | None, str]]:
    """N distinct (title, text) articles: each record, then records joined in pairs."""
    records = [r for r in read_jsonl(path) if r and isinstance(r.get("text"), str)]
    records = [r for r in records if r["text"].strip()]
    if not records:
        sys.exit(f"no usable records in {path}")
    articles = []
    for i in range(n):
        turn, k = divmod(i, len(records))
        record = records[k]
        text = record["text"]
        if turn:
            text += "\n\n" + records[(k + turn) % len(records)]["text"]
        articles.append((record.get("title") or None, text))
    return articles


class PysbdTokenizer:
    """sumy's tokenizer interface with pysbd sentences and regex words (no NLTK data)."""

    language = "english"

    def __init__(self) -> None:
        import pysbd

        self._segmenter = pysbd.Segmenter(language="en", clean=False)

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in self._segmenter.segment(paragraph) if s.strip())

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(_WORD.findall(sentence))


def lexrank_pysbd():
    """The baseline summariser: text -> sentences, built once like a user script would."""
    import numpy
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = PysbdTokenizer()
    summarizer = LexRankSummarizer(Stemmer("english"))
    summarizer.stop_words = get_stop_words("english")

    def run(text: str) -> list[str]:
        document = PlaintextParser.from_string(text, tokenizer).document
        with numpy.errstate(invalid="ignore", divide="ignore"):
            return [str(s) for s in summarizer(document, SENTENCES)]

    return run


def timed(articles: list[tuple[str | None, str]], summarise) -> float:
    started = time.perf_counter()
    for title, text in articles:
        summarise(title, text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", type=Path, help="JSON-lines file with text (and title)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    articles = corpus(args.data, args.articles)
    baseline = lexrank_pysbd()
    # Warm both up (imports, tables, stemmer) outside the timing.
    summarize(articles[0][1], articles[0][0])
    baseline(articles[0][1])
    ours_s = timed(articles, lambda title, text: summarize(text, title, SENTENCES))
    base_s = timed(articles, lambda title, text: baseline(text))
    figures = {
        "articles": len(articles),
        "diplobot_articles_per_s": round(len(articles) / ours_s, 1),
        "lexrank_pysbd_articles_per_s": round(len(articles) / base_s, 1),
        "ratio": round(base_s / ours_s, 2),
    }
    if args.json:
        print(json.dumps(figures))
        return
    print(f"articles:                         {figures['articles']:,} ({args.data.name})")
    print(f"diplobot default summariser:      {figures['diplobot_articles_per_s']:,} articles/s")
    print(
        f"sumy LexRank + pysbd (baseline):  {figures['lexrank_pysbd_articles_per_s']:,} articles/s"
    )
    print(f"ratio diplobot / baseline:        {figures['ratio']}x faster per article")


if __name__ == "__main__":
    main()
