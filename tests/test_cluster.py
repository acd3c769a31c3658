"""Online clustering: same event together, different events apart, time window, determinism."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storyline.analyze import analyze
from storyline.cluster import (
    FEATURES,
    OnlineClusterer,
    StoryState,
    default_model,
    load_model,
    profile,
)
from storyline.errors import ConfigError, InputError
from storyline.records import Analysis, Article
from storyline.settings import Settings
from storyline.store import SQLiteStore

# Short real-style wire leads (two quakes with overlapping vocabulary, one summit).
QUAKE_A1 = (
    "Strong earthquake strikes off Chile",
    "A magnitude 8.2 earthquake struck off the "
    "coast of northern Chile near Iquique on Tuesday, triggering a tsunami warning and "
    "small waves along the Pacific coast. Chilean officials evacuated coastal areas.",
)
QUAKE_A2 = (
    "Chile quake kills six near Iquique",
    "Six people were killed when the magnitude 8.2 "
    "earthquake hit northern Chile near Iquique, officials in Chile said, as the tsunami "
    "warning for the Pacific coast was lifted.",
)
QUAKE_B = (
    "Earthquake rattles Indonesia's Sumatra",
    "A magnitude 6.1 earthquake shook "
    "western Sumatra in Indonesia on Friday, damaging houses in Padang; Indonesian "
    "officials said no tsunami warning was issued.",
)
SUMMIT = (
    "Leaders meet in Hanoi for nuclear talks",
    "Donald Trump and Kim Jong Un met in Hanoi "
    "for a second summit on North Korea's nuclear weapons program and sanctions relief.",
)


def _article(pair: tuple[str, str], published: str | None) -> Article:
    title, text = pair
    return Article(
        id=Article.make_id(title, text),
        source=title,
        title=title,
        text=text,
        paragraphs=(text,),
        published=published,
    )


def _run(articles: list[Article], settings: Settings) -> list[str]:
    store = SQLiteStore(":memory:")
    clusterer = OnlineClusterer(store, settings)
    stories = []
    for article, analysis in zip(articles, analyze(articles), strict=True):
        with store.transaction():
            seq = store.add_article(article, analysis)
            stories.append(clusterer.assign(article, analysis, seq))
    return stories


def test_same_event_joins_and_other_events_start_new_stories() -> None:
    articles = [
        _article(QUAKE_A1, "2014-04-01"),
        _article(SUMMIT, "2014-04-01"),
        _article(QUAKE_A2, "2014-04-02"),
        _article(QUAKE_B, "2014-04-03"),
    ]
    a1, summit, a2, b = _run(articles, Settings())
    assert a1 == a2
    assert len({a1, summit, b}) == 3


def test_time_window_keeps_far_apart_reports_apart_and_order_is_deterministic() -> None:
    near = [_article(QUAKE_A1, "2014-04-01"), _article(QUAKE_A2, "2014-04-02")]
    far = [_article(QUAKE_A1, "2014-04-01"), _article(QUAKE_A2, "2014-09-02")]
    assert len(set(_run(near, Settings()))) == 1
    assert len(set(_run(far, Settings()))) == 2
    assert _run(near, Settings()) == _run(near, Settings())


def test_active_set_is_bounded() -> None:
    store = SQLiteStore(":memory:")
    clusterer = OnlineClusterer(store, Settings(cluster_max_active=2))
    articles = [_article(p, None) for p in (QUAKE_A1, SUMMIT, QUAKE_B)]
    for article, analysis in zip(articles, analyze(articles), strict=True):
        with store.transaction():
            clusterer.assign(article, analysis, store.add_article(article, analysis))
    assert len(clusterer.active) == 2
    assert len(store.stories(limit=10)) == 0  # not built yet, but all three states are stored
    assert len(store.stale_story_ids()) == 3


def test_profile_reads_years_numbers_entities_and_the_lead_of_an_untitled_article() -> None:
    article = _article(("", QUAKE_A1[1] + " It was the strongest quake there since 2010."), None)
    [analysis] = analyze([article])
    prof = profile(article, analysis)
    assert prof.years == {"2010"}
    assert "8.2" in prof.numbers
    assert any(key.startswith("e:") and "chile" in key for key in prof.entities)
    assert "magnitude" in prof.lead and "evacuated" not in prof.lead  # first sentence only


def test_a_span_of_years_is_two_years_not_a_year_and_a_number() -> None:
    # Shapes from NewsWCL50 ("the 1950-53 Korean War") and ECB+ ("the 2008-09 season"): the
    # "53" once matched any story that printed a 53, and tied two North Korea events together.
    text = (
        "Veterans of the 1950-53 Korean War met on Monday. The club opened its 2008-09 season "
        "with a 9-14 start, and the 1999-00 budget ran to 53 pages over 2010-2015."
    )
    article = _article(("", text), None)
    prof = profile(article, Analysis(article.id, (), (), ()))
    assert prof.years == {"1950", "1953", "2008", "2009", "1999", "2000", "2010", "2015"}
    assert prof.numbers == {"9", "14", "53"}  # the 53 pages stay a number


def test_model_prefers_the_same_event_and_penalises_conflicting_years() -> None:
    store = SQLiteStore(":memory:")
    clusterer = OnlineClusterer(store, Settings())
    articles = [_article(QUAKE_A1, "2014-04-01"), _article(QUAKE_B, "2014-04-01")]
    for article, analysis in zip(articles, analyze(articles), strict=True):
        with store.transaction():
            clusterer.assign(article, analysis, store.add_article(article, analysis))
    chile, sumatra = (store.story_of(a.id) for a in articles)
    probe = _article(QUAKE_A2, "2014-04-02")
    [analysis] = analyze([probe])
    prof = profile(probe, analysis)
    scored = dict(clusterer.score(prof, clusterer.vectors(prof)))
    assert chile is not None and sumatra is not None
    assert scored[chile] > 0.5 > scored.get(sumatra, 0.0)
    model = default_model()
    features = clusterer.features(prof, clusterer.vectors(prof), clusterer.active[chile])
    conflicting = list(features)
    conflicting[FEATURES.index("year_conflict")] = 1.0
    assert model.probability(conflicting) < model.probability(features)


def test_story_embedding_is_stored_compactly_and_older_list_states_still_load() -> None:
    vector = np.linspace(-1.0, 1.0, 384)
    state = StoryState("s1", {}, {}, {}, {}, {}, 1, "t", None, None, 1, vector)
    stored = json.loads(json.dumps(state.to_json()))
    assert isinstance(stored["embedding32"], str) and "embedding" not in stored
    row = {"id": "s1", "title": "t", "first_published": None, "last_published": None}
    restored = StoryState.from_row({**row, "last_seq": 1, "state": stored}).embedding
    assert restored is not None and np.allclose(restored, vector, atol=1e-6)
    legacy = {**stored, "embedding": [0.5, 0.25]}
    del legacy["embedding32"]
    older = StoryState.from_row({**row, "last_seq": 1, "state": legacy}).embedding
    assert older is not None and older.tolist() == [0.5, 0.25]
    del legacy["embedding"]
    assert StoryState.from_row({**row, "last_seq": 1, "state": legacy}).embedding is None


def test_pinned_article_joins_its_story_however_unlike_it_is() -> None:
    store = SQLiteStore(":memory:")
    clusterer = OnlineClusterer(store, Settings())
    articles = [_article(QUAKE_A1, "2014-04-01"), _article(SUMMIT, "2014-04-01")]
    analyses = analyze(articles)
    with store.transaction():
        first = clusterer.assign(
            articles[0], analyses[0], store.add_article(articles[0], analyses[0])
        )
        pinned = clusterer.assign(
            articles[1], analyses[1], store.add_article(articles[1], analyses[1]), pinned=first
        )
    assert pinned == first
    assert clusterer.active[first].count == 2


def test_model_files_name_their_features_and_unknown_ones_are_refused(tmp_path: Path) -> None:
    assert "embedding_cosine" not in default_model().features
    bad = tmp_path / "model.json"
    bad.write_text(
        json.dumps(
            {
                "features": ["body_cosine", "moon_phase"],
                "weights": [1, 2],
                "bias": 0,
                "threshold": 0.5,
                "merge_threshold": 1.0,
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(InputError):
        load_model(bad)
    with pytest.raises(ConfigError):
        default_model("word2vec")


def test_embedding_model_reads_the_cosine_and_scores_unembedded_stories_without_it() -> None:
    pytest.importorskip("onnxruntime")
    store = SQLiteStore(":memory:")
    clusterer = OnlineClusterer(store, Settings(embeddings="minilm"))
    assert clusterer.pair_model.uses_embeddings
    articles = [_article(QUAKE_A1, "2014-04-01"), _article(SUMMIT, "2014-04-01")]
    analyses = analyze(articles)
    # the summit story was clustered before embeddings were turned on: no embedding
    plain = OnlineClusterer(store, Settings())
    with store.transaction():
        summit = plain.assign(articles[1], analyses[1], store.add_article(articles[1], analyses[1]))
    clusterer.prepare(articles[:1])
    with store.transaction():
        chile = clusterer.assign(
            articles[0], analyses[0], store.add_article(articles[0], analyses[0])
        )
    assert clusterer.active[chile].embedding is not None
    assert clusterer.active[summit].embedding is None
    probe = _article(QUAKE_A2, "2014-04-02")
    [analysis] = analyze([probe])
    prof = profile(probe, analysis, clusterer.embedding(probe))
    vec = clusterer.vectors(prof)
    index = FEATURES.index("embedding_cosine")
    cosine = clusterer.features(prof, vec, clusterer.active[chile])[index]
    assert cosine is not None and cosine > 0.5
    assert clusterer.features(prof, vec, clusterer.active[summit])[index] is None
    scored = dict(clusterer.score(prof, vec))  # the summit pair goes to the plain model
    assert scored[chile] > clusterer.pair_model.threshold > scored.get(summit, 0.0)
    # the story's embedding survives the store
    clusterer.reload()
    clusterer.score(prof, vec)
    restored = clusterer.active[chile].embedding
    assert restored is not None and float(restored @ restored) > 0.99
