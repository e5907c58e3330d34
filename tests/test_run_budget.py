"""What a run reads and embeds, bounded for speed (issue 9): the page skip, the summary view and
the crediting of the outlets outside it, the warm path, length-sorted embedding batches and the
stage timings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from news_fixtures import make_articles

from briefing.models import Article, ArticleGroup, Entry, Outlet, Story, Takeaway
from briefing.pipeline import _feed_has_article
from briefing.summarize import attribute_rest, lead_part, summary_view
from briefing.timing import Stages

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def art(i: int, source: str, words: int = 50, hours: float = 1.0) -> Article:
    text = "\n".join(" ".join(f"w{i}x{p}y{k}" for k in range(9)) + "." for p in range(words // 10))
    return Article(id=i, entry_id=f"e{i}", feed=source, source=source, url=f"http://x/{i}", title=f"T{i}", text=text,
                   published=NOW - timedelta(hours=hours))


def test_lead_part_keeps_whole_paragraphs_and_cuts_one_long_paragraph_at_a_sentence_end():
    text = "One two three. Four five six.\nSeven eight nine ten.\nEleven twelve."
    assert lead_part(text, 8) == "One two three. Four five six."
    assert lead_part(text, 100) == text
    assert lead_part("Alpha beta gamma. Delta epsilon zeta eta theta.", 6) == "Alpha beta gamma."


def test_feed_item_with_the_whole_article_skips_the_page():
    long_html = "<p>" + " ".join(["word"] * 300) + "</p>"
    full = Entry(feed="f", entry_id="1", title="t", link="http://x/1", content_html=long_html)
    short = Entry(feed="f", entry_id="2", title="t", link="http://x/2", content_html="<p>just a teaser</p>")
    summary_only = Entry(feed="f", entry_id="3", title="t", link="http://x/3", summary=" ".join(["word"] * 300))
    assert _feed_has_article(full, 250)
    assert not _feed_has_article(full, 0)  # 0 = always fetch the page
    assert not _feed_has_article(short, 250)
    assert not _feed_has_article(summary_only, 250)  # a summary is not the article


def test_summary_view_reads_one_group_per_outlet_first_and_cuts_long_texts():
    groups = [ArticleGroup(art(1, "A", 600)), ArticleGroup(art(2, "A")), ArticleGroup(art(3, "B")),
              ArticleGroup(art(4, "C"), copies=[art(5, "D", 600)])]
    story = Story(id="s", groups=groups)
    view = summary_view(story, max_groups=3, words=100)
    assert [g.primary.id for g in view.groups] == [1, 3, 4]  # outlet A's second article is left out
    assert all(len(a.text.split()) <= 100 for a in view.articles)
    assert len(story.articles[0].text.split()) == 540  # the story itself is untouched
    assert summary_view(story, max_groups=0, words=0) is story


def test_a_continuing_storys_view_reads_its_newest_articles_first():
    groups = [ArticleGroup(art(1, "A", hours=30)), ArticleGroup(art(2, "B", hours=28)), ArticleGroup(art(3, "A", hours=2))]
    story = Story(id="s", groups=groups, day=2)
    assert {g.primary.id for g in summary_view(story, max_groups=2, words=0).groups} == {3, 2}
    story.day = 1
    assert {g.primary.id for g in summary_view(story, max_groups=2, words=0).groups} == {1, 2}


def test_stages_add_up_wall_cpu_items_and_worker_cpu():
    st = Stages()
    with st.stage("x", items=3) as rec:
        sum(range(200000))
        rec["worker_cpu"] = 1.5
    with st.stage("x", items=2):
        pass
    row = st.as_dict()["x"]
    assert row["items"] == 5 and row["cpu_s"] >= 1.5 and row["wall_s"] > 0 and row["items_per_s"] > 0


@pytest.mark.slow
def test_length_sorted_batches_give_the_same_vectors_in_the_callers_order(encoder):
    from briefing.embed import Embedder

    texts = ["short", "a much longer sentence about a model release with many words in it " * 3, "mid length text here"]
    sorted_enc = Embedder(batch_size=2)
    got = sorted_enc(texts)
    one_by_one = np.vstack([encoder([t]) for t in texts])
    assert got.shape == (3, 384)
    assert np.allclose(got, one_by_one, atol=1e-4)


@pytest.mark.slow
def test_the_embedding_progress_counts_cached_texts_too(encoder):
    from briefing.embed import Embedder

    store: dict[str, bytes] = {}

    def get(model, hashes):
        return {h: store[h] for h in hashes if h in store}

    def put(model, rows):
        store.update((h, blob) for h, _, blob in rows)

    counted: list[int] = []
    enc = Embedder(cache_get=get, cache_put=put, progress=counted.append)
    enc(["one text", "another text"])
    assert sum(counted) == 2
    counted.clear()
    enc(["one text", "a third text", "another text"])  # two from the cache, one through the model
    assert sum(counted) == 3 and enc.encoded == 3 and enc.cached == 2


@pytest.mark.slow
def test_embedders_with_different_limits_share_the_model_without_clobbering_each_other(encoder):
    from briefing.embed import Embedder

    long_text = "word " * 300
    short, full = Embedder(max_tokens=16), Embedder(max_tokens=128)
    a = short([long_text])
    b = full([long_text])
    assert short.cache_model != full.cache_model  # cached vectors of different limits never mix
    assert float(a[0] @ b[0]) < 0.9999 or short.model.max_seq_length == 16
    assert full.model.max_seq_length == 128 and short.model.max_seq_length == 16


@pytest.mark.slow
def test_outlets_outside_the_view_are_credited_behind_the_takeaways_they_state(encoder):
    def article(i: int, source: str, text: str) -> Article:
        return Article(id=i, entry_id=f"e{i}", feed=source, source=source, url=f"http://{source}/{i}", title="t",
                       text=text, published=NOW)

    read = [article(1, "A", "Mistral released a 24-billion-parameter open model under the Apache 2.0 licence on Tuesday.")]
    rest = [
        article(2, "B", "The French start-up Mistral has released a new open model with 24 billion parameters under "
                        "an Apache 2.0 licence, the company said on Tuesday."),
        article(3, "C", "Mistral released a 12-billion-parameter open model under the Apache 2.0 licence on Tuesday."),
        article(4, "D", "Shares of chip makers fell sharply in Tokyo trading after export rules were tightened again."),
    ]
    story = Story(id="s", groups=[ArticleGroup(a) for a in read + rest])
    story.takeaways = [Takeaway(read[0].text, [Outlet("A", read[0].url)])]
    added = attribute_rest(story, read, encoder)
    names = [o.name for o in story.takeaways[0].outlets]
    assert "B" in names  # says the same in other words
    assert "C" not in names  # gives another figure for the same thing
    assert "D" not in names  # another story's sentence
    assert added == 1 and names[0] == "A"
    assert attribute_rest(story, story.articles, encoder) == 0  # nothing left unread


def test_warm_path_reuses_the_digest_only_when_nothing_that_shapes_it_changed(tmp_path):
    from briefing.config import load_config
    from briefing.models import Digest
    from briefing.pipeline import digest_key, unchanged_digest, window_articles
    from briefing.store import Store

    cfg_path = tmp_path / "feeds.toml"
    cfg_path.write_text('[[feeds]]\nname = "A"\nurl = "https://a.example/feed"\n', encoding="utf-8")
    cfg = load_config(cfg_path)
    store = Store(tmp_path / "b.db")
    store.save_articles([art(1, "A")])
    key = digest_key(cfg, store, "2026-11-20", window_articles(cfg, store, NOW))
    assert unchanged_digest(store, "2026-11-20", key, []) is None  # nothing stored yet
    from briefing.models import digest_to_dict

    d = Digest(date="2026-11-20", title="T", stats={"run_key": key})
    store.save_digest("2026-11-20", "T", digest_to_dict(d), [])
    assert unchanged_digest(store, "2026-11-20", key, []) is not None
    store.save_articles([art(2, "B")])  # a new article in the window
    assert digest_key(cfg, store, "2026-11-20", window_articles(cfg, store, NOW)) != key
    cfg.summarizer.takeaways = 5  # or a setting that shapes the digest
    assert digest_key(cfg, store, "2026-11-20", window_articles(cfg, store, NOW)) != key


@pytest.mark.slow
def test_summaries_of_many_stories_embed_their_sentences_in_one_call(encoder):
    """``summarize_many`` embeds every story's sentences in one call (then the crediting candidates
    in one more), and writes what summarizing each story on its own writes."""
    from briefing.config import load_config
    from briefing.pipeline import summarize_many
    from briefing.progress import Reporter

    arts, gold = make_articles()
    by_story: dict[str, list[Article]] = {}
    for a in arts:
        by_story.setdefault(gold[a.entry_id], []).append(a)
    def stories() -> list[Story]:
        return [Story(id=k, groups=[ArticleGroup(a) for a in v]) for k, v in sorted(by_story.items())]

    cfg = load_config(None, overrides={"summarizer": {"max_articles": 2}})
    calls: list[int] = []

    def counting(texts):
        calls.append(len(list(texts)))
        return encoder(texts)

    many = stories()
    summarize_many(many, counting, cfg, None, Reporter(quiet=True))
    assert len(calls) <= 2 and calls[0] > 20
    for alone, together in zip(stories(), many, strict=True):
        summarize_many([alone], encoder, cfg, None, Reporter(quiet=True))
        assert [t.text for t in alone.takeaways] == [t.text for t in together.takeaways]
        assert [[o.name for o in t.outlets] for t in alone.takeaways] == [[o.name for o in t.outlets] for t in together.takeaways]
        assert alone.headline == together.headline
