"""Words for search: split text into words with their offsets, and stem them (pure).

Both databases index the same pre-stemmed words (Snowball's English stemmer, via the
``snowballstemmer`` package), joined by spaces: SQLite's FTS5 'unicode61' tokenizer and
PostgreSQL's 'simple' text-search configuration then only split on those spaces, so the
two indexes hold exactly the same terms and a query means the same on both. A word is a run
of letters and digits (``[^\\W_]+``), lower-cased after NFKC normalisation.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

WORD = re.compile(r"[^\W_]+")
# Longer runs (hashes, base64) are kept whole up to this length, then cut: no index stores
# unbounded words.
MAX_WORD = 60


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-case word ('intensity' -> 'intens'); numbers are kept as they are."""
    if word.isdigit() or len(word) < 3:
        return word
    return _stemmer().stemWord(word)


def normalise(text: str) -> str:
    """NFKC with the length kept where it can be (offsets index into this form)."""
    return unicodedata.normalize("NFKC", text)


def words(text: str) -> Iterator[tuple[str, int, int]]:
    """(lower-case word, start, end) for every word of the text, offsets into `text`."""
    for m in WORD.finditer(text):
        yield m.group().lower()[:MAX_WORD], m.start(), m.end()


def stems(text: str) -> str:
    """The text as its stemmed words joined by spaces: what the indexes store."""
    return " ".join(stem(w) for w, _s, _e in words(normalise(text)))


def pairs(stemmed: str) -> str:
    """Each pair of neighbouring stems as one word ('respons0plan'): what PostgreSQL's index
    holds beside the stems, so that a phrase finds its few pages through the index (GIN
    keeps no positions). A pair that happens to equal a real word only adds a candidate,
    which the check in foi.reading.search then drops."""
    tokens = stemmed.split()
    return " ".join(f"{a}0{b}" for a, b in itertools.pairwise(tokens))
