"""Near-duplicate detection: the same story republished by another outlet with small edits.

Exact copies are caught by the content hash (pipeline.content_hash); this module catches
the rest with MinHash signatures over word shingles and an LSH index (datasketch), so a
lookup costs the same whether the store holds a hundred stories or a hundred thousand.
It never decides alone: a candidate from the index must also reach THRESHOLD estimated
Jaccard similarity before a story is called a duplicate.
"""

from __future__ import annotations

import re
import zlib
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
# Stored signatures must be comparable across versions: pin datasketch's hashing scheme.
SCHEME = "affine32"
SHINGLE_WORDS = 5
# Reposts with a changed headline, byline or closing line keep ~0.8+ of their 5-word
# shingles; two different reports of the same event share far fewer.
THRESHOLD = 0.7
# Texts shorter than this have too few shingles for a trustworthy estimate.
MIN_SHINGLES = 20

_WORD = re.compile(r"\w+")


@cache
def _template() -> MinHash:
    """One MinHash whose permutations every signature reuses (a seed makes them stable)."""
    return MinHash(num_perm=NUM_PERM, seed=1, hashfunc=zlib.crc32, scheme=SCHEME)


def signature(text: str) -> MinHash | None:
    """The MinHash of the text's word shingles, or None when the text is too short."""
    words = _WORD.findall(text.casefold())
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(max(0, len(words) - SHINGLE_WORDS + 1))
    }
    if len(shingles) < MIN_SHINGLES:
        return None
    template = _template()
    minhash = MinHash(
        num_perm=NUM_PERM,
        seed=1,
        hashfunc=zlib.crc32,
        permutations=template.permutations,
        scheme=SCHEME,
    )
    minhash.update_batch(list(shingles))
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    template = _template()
    return MinHash(
        seed=1,
        hashfunc=zlib.crc32,
        hashvalues=np.frombuffer(data, dtype=np.uint64).copy(),
        permutations=template.permutations,
        scheme=SCHEME,
    )


class NearDuplicateIndex:
    """Article ids by MinHash, answering "is this text a near-copy of a stored one?"."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._signatures: dict[int, MinHash] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, article_id: int, minhash: MinHash) -> None:
        if article_id in self._signatures:
            return
        self._lsh.insert(article_id, minhash)
        self._signatures[article_id] = minhash

    def find(self, minhash: MinHash) -> int | None:
        """The most similar stored article at or above THRESHOLD, or None."""
        best, best_score = None, THRESHOLD
        for candidate in self._lsh.query(minhash):
            score = minhash.jaccard(self._signatures[candidate])
            if score >= best_score:
                best, best_score = candidate, score
        return best
