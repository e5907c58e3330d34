"""What the summarizer reads of a big story, and who else says each takeaway.

Every sentence the extractive summarizer reads is embedded, and that is most of a run's cost: a
story covered by 30 outlets has over a thousand sentences. So it reads a bounded view: a few
article groups (one per outlet first, the newest first when the story continues), each cut to its
first paragraphs, since news puts what matters first. The outlets it did not read are not lost:
``attribute_rest`` then finds, for each takeaway, the outlets outside the view that state it too,
preselecting their sentences by shared words and embedding only those few candidates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from ..models import Article, Encoder, Outlet, Story
from .text import article_sentences

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def summary_view(story: Story, max_groups: int, words: int) -> Story:
    """A copy of ``story`` with at most ``max_groups`` article groups (one per outlet first; the
    newest first when the story continues), each article cut to about its first ``words`` words
    (whole paragraphs). 0 means no limit. The story itself is left untouched; when nothing needs
    cutting, the story itself is returned."""
    if (max_groups <= 0 or len(story.groups) <= max_groups) and (
        words <= 0 or all(len(a.text.split()) <= words for a in story.articles)
    ):
        return story
    groups = list(story.groups)
    if story.day > 1:  # a continuing story's news is in its newest articles
        groups.sort(key=lambda g: max((a.published for a in g.articles if a.published), default=_EPOCH), reverse=True)
    if 0 < max_groups < len(groups):
        seen: set[str] = set()
        first = [g for g in groups if not (g.primary.source in seen or seen.add(g.primary.source))]
        picked = {id(g) for g in (first + [g for g in groups if g not in first])[:max_groups]}
        groups = [g for g in story.groups if id(g) in picked]  # in the story's own order
    if words > 0:
        groups = [replace(g, primary=_cut(g.primary, words), copies=[_cut(a, words) for a in g.copies]) for g in groups]
    return replace(story, groups=groups)


def _cut(article: Article, words: int) -> Article:
    return article if len(article.text.split()) <= words else replace(article, text=lead_part(article.text, words))


def lead_part(text: str, words: int) -> str:
    """The first paragraphs of ``text`` up to about ``words`` words; one long first paragraph is
    cut at the last sentence end within the limit (a takeaway must never be a cut sentence)."""
    out: list[str] = []
    n = 0
    for line in text.split("\n"):
        w = len(line.split())
        if n and n + w > words:
            break
        if not n and w > words:
            cut = " ".join(line.split()[:words])
            end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "), cut.rfind(".” "))
            out.append(cut[: end + 1] if end > 0 else cut)
            break
        out.append(line)
        n += w
    return "\n".join(out)


Candidate = tuple[int, Article, str, float]  # (takeaway index, article, sentence, word cover)


def rest_candidates(story: Story, read: Sequence[Article], *, per_outlet: int = 1,
                    min_overlap: float = 0.3) -> list[Candidate]:
    """The unread outlets' sentences worth embedding for ``attribute_rest``: per takeaway and
    outlet, the best ``per_outlet`` by shared content words, if they share ``min_overlap``."""
    from . import _content_words

    if not story.takeaways:
        return []
    done = {(a.source, a.url, a.entry_id) for a in read}
    rest = [a for a in story.articles if (a.source, a.url, a.entry_id) not in done]
    if not rest:
        return []
    by_outlet: dict[str, list[tuple[Article, str, set[str]]]] = {}
    for i, a in enumerate(rest):
        for s in article_sentences(a.text, i, title=a.title)[:60]:
            by_outlet.setdefault(a.source, []).append((a, s.text, _content_words(s.text)))
    t_words = [_content_words(t.text) for t in story.takeaways]
    cands: list[tuple[int, Article, str, float]] = []
    for ti, take in enumerate(story.takeaways):
        have = {o.name for o in take.outlets}
        if not t_words[ti]:
            continue
        for name, sents in by_outlet.items():
            if name in have:
                continue
            scored = sorted(((len(t_words[ti] & w) / min(len(t_words[ti]), max(len(w), 1)), a, text)
                             for a, text, w in sents if w), key=lambda x: -x[0])
            cands += [(ti, a, text, cover) for cover, a, text in scored[:per_outlet] if cover >= min_overlap]
    return cands


def rest_texts(story: Story, candidates: Sequence[Candidate]) -> list[str]:
    """The texts ``attribute_rest`` embeds for these candidates (to embed many stories' in one call)."""
    return [t.text for t in story.takeaways] + [c[2] for c in candidates] if candidates else []


def attribute_rest(story: Story, read: Sequence[Article], encoder: Encoder, *, per_outlet: int = 1,
                   min_overlap: float = 0.3, candidates: Sequence[Candidate] | None = None) -> int:
    """Add, behind each takeaway of ``story``, the outlets among the articles the summarizer did
    not read (``story.articles`` less ``read``) that state it too. A sentence of theirs is a
    candidate when it shares at least ``min_overlap`` of the takeaway's content words (the best
    ``per_outlet`` per outlet); a candidate counts by the summarizer's own test (close in meaning
    and covering its words, or stating its figure) and never when it gives another value for a
    figure the takeaway states. ``candidates``: ``rest_candidates`` of the same story, when the
    caller found them already. Returns the number of outlets added."""
    from . import says_same
    from .facts import sentence_facts

    cands = rest_candidates(story, read, per_outlet=per_outlet, min_overlap=min_overlap) if candidates is None else candidates
    if not cands:
        return 0
    vecs = np.asarray(encoder(rest_texts(story, cands)), dtype=np.float32)
    tv, cv = vecs[: len(story.takeaways)], vecs[len(story.takeaways):]
    t_facts = [sentence_facts(t.text) for t in story.takeaways]
    best: dict[tuple[int, str], tuple[float, Article]] = {}
    for (ti, a, text, cover), v in zip(cands, cv, strict=True):
        sim = float(tv[ti] @ v)
        if says_same(sim, t_facts[ti], sentence_facts(text), lambda c=cover: c) and sim > best.get((ti, a.source), (-1.0, a))[0]:
            best[(ti, a.source)] = (sim, a)
    order = {o.name: k for k, o in enumerate(sorted(story.outlets, key=lambda o: -o.weight))}
    for (ti, name), (_, a) in best.items():
        story.takeaways[ti].outlets.append(Outlet(name, a.url, a.weight))
    for take in story.takeaways:
        take.outlets.sort(key=lambda o: order.get(o.name, len(order)))
    return len(best)
