"""Story merging with the real embedding model: one story per event, never two events in one."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from news_fixtures import DAY, make_articles

from briefing import pipeline
from briefing.cluster import (
    _NUMBER,
    OTHER,
    _numbers,
    _side_by_side,
    assign_sections,
    cluster_stories,
    distinctive_terms,
    entities,
    format_evidence,
    knn_candidates,
    strip_boilerplate,
)
from briefing.config import Topic, load_config
from briefing.models import Article, ArticleGroup


@pytest.fixture(scope="module")
def cfg():
    return load_config(None)


def labels_of(stories, gold):
    return sorted(sorted(gold[a.entry_id] for a in s.articles) for s in stories)


def test_seed_articles_become_one_story_with_five_outlets(shared_data, encoder, cfg) -> None:
    files = sorted((shared_data / "seed-articles").glob("0*.txt"))
    assert len(files) == 5
    arts = []
    for i, p in enumerate(files):
        title, _, text = p.read_text(encoding="utf-8").partition("\n")
        arts.append(
            Article(id=None, entry_id=p.name, feed=f"feed{i}", source=f"outlet {i}", url=None, title=title.strip(),
                    text=text, published=datetime(2026, 4, 20, 8, tzinfo=UTC) + timedelta(hours=3 * i))
        )
    stories = pipeline.merge_stories(arts, encoder, cfg)
    assert len(stories) == 1
    assert len(stories[0].outlets) == 5
    assert len(stories[0].evidence) == 4  # each later member linked to one earlier member


def test_same_kind_events_on_one_day_stay_apart(encoder, cfg) -> None:
    arts, gold = make_articles()
    stories = pipeline.merge_stories(arts, encoder, cfg)
    got = labels_of(stories, gold)
    want = sorted(sorted(gold[a.entry_id] for a in arts if gold[a.entry_id] == lab) for lab in set(gold.values()))
    assert got == want  # two earthquakes and two arrests: four stories, plus three singletons


def test_evidence_says_why(encoder, cfg) -> None:
    arts, gold = make_articles()
    peru = next(s for s in pipeline.merge_stories(arts, encoder, cfg) if gold[s.articles[0].entry_id] == "quake-peru")
    assert all(e.reason == "same event" for e in peru.evidence)
    assert all(e.score >= 0.275 and 0 < e.cosine <= 1 for e in peru.evidence)
    shared = {n for e in peru.evidence for n in e.shared_entities}
    assert {"Arequipa", "INDECI"} & shared
    lines = format_evidence(peru)
    assert len(lines) == 2 and "embedding cosine" in lines[0] and "h apart" in lines[0]


def test_story_id_is_stable_and_follows_the_earliest_member(encoder, cfg) -> None:
    arts, _ = make_articles()
    first = {s.id for s in pipeline.merge_stories(arts, encoder, cfg)}
    again = {s.id for s in pipeline.merge_stories(list(reversed(arts)), encoder, cfg)}
    assert first == again
    assert all(i.startswith("s-") for i in first)


def test_wire_copies_are_one_group_inside_a_story(encoder, cfg) -> None:
    arts, _ = make_articles()
    src = arts[0]
    copy = Article(id=None, entry_id="copy-1", feed="Syndicator", source="Syndicator", url=None, title=src.title,
                   text="Posted by staff. " + src.text, published=src.published + timedelta(hours=1))
    stories = pipeline.merge_stories([*arts, copy], encoder, cfg)
    story = next(s for s in stories if any(a.entry_id == "copy-1" for a in s.articles))
    assert len(story.articles) == 4 and "Syndicator" in {o.name for o in story.outlets}
    assert any(e.reason == "wire copy" and e.b == "copy-1" for e in story.evidence)


def test_time_window_splits_far_apart_reports(encoder) -> None:
    arts, gold = make_articles()
    peru = [a for a in arts if gold[a.entry_id] == "quake-peru"]
    peru[2].published = DAY + timedelta(days=10)
    stories = cluster_stories([ArticleGroup(a) for a in peru], encoder, threshold=0.0, window_hours=72)
    assert sorted(len(s.articles) for s in stories) == [1, 2]


def test_entities_keep_names_and_numbers_and_drop_sentence_starters() -> None:
    text = "The Indian navy arrested 23 pirates. After that, INS Sukanya left the Gulf of Aden. The navy said so."
    keys = {k for k, _ in entities(text, {"the", "after"})}
    assert {"#23", "indian", "ins_sukanya", "aden"} <= keys
    assert "the" not in keys and "after" not in keys


def test_numbers_are_what_the_number_regex_finds() -> None:
    texts = ["1,000.5 and 2.", "..5,, 6.7.8 ,x", "G7 COVID-19 3rd", "٣٤ and 12", "１２３", "naïve ٣ 4", "x²y 7", "", "no digits"]
    assert _numbers(texts) == [_NUMBER.findall(t) for t in texts]


def test_side_by_side_is_scipys_hstack() -> None:
    import scipy.sparse as sp

    a = sp.random(50, 30, density=0.2, format="csr", dtype=np.float32, random_state=1)
    dense_b = sp.random(50, 7, density=0.3, dtype=np.float32, random_state=2).toarray()
    dense_b[3] = 0  # an empty row
    b = sp.csr_matrix(dense_b)
    got = _side_by_side(a, 0.5, b, 0.75)
    want = sp.hstack([a * 0.5, b * 0.75], format="csr", dtype=np.float32)
    want.sort_indices()
    assert got.has_sorted_indices and got.shape == want.shape
    assert np.array_equal(got.indptr, want.indptr) and np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)


def test_knn_candidates_are_each_rows_exact_nearest() -> None:
    """The sampled threshold only saves work: every row keeps its k best at or above min_cosine
    (ties by column), as a full sort of its row would."""
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(40, 16))
    x = np.round(centres[rng.integers(0, 40, 900)] + 0.4 * rng.normal(size=(900, 16)), 1)
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    k, floor = 6, 0.3
    got = set(zip(*(a.tolist() for a in knn_candidates(x, k=k, min_cosine=floor, block=128)), strict=True))
    sims = x @ x.T
    want = set()
    for r in range(len(x)):
        cols = [c for c in np.lexsort((np.arange(len(x)), -sims[r])).tolist() if c != r and sims[r, c] >= floor][:k]
        want |= {(min(r, c), max(r, c)) for c in cols}
    assert got == want


def test_knn_candidates_stay_linear_in_memory() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(300, 64))
    x = np.repeat(centres, 10, axis=0) + 0.3 * rng.normal(size=(3000, 64))
    x = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    start = time.perf_counter()
    i, j = knn_candidates(x, k=10, min_cosine=0.5, block=256)
    assert time.perf_counter() - start < 10
    assert len(i) <= 3000 * 10 and np.all(i < j)
    same = (i // 10) == (j // 10)
    assert same.mean() > 0.95 and same.sum() >= 3000 * 9 / 2 * 0.9  # nearly all same-centre pairs found


def test_sections_from_topics_with_mute_and_min_outlets(encoder, cfg) -> None:
    arts, gold = make_articles()
    stories = pipeline.merge_stories(arts, encoder, cfg)
    topics = [
        Topic(name="Disasters", description="Earthquakes, floods, storms and other natural disasters",
              keywords=["earthquake", "quake", "tsunami"], min_outlets=3),
        Topic(name="Crime", description="Arrests, charges, trials and police investigations", keywords=["arrested"]),
        Topic(name="Football", description="Football matches and leagues", keywords=["La Liga"], mute=True),
    ]
    sections = assign_sections(stories, topics, encoder)
    names = [s.name for s in sections]
    assert names == ["Disasters", "Crime", OTHER]
    by = {s.name: {gold[st.articles[0].entry_id] for st in s.stories} for s in sections}
    assert by["Disasters"] == {"quake-peru", "quake-japan"}
    assert by["Crime"] == {"arrest-lyon", "arrest-ohio"}
    shown = {st.id for s in sections for st in s.stories}
    football = next(s for s in stories if "Madrid" in s.articles[0].title)
    assert football.id not in shown and football.topic == "Football"  # muted: dropped
    topics[0].min_outlets = 4  # now no earthquake story has enough outlets
    assert "Disasters" not in [s.name for s in assign_sections(stories, topics, encoder)]


def test_automatic_sections_are_named_by_their_terms(encoder, cfg) -> None:
    arts, _ = make_articles()
    stories = pipeline.merge_stories(arts, encoder, cfg)
    sections = assign_sections(stories, [], encoder)
    assert sum(len(s.stories) for s in sections) == len(stories)
    assert all(s.name for s in sections)
    assert sections[-1].name == OTHER or all(len(s.stories) >= 2 for s in sections)
    terms = distinctive_terms(["quake quake tsunami epicentre", "police arrested charged arrested"], top=2)
    assert terms[0][0] == "quake" and terms[1][0] == "arrested"


def test_site_furniture_does_not_merge_two_stories_of_one_outlet(encoder) -> None:
    footer = (
        "Related Articles\nSign up for the TechDrop Daily newsletter to get the top AI stories from TechDrop Labs\n"
        "Download the TechDrop app on the App Store and Google Play\n© 2026 TechDrop Media Group, San Mateo"
    )
    arts, gold = make_articles()
    japan = next(a for a in arts if gold[a.entry_id] == "quake-japan")
    ohio = next(a for a in arts if gold[a.entry_id] == "arrest-ohio")
    for a in (japan, ohio):
        a.source = a.feed = "TechDrop"
        a.text = a.text + "\n" + footer
    groups = [ArticleGroup(a) for a in arts]
    assert "TechDrop Media Group" not in strip_boilerplate(groups)[arts.index(japan)]
    stories = cluster_stories(groups, encoder)
    assert labels_of(stories, gold) == sorted(sorted(gold[a.entry_id] for a in arts if gold[a.entry_id] == lab) for lab in set(gold.values()))


def test_one_outlet_posting_two_launches_on_one_day_gives_two_stories(encoder, cfg) -> None:
    plans = " Available today for SuperGrok and X Premium+ subscribers, rolling out to Grok Business next week."
    posts = [
        ("Grok for Excel", "Grok now works inside Microsoft Excel. Ask Grok to build formulas, clean up tables, "
         "and explain pivot charts in Microsoft 365 workbooks without leaving the spreadsheet." + plans),
        ("Grok for Outlook", "Grok now works inside Microsoft Outlook. Ask Grok to draft replies, summarise long "
         "threads and schedule meetings in Microsoft 365 mailboxes without leaving your inbox." + plans),
    ]
    arts = [
        Article(id=None, entry_id=f"xai-{i}", feed="xAI News", source="xAI News", url=None, title=t, text=x,
                published=DAY + timedelta(hours=i))
        for i, (t, x) in enumerate(posts)
    ]
    arts += [
        Article(id=None, entry_id=f"agg-{i}", feed="AI Aggregator", source="AI Aggregator", url=None, title=t, text=x,
                published=DAY + timedelta(hours=i + 1))
        for i, (t, x) in enumerate(posts)
    ]
    stories = pipeline.merge_stories(arts, encoder, cfg)
    assert sorted(sorted(a.entry_id for a in s.articles) for s in stories) == [["agg-0", "xai-0"], ["agg-1", "xai-1"]]
    assert all({o.name for o in s.outlets} == {"xAI News", "AI Aggregator"} for s in stories)


def test_an_outlets_follow_up_a_day_later_may_join_its_story(encoder, cfg) -> None:
    arts, gold = make_articles()
    peru = [a for a in arts if gold[a.entry_id] == "quake-peru"]
    follow = Article(id=None, entry_id="peru-day2", feed=peru[0].feed, source=peru[0].source, url=None,
                     title="Arequipa counts damage a day after magnitude 6.4 Peru earthquake",
                     text="A day after the magnitude 6.4 earthquake near Arequipa, INDECI said 40 adobe houses in "
                          "Caylloma were uninhabitable and the two people injured were recovering. The USGS recorded "
                          "eleven aftershocks. Power has been restored across Arequipa.",
                     published=peru[0].published + timedelta(hours=26))
    stories = pipeline.merge_stories([*arts, follow], encoder, cfg)
    story = next(s for s in stories if any(a.entry_id == "peru-day2" for a in s.articles))
    assert {gold.get(a.entry_id, "quake-peru") for a in story.articles} == {"quake-peru"} and len(story.articles) == 4


def test_stop_word_copy_matches_scikit_learn() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from briefing.stopwords import ENGLISH_STOP_WORDS as ours

    assert ours == ENGLISH_STOP_WORDS


def test_evidence_is_added_only_to_the_stories_asked_about(encoder, cfg) -> None:
    """A run explains only the stories a digest shows; what it adds equals the full merge's evidence."""
    arts, gold = make_articles()
    full = pipeline.merge_stories(arts, encoder, cfg)
    stories, explain = pipeline.merge_window(arts, encoder, cfg)
    assert [s.id for s in stories] == [s.id for s in full]
    assert all(s.evidence == [] for s in stories)
    multi = [s for s in stories if len(s.groups) > 1]
    assert len(multi) >= 2
    explain(multi[:1])
    assert multi[0].evidence == next(f for f in full if f.id == multi[0].id).evidence != []
    assert all(s.evidence == [] for s in multi[1:])
