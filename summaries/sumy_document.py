"""sumy's document model for sentences already split by `summaries.tokenize`.

Shared by the summarizer (`summaries.summarize`), its default ranker
(`summaries.news_rank`) and the summary evaluation, which all rank the same sentences: one
floor below them, so neither has to import the other to build a document.

sumy is imported on first use: it pulls in NLTK, requests and numpy, about 0.6 s a caller
that never summarizes should not pay.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from summaries.tokenize import Tokenizer

if TYPE_CHECKING:
    from sumy.models.dom import ObjectDocumentModel

LANGUAGE = "english"


def document_of(sentences: Iterable[str]) -> ObjectDocumentModel:
    """A one-paragraph sumy document of already split sentences.

    It is built directly instead of with sumy's PlaintextParser, which would re-join lines and
    take all-caps lines for headings: our sentences are final and each is a slice of the text.
    """
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    tokenizer = _tokenizer()
    return ObjectDocumentModel([Paragraph([Sentence(s, tokenizer) for s in sentences])])


@cache
def _tokenizer() -> Tokenizer:
    """One shared tokenizer: it holds no state."""
    return Tokenizer(LANGUAGE)
