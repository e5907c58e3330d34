"""Headline, one-line summary, 3-5 attributed Key Takeaways and disagreement notes for a story.

Extractive and offline by default: every sentence of every outlet's article is a candidate (page
furniture removed first, see ``text``). A sentence scores for

* centrality: closeness to the story's centroid, where each outlet counts once, so one long
  article cannot outvote four short ones;
* support: how many other outlets say the same thing (a sentence of theirs close in meaning);
* facts: names, figures and dates, which are what a reader keeps;
* position: news puts the point first;

and loses for questions, first-person asides, dangling openers ("This makes...") and length.
Takeaways are picked greedily by maximal marginal relevance, so no two say the same thing, and
each lists every outlet with a sentence close to it (embedding similarity, or a shared figure in a
related sentence). ``summarize_to_limit`` is the same ranking cut to a word budget; it is what
``briefing eval summaries`` scores.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..models import Article, ArticleGroup, Encoder, Outlet, Story, Takeaway
from .facts import Fact, disagreements, fact_tokens, sentence_facts
from .facts import label_of as _label_of
from .text import Sentence, article_sentences, split_sentences
from .view import attribute_rest, lead_part, rest_candidates, rest_texts, summary_view

__all__ = ["summarize_story", "summarize_to_limit", "rank_sentences", "Ranked", "summary_view", "lead_part",
           "attribute_rest", "rest_candidates", "rest_texts", "texts_to_embed"]

SAME_SIM = 0.85  # a sentence of another outlet this close says the same thing
SUPPORT_SIM = 0.60  # ...or this close while covering the sentence's distinctive words
SUPPORT_COVER = 0.45  # share of idf-weighted words shared (of the shorter sentence), at SUPPORT_SIM
FACT_SUPPORT_SIM = 0.45  # ...or this close while stating the same figure, date or name
REDUNDANT_SIM = 0.72  # two takeaways closer than this say the same thing
RELATED_SIM = 0.45  # figures in sentences this close are about the same thing
MMR_LAMBDA = 1.0
SUPPORT_CANDIDATES = 4  # closest sentences of each other outlet checked for support
MAX_SENTENCES_PER_ARTICLE = 60  # news puts the point first; a long tail adds cost, not takeaways
MAX_SENTENCES_PER_STORY = 400

_OPENER = re.compile(
    r"^(?:furthermore|moreover|additionally|in addition|most significantly|importantly|more importantly|"
    r"notably|meanwhile|however|honestly|in other words|indeed|also|still),\s+",
    re.IGNORECASE,
)
_DANGLING = re.compile(
    r"^(?:this|that|these|those|it|its|they|their|he|she|his|her|but|and|so|because|instead|then|such|"
    r"here|there|which)\b",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|I'll|I’ll|my|me|we|our|us)\b")
_TRIM_AT = re.compile(
    r",\s(?:which|allowing|signaling|signalling|marking|making|positioning|giving|offering|creating|ensuring|"
    r"potentially|reducing|enabling|bringing|according|as\s|while\s|who\s|and\s|using|featuring|including)"
    r"|\s[—–]\s|;\s|:\s",
)


@dataclass
class Ranked:
    """The sentence pool of a story, scored; what summary, takeaways and eval all draw on."""

    sentences: list[Sentence]
    outlets: list[str]  # outlet name per sentence
    vectors: np.ndarray
    scores: np.ndarray
    support: list[set[str]]
    facts: list[list[Fact]]
    titles: list[tuple[str, str, int]] = field(default_factory=list)  # (title, outlet, article index)
    words: list[set[str]] = field(default_factory=list)  # content-word stems per sentence
    idf: dict[str, float] = field(default_factory=dict)
    title_vectors: np.ndarray | None = None
    centroid: np.ndarray | None = None

    def supports(self, i: int, j: int) -> bool:
        """Does sentence ``j`` say what sentence ``i`` says? Close in meaning, covering its distinctive
        words or stating its figures, and not contradicting any of them."""

        def cover() -> float:
            # either sentence's distinctive words mostly found in the other: a short one restating part of a long one counts
            shared = sum(self.idf.get(w, 0.0) for w in self.words[i] & self.words[j])
            smaller = min(sum(self.idf.get(w, 0.0) for w in self.words[k]) for k in (i, j))
            return shared / smaller if smaller > 0 else 0.0

        return says_same(float(self.vectors[i] @ self.vectors[j]), self.facts[i], self.facts[j], cover)

    def mmr(self, k: int, *, max_words: int | None = None, exclude: Sequence[int] = (), lam: float = MMR_LAMBDA,
            diversity: bool = True, seed: Sequence[int] = (), word_budget: int | None = None) -> list[int]:
        """Greedy pick of up to ``k`` sentences: high score, not redundant with earlier picks.

        ``seed`` sentences (the summary line) count as already said but are not returned; with
        ``word_budget`` the picking stops once the chosen sentences hold that many words. Redundancy
        is kept as a running maximum, so a pick costs one matrix-vector product (O(n) per pick).
        """
        n = len(self.sentences)
        allowed = np.ones(n, dtype=bool)
        allowed[list(exclude)] = False
        if max_words:
            allowed &= np.array([s.words <= 1.25 * max_words for s in self.sentences], dtype=bool)
        red = np.full(n, -1.0, dtype=np.float32)
        fact_sets = [{(f.key, f.value) for f in fs} for fs in self.facts]
        covered: set[tuple[str, str]] = set()

        def take(j: int) -> None:
            nonlocal red, covered
            allowed[j] = False
            red = np.maximum(red, self.vectors @ self.vectors[j])
            covered |= fact_sets[j]

        for j in seed:
            take(j)
        chosen: list[int] = []
        words = 0
        while len(chosen) < k and (word_budget is None or words < word_budget):
            val = self.scores.astype(np.float64).copy()
            if diversity:
                val -= lam * np.maximum(red, 0.0)
                val[red >= REDUNDANT_SIM] = -np.inf
                if covered:  # a figure already given is no news the second time
                    for i in np.flatnonzero(allowed):
                        if fact_sets[i]:
                            val[i] -= 0.3 * len(fact_sets[i] & covered) / len(fact_sets[i])
            val[~allowed] = -np.inf
            best = int(np.argmax(val)) if n else -1
            if best < 0 or not np.isfinite(val[best]):
                break
            chosen.append(best)
            words += self.sentences[best].words
            take(best)
        return chosen


def _articles_of(story: Story) -> list[Article]:
    return story.articles


def _read(articles: Sequence[Article]) -> tuple[list[Sentence], list[tuple[str, str, int]]]:
    """The sentences the ranking reads of each article, and the (title, outlet, article) titles."""
    sents: list[Sentence] = []
    # every sentence is embedded (~15 ms each on a small CPU): a big story reads fewer per article
    per_article = max(12, min(MAX_SENTENCES_PER_ARTICLE, MAX_SENTENCES_PER_STORY // max(1, len(articles))))
    for ai, a in enumerate(articles):
        sents.extend(article_sentences(a.text, ai, title=a.title)[:per_article])
    titles = [(a.title.strip(), a.source, ai) for ai, a in enumerate(articles) if a.title.strip()]
    return sents, titles


def texts_to_embed(story: Story) -> list[str]:
    """The texts ``summarize_story(story)`` embeds, so a caller summarizing many stories can embed
    them all in one call first (one long length-sorted call runs ~1.6x faster than one per story)."""
    sents, titles = _read(_articles_of(story))
    return [s.text for s in sents] + [t for t, _, _ in titles]


def rank_sentences(articles: Sequence[Article], encoder: Encoder, *, max_words: int = 35,
                   weights: dict[str, float] | None = None) -> Ranked:
    """Score every content sentence of every article (see module docstring)."""
    sents, titles = _read(articles)
    outlets = [articles[s.article].source for s in sents]
    texts = [s.text for s in sents] + [t for t, _, _ in titles]
    vecs = np.asarray(encoder(texts), dtype=np.float32) if texts else np.zeros((0, 384), np.float32)
    if len(vecs):
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-9)
    svec, tvec = vecs[: len(sents)], vecs[len(sents) :]
    facts = [sentence_facts(s.text) for s in sents]
    if not sents:
        return Ranked([], [], svec, np.zeros(0), [], [], titles=titles, title_vectors=tvec)

    # centroid: each outlet's mean sentence (its title counting as one more sentence), weighted equally
    names = list(dict.fromkeys(outlets + [o for _, o, _ in titles]))
    w = weights or {a.source: a.weight for a in articles}
    parts = []
    for name in names:
        rows = [svec[i] for i, o in enumerate(outlets) if o == name]
        rows += [tvec[i] for i, (_, o, _) in enumerate(titles) if o == name]
        m = np.mean(rows, axis=0)
        parts.append(w.get(name, 1.0) * m / max(np.linalg.norm(m), 1e-9))
    centroid = np.sum(parts, axis=0)
    centroid /= max(np.linalg.norm(centroid), 1e-9)
    cent = svec @ centroid

    ftoks = [fact_tokens(s.text) for s in sents]
    n_out = len(set(outlets))
    words = [_content_words(s.text) for s in sents]
    df: dict[str, int] = {}
    for ws in words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    idf = {w: float(np.log((1 + len(sents)) / (1 + c))) for w, c in df.items()}
    r = Ranked(sents, outlets, svec, np.zeros(len(sents), np.float32), [], facts, titles=titles, words=words, idf=idf,
               title_vectors=tvec, centroid=centroid)
    # support: per other outlet, only its few closest sentences are examined (O(n * outlets))
    support: list[set[str]] = []
    sim = svec @ svec.T
    rows_of = {name: np.array([j for j, o in enumerate(outlets) if o == name]) for name in set(outlets)}
    for i in range(len(sents)):
        sup = {outlets[i]}
        for name, rows in rows_of.items():
            if name in sup:
                continue
            sims = sim[i, rows]
            for j in rows[np.argsort(-sims)[:SUPPORT_CANDIDATES]]:
                if sim[i, j] < FACT_SUPPORT_SIM:
                    break
                if r.supports(i, int(j)):
                    sup.add(name)
                    break
        support.append(sup)
    r.support = support

    scores = np.zeros(len(sents), dtype=np.float32)
    for i, s in enumerate(sents):
        sc = float(cent[i])
        if n_out > 1:
            sc += 0.25 * (len(support[i]) - 1) / (n_out - 1)
        n_facts = len({t for t in ftoks[i] if not t.startswith(("the", "a"))})
        sc += 0.10 * min(n_facts, 4) / 4 + 0.06 * min(len(facts[i]), 2) / 2
        sc += 0.06 / (1 + s.position)
        if s.is_list_item:
            sc += 0.02  # an outlet's own takeaway list is already distilled
        if s.text.rstrip("”\"'’").endswith("?"):
            sc -= 0.4
        if _FIRST_PERSON.search(s.text):
            sc -= 0.15
        sc -= _quote_penalty(s.text)
        if _TRUNCATED.search(s.text):
            sc -= 0.3  # a feed excerpt cut mid-sentence
        if _DANGLING.match(_OPENER.sub("", s.text)):
            sc -= 0.08
        words = s.words
        if words > max_words:
            sc -= 0.1 * min((words - max_words) / max_words, 1.5)
        if words < 8:
            sc -= 0.05
        scores[i] = sc
    r.scores = scores
    return r


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d[\d.,]*")
_STOPWORDS = frozenset(
    "the a an of in on at to for by with and or per from as is are was were be been being that this these those "
    "its it their his her they them than into each which who while after before since has have had will would "
    "could should may might can not no but also more most such other about over under up out new said says".split()
)


_STEM_CACHE: dict[str, str] = {}


def says_same(sim: float, a: list[Fact], b: list[Fact], cover: Callable[[], float]) -> bool:
    """The support test: two sentences at cosine ``sim`` with facts ``a`` and ``b`` say the same
    thing when they are very close, or close and state the same figure, or close enough and
    ``cover()`` (the share of distinctive words one finds in the other, computed only when needed)
    is high enough; never when they give different values for one figure."""
    if sim < FACT_SUPPORT_SIM or _conflicts(a, b):
        return False
    if sim >= SAME_SIM or _shares_fact(a, b):
        return True
    if sim < SUPPORT_SIM:
        return False
    # the closer in meaning, the less word overlap is needed: 0.45 at cosine 0.60, 0.20 at 0.80
    return cover() >= SUPPORT_COVER - 1.25 * (sim - SUPPORT_SIM)


def _stem(word: str) -> str:
    """Porter stem (nltk ships with rouge-score), so "optimized" meets "optimization"."""
    got = _STEM_CACHE.get(word)
    if got is None:
        from nltk.stem.porter import PorterStemmer

        got = _STEM_CACHE[word] = PorterStemmer().stem(word)
    return got


def _content_words(text: str) -> set[str]:
    out = set()
    for tok in _WORD.findall(text.lower()):
        tok = re.sub(r"['’]s$", "", tok)
        for w in tok.split("-"):
            w = w.strip("'’.,")
            if len(w) > 2 and w not in _STOPWORDS:
                out.add(_stem(w))
    return out


def _conflicts(a: list[Fact], b: list[Fact]) -> bool:
    """Same key, no shared value: the two sentences state different figures for one thing."""
    ka: dict[str, set[str]] = {}
    for f in a:
        ka.setdefault(f.key, set()).add(f.value)
    kb: dict[str, set[str]] = {}
    for f in b:
        kb.setdefault(f.key, set()).add(f.value)
    return any(not (ka[k] & kb[k]) for k in ka.keys() & kb.keys())


_TRUNCATED = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])\s*[\"'”’)]*$")
_NUMERAL = re.compile(r"\d[\d,]*(?:\.\d+)?")
_QUOTE = re.compile(r"[\"“”]")
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")


def _quote_penalty(text: str) -> float:
    """Takeaways report; a quote (or a fragment of one the splitter cut) is weaker than a fact."""
    pen = 0.0
    t = text.strip()
    if t[:1] in "\"“'‘":
        pen += 0.12
    if len(_QUOTE.findall(t)) % 2:
        pen += 0.1  # unbalanced: a piece of a longer quote
    quoted = sum(len(m.group(0)) for m in _QUOTED.finditer(t))
    if quoted > 0.5 * len(t):
        pen += 0.08
    return pen


def _shares_fact(a: list[Fact], b: list[Fact]) -> bool:
    """A shared figure or date; names are left out, because every outlet names the story's subject."""
    return bool({(f.key, f.value) for f in a if not f.key.endswith(" model")} & {(f.key, f.value) for f in b})


def tidy(sentence: str, max_words: int) -> str:
    """Drop a leading "Furthermore," and cut a trailing clause when the sentence is too long."""
    s = _OPENER.sub("", sentence.strip())
    s = s[:1].upper() + s[1:]
    if len(s.split()) > max_words:
        cut = None
        for m in _TRIM_AT.finditer(s):
            head = s[: m.start()]
            if 8 <= len(head.split()) <= max_words:
                cut = head
        if cut is None:
            cut = " ".join(s.split()[:max_words]).rstrip(",;:—–") + "…"
        s = cut.rstrip(",;:—– ")
    if s and s[-1] not in ".!?…\"”'’)":
        s += "."
    return s


def _headline(r: Ranked, articles: Sequence[Article]) -> str:
    """The title closest to all the others and to the story's centroid: the most representative."""
    if not r.titles:
        return r.sentences[0].text if r.sentences else ""
    tv = r.title_vectors
    best, best_val = r.titles[0][0], -1e9
    for i, (title, _, _) in enumerate(r.titles):
        others = [float(tv[i] @ tv[j]) for j in range(len(r.titles)) if j != i]
        val = (np.mean(others) if others else 0.0) + (float(tv[i] @ r.centroid) if r.centroid is not None else 0.0)
        n = len(title.split())
        if n > 12:
            val -= 0.03 * (n - 12)
        if n < 4:
            val -= 0.2
        if val > best_val:
            best, best_val = title, val
    return best


_DATELINE_TAIL = re.compile(r"\s*(?:\b[A-Z][a-z]{2,8}\.? \d{1,2},? )?\((?:UPI|AP|AFP|Reuters|CNN|dpa)\)\s*[—–-]*\s*$|\s*[—–|:-]\s*$")


def clean_headline(title: str) -> str:
    """One line, without a trailing wire dateline ("April 29 (UPI) —") or a dangling dash."""
    t = " ".join(title.split())
    return _DATELINE_TAIL.sub("", t).strip() or t


def _outlets_for(r: Ranked, i: int, articles: Sequence[Article], order: list[str]) -> list[Outlet]:
    """Every outlet with a sentence that says what sentence ``i`` says, linking to that article."""
    best_article: dict[str, tuple[float, int]] = {r.outlets[i]: (2.0, r.sentences[i].article)}
    for j, s in enumerate(r.sentences):
        o = r.outlets[j]
        sim = float(r.vectors[i] @ r.vectors[j])
        if sim > best_article.get(o, (-1.0, -1))[0] and r.supports(i, j):
            best_article[o] = (sim, s.article)
    stated: dict[str, list[Fact]] = {}
    for j, fs in enumerate(r.facts):
        stated.setdefault(r.outlets[j], []).extend(fs)
    out = []
    for name in order:
        if name != r.outlets[i] and _conflicts(r.facts[i], stated.get(name, [])):
            continue  # the outlet gives another value for a figure this takeaway states
        if name in best_article:
            a = articles[best_article[name][1]]
            out.append(Outlet(name, a.url, a.weight))
    return out


def summarize_story(story: Story, encoder: Encoder, *, takeaways: int = 4, max_words: int = 35) -> Story:
    """Fill headline, summary, takeaways (with outlets) and disagreements of ``story`` in place; return it."""
    articles = _articles_of(story)
    order = [o.name for o in sorted(story.outlets, key=lambda o: -o.weight)]
    r = rank_sentences(articles, encoder, max_words=max_words)
    story.headline = clean_headline(_headline(r, articles)) if articles else story.headline
    if not r.sentences:
        story.summary = story.summary or story.headline
        story.takeaways, story.disagreements = [], []
        return story

    # summary: the best lead (first two sentences of an article), cut to one line
    line_words = max(max_words, 25)

    def fits(i: int) -> bool:
        s = r.sentences[i]
        return (12 <= s.words and not tidy(s.text, line_words).endswith("…") and not _quote_penalty(s.text)
                and not _TRUNCATED.search(s.text))

    leads = [i for i, s in enumerate(r.sentences) if s.position <= 2 and fits(i)]
    leads = leads or [i for i in range(len(r.sentences)) if fits(i)] or list(range(len(r.sentences)))
    lead = max(leads, key=lambda i: float(r.scores[i]))
    story.summary = tidy(r.sentences[lead].text, line_words)

    # disagreements first: a takeaway should carry what outlets agree on; the note carries the rest
    by_outlet: dict[str, list[tuple[Fact, int]]] = {}
    for i, fs in enumerate(r.facts):
        by_outlet.setdefault(r.outlets[i], []).extend((f, i) for f in fs)
    n = len(r.sentences)
    all_vecs = np.vstack([r.vectors, r.title_vectors]) if r.title_vectors is not None and len(r.title_vectors) else r.vectors
    for ti, (title, outlet, _) in enumerate(r.titles):
        by_outlet.setdefault(outlet, []).extend((f, n + ti) for f in sentence_facts(title))

    def similarity(a: int, b: int) -> float:
        return float(all_vecs[a] @ all_vecs[b])

    numerals: dict[str, set[str]] = {}
    for a in articles:
        numerals.setdefault(a.source, set()).update(n.replace(",", "") for n in _NUMERAL.findall(f"{a.title} {a.text}"))
    story.disagreements = (
        disagreements(by_outlet, similarity, min_similarity=RELATED_SIM, numerals=numerals) if len(by_outlet) > 1 else []
    )
    disputed = {d.fact for d in story.disagreements}
    base = r.scores.copy()
    for i, fs in enumerate(r.facts):
        if any(_label_of(f.key) in disputed for f in fs):
            r.scores[i] -= 0.15

    near_lead = [i for i in range(len(r.sentences)) if float(r.vectors[i] @ r.vectors[lead]) >= 0.8]
    # too long to cut at a clause, or already cut off by the feed ("which allows ...")
    too_long = [i for i, s in enumerate(r.sentences) if tidy(s.text, max_words).endswith("…") or _TRUNCATED.search(s.text)]
    k = max(1, min(int(takeaways), 5))
    picked = r.mmr(k, max_words=max_words, exclude=near_lead + too_long, seed=[lead])
    if len(picked) < min(3, k):  # a short story: allow the lead's neighbours back rather than say less
        same_as_lead = [i for i in range(len(r.sentences)) if float(r.vectors[i] @ r.vectors[lead]) >= 0.9]
        more = r.mmr(k, max_words=max_words, exclude=picked + too_long + same_as_lead, seed=picked)
        picked += more[: k - len(picked)]
    r.scores = base
    story.takeaways = [Takeaway(tidy(r.sentences[i].text, max_words), _outlets_for(r, i, articles, order)) for i in picked]
    return story


def _as_article(doc: Any, i: int) -> Article:
    if isinstance(doc, Article):
        return doc
    src = doc.get("source") or doc.get("id") or f"doc{i}"
    return Article(None, str(doc.get("id", i)), str(src), str(src), doc.get("url"), doc.get("title", "") or "",
                   doc.get("text", "") or "")


def summarize_to_limit(docs: Sequence[Any], encoder: Encoder, word_limit: int, *, diversity: bool = True,
                       centroid_only: bool = False) -> str:
    """The pipeline's ranking, cut to ``word_limit`` words: for `briefing eval summaries`.

    ``docs`` are Articles or dicts with title/text/source (the labelled-data format). Sentences are
    taken in ranked order, skipping redundant ones; the last one is cut at the limit.
    ``centroid_only`` is the baseline the evaluation reports beside it.
    """
    articles = [_as_article(d, i) for i, d in enumerate(docs)]
    r = rank_sentences(articles, encoder, max_words=max(35, word_limit))
    if not r.sentences:
        return " ".join(" ".join(a.title for a in articles).split()[:word_limit])
    if centroid_only:  # the baseline: closeness to the centroid and nothing else
        picked = [int(i) for i in np.argsort(-(r.vectors @ r.centroid))]
    else:
        picked = r.mmr(len(r.sentences), diversity=diversity, word_budget=word_limit)
    words: list[str] = []
    for i in picked:
        if len(words) >= word_limit:
            break
        words.extend(r.sentences[i].text.split())
    return " ".join(words[:word_limit])


def lead_baseline(docs: Sequence[Any], word_limit: int) -> str:
    """The first sentences of the most recent document (or the last listed), up to the limit."""
    arts = [_as_article(d, i) for i, d in enumerate(docs)]
    dated = [(str(d.get("published") or "") if isinstance(d, dict) else str(a.published or ""), i)
             for i, (d, a) in enumerate(zip(docs, arts, strict=True))]
    latest = arts[max(dated)[1]] if dated else arts[-1]
    sents = [s.text for s in article_sentences(latest.text, 0, title=latest.title)] or split_sentences(latest.text)
    return " ".join(" ".join(sents).split()[:word_limit])


def story_from_articles(articles: Sequence[Article], story_id: str = "story") -> Story:
    """One story with one group per article (tests, eval, the CLI's ad-hoc summaries)."""
    return Story(story_id, [ArticleGroup(a) for a in articles])
