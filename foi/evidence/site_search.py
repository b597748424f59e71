"""The published site's search: a static index built from the pages a build writes, searched
in the browser by a small inline script (no server, nothing fetched: Pagefind's index needs
a web server, and the site opens from disk). Each page's main text is split into folded words
(lower case, accents dropped); the index maps each word to the pages holding it. Pure.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import unicodedata
from collections.abc import Sequence

# Markup, scripts and styles go; so do blocks marked data-nosearch (the letters the campaign
# sent: the same words on every page, our own and not the findings).
NOSEARCH = '<pre class="letter" data-nosearch>'  # what a template writes to leave text out
_TAGS = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S | re.I)
_MAIN = re.compile(r"<main\b[^>]*>(.*)</main>", re.S | re.I)


def page_text(page: str) -> str:
    """The visible text of a page's main content, for the search index."""
    return html_lib.unescape(_TAGS.sub(" ", _main_text(page)))


def _main_text(page: str) -> str:
    """A page's main content, the blocks marked data-nosearch left out."""
    found = _MAIN.search(page)
    main = found.group(1) if found else page
    # The letters sent are most of a body page's bytes: cut them out with plain string
    # search (a lazy regular expression walks them character by character).
    kept, at = [], 0
    while (start := main.find(NOSEARCH, at)) >= 0:
        kept.append(main[at:start])
        end = main.find("</pre>", start)
        at = len(main) if end < 0 else end + len("</pre>")
    kept.append(main[at:])
    return " ".join(kept)


def page_words(page: str) -> frozenset[str]:
    """The words a page is found by (kept instead of its text: far smaller). No word spans
    a line, so each distinct line is read once (a body page repeats the questions' text
    and its headings for every request)."""
    text = _TAGS.sub(" ", _main_text(page))
    return frozenset(search_words(html_lib.unescape("\n".join(set(text.split("\n"))))))


def search_json(docs: Sequence[tuple[str, str, str, frozenset[str]]]) -> str:
    """The search index: each page's address, title and kind, and for each word the pages
    holding it. Inline JSON, safe inside a script element."""
    terms: dict[str, list[int]] = {}
    for i, (_, _, _, words) in enumerate(docs):
        for word in sorted(words):
            terms.setdefault(word, []).append(i)
    data = {
        "docs": [[href, title, kind] for href, title, kind, _ in docs],
        "terms": dict(sorted(terms.items())),
    }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def search_words(text: str) -> set[str]:
    """The words of a text as the index keeps them: folded, accents dropped, two letters or
    more (each distinct word is folded once)."""
    found = set()
    for word in set(_WORD.findall(text.casefold())):
        if not word.isascii():
            word = "".join(
                ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
            )
        found.add(word)
    return found


_WORD = re.compile(r"[^\W_]{2,}")
