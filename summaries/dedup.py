"""Near-duplicate detection: the same story republished by another outlet with small edits.

Exact copies are caught by the content hash (pipeline.content_hash); this module catches
the rest with MinHash signatures over word shingles and a banded LSH index, so a lookup
costs the same whether the store holds a hundred stories or a hundred thousand. It never
decides alone: a candidate from the index must also reach THRESHOLD estimated Jaccard
similarity before a story is called a duplicate.

Written with numpy rather than datasketch: datasketch hashes every shingle with a Python
call and builds a MinHash object with its permutation tables per text (~210 µs an article,
the second-largest cost of ingest); here each word is hashed once (crc32), the 5-word
shingles are combined and permuted as whole arrays, and a signature is a plain array
(~90 µs). The hash constants come from splitmix64 with a fixed seed, so signatures stored
by one version compare with those computed by the next; changing them needs a migration.

The LSH index lives in the database (store.py, table `near_bands`: one 64-bit key per band
per article, see `band_keys`), not in Python objects: at 100,000 articles the in-memory
buckets took 372 MB and 3 s to rebuild in every process that opened the store, and a
process only saw the articles it had loaded or added itself. A lookup is one indexed
query for the 16 keys, then a comparison with each candidate's stored signature.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from functools import cache

import numpy as np

NUM_PERM = 64
SHINGLE_WORDS = 5
# Reposts with a changed headline, byline or closing line keep ~0.8+ of their 5-word
# shingles; two different reports of the same event share far fewer.
THRESHOLD = 0.7
# Texts shorter than this have too few shingles for a trustworthy estimate.
MIN_SHINGLES = 20
# LSH banding: 16 bands of 4 rows. A pair at Jaccard s shares a band with probability
# 1 - (1 - s^4)^16: 0.988 at s = 0.7, 0.9998 at s = 0.8, 0.12 at s = 0.3 (candidates
# below THRESHOLD are then rejected by the full comparison).
BANDS, ROWS = 16, 4

# Words on the UTF-8 bytes: one regex pass and one crc32 call per word, no str -> bytes
# per shingle. Every non-ASCII byte counts as a word byte, which is consistent (the same
# text always gives the same words), and that is all a fingerprint needs.
_WORD = re.compile(rb"[0-9A-Za-z\x80-\xff]+")
_MASK64 = (1 << 64) - 1


class Signature:
    """A MinHash signature: NUM_PERM minimum permuted shingle hashes (uint32)."""

    __slots__ = ("values",)

    def __init__(self, values: np.ndarray) -> None:
        self.values = values

    def jaccard(self, other: Signature) -> float:
        """The estimated Jaccard similarity of the two texts' shingle sets."""
        return float(np.count_nonzero(self.values == other.values)) / NUM_PERM


def _splitmix64(seed: int, count: int) -> list[int]:
    """`count` well-mixed 64-bit constants from `seed` (the splitmix64 generator)."""
    out, state = [], seed
    for _ in range(count):
        state = (state + 0x9E3779B97F4A7C15) & _MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        out.append(z ^ (z >> 31))
    return out


@cache
def _constants() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shingle weights (one per word position) and the permutations' multipliers and offsets.

    Multipliers are odd, so each permutation `(a * x + b) mod 2^64` is a bijection.
    """
    numbers = _splitmix64(seed=1, count=SHINGLE_WORDS + 2 * NUM_PERM)
    weights = np.array([n | 1 for n in numbers[:SHINGLE_WORDS]], dtype=np.uint64)
    multipliers = np.array([n | 1 for n in numbers[SHINGLE_WORDS::2]], dtype=np.uint64)
    offsets = np.array(numbers[SHINGLE_WORDS + 1 :: 2], dtype=np.uint64)
    return weights, multipliers, offsets


def signature(text: str) -> Signature | None:
    """The MinHash of the text's 5-word shingles (case-folded), or None when too short."""
    words = _WORD.findall(text.casefold().encode("utf-8"))
    if len(words) - SHINGLE_WORDS + 1 < MIN_SHINGLES:
        return None
    hashes = np.fromiter(map(zlib.crc32, words), dtype=np.uint64, count=len(words))
    weights, multipliers, offsets = _constants()
    count = len(words) - SHINGLE_WORDS + 1
    shingles = np.zeros(count, dtype=np.uint64)
    for position in range(SHINGLE_WORDS):  # arithmetic wraps mod 2^64, as intended
        shingles += hashes[position : position + count] * weights[position]
    # Repeated shingles do not change a minimum, so only a short text is checked for
    # having enough distinct ones (np.unique sorts: a fifth of the cost if done always).
    if count < 4 * MIN_SHINGLES and len(np.unique(shingles)) < MIN_SHINGLES:
        return None
    permuted = np.multiply.outer(shingles, multipliers)  # one (shingles x NUM_PERM) array,
    permuted += offsets  # updated in place: temporaries of this size cost more than math
    return Signature((permuted.min(axis=0) >> np.uint64(32)).astype(np.uint32))


def to_bytes(minhash: Signature) -> bytes:
    return minhash.values.tobytes()


def from_bytes(data: bytes) -> Signature:
    return Signature(np.frombuffer(data, dtype=np.uint32).copy())


def band_keys(minhash: Signature) -> list[int]:
    """The LSH band keys as signed 64-bit integers (SQLite's), one per band: texts sharing
    any one are candidates. Each is a fixed mix of the band's number and its ROWS values;
    two different bands colliding only adds a candidate, which the comparison rejects.
    Stored in the database, so changing the mixing needs a migration."""
    rows = minhash.values.astype(np.uint64).reshape(BANDS, ROWS)
    mixers, band_offsets = _band_constants()
    keys = (rows * mixers).sum(axis=1, dtype=np.uint64) + band_offsets  # wraps mod 2^64
    keys ^= keys >> np.uint64(31)
    return keys.view(np.int64).tolist()


@cache
def _band_constants() -> tuple[np.ndarray, np.ndarray]:
    """Odd multipliers for a band's values and an offset per band (splitmix64, seed 2)."""
    numbers = _splitmix64(seed=2, count=ROWS + BANDS)
    mixers = np.array([n | 1 for n in numbers[:ROWS]], dtype=np.uint64)
    return mixers, np.array(numbers[ROWS:], dtype=np.uint64)


def closest(minhash: Signature, candidates: Iterable[tuple[int, Signature]]) -> int | None:
    """The candidate id most similar to `minhash` at or above THRESHOLD, or None (on a tie,
    the highest id: the latest copy)."""
    best, best_score = None, THRESHOLD
    for candidate, other in sorted(candidates, key=lambda pair: pair[0]):
        score = minhash.jaccard(other)
        if score >= best_score:
            best, best_score = candidate, score
    return best
