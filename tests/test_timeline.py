"""Timeline dating: date phrases found by pattern and resolved against the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import QUARTZ_SEED, VANITY_FAIR_SEED
from storyline.analyze import analyze
from storyline.extract import extract
from storyline.ingest.readers import read_input
from storyline.records import Article
from storyline.story.compare import outlet_label
from storyline.story.timeline import build_timeline, find_dates, publication_date

# Quartz published the seed on 2019-02-28, a Thursday (its sidecar says so).
BASE = date(2019, 2, 28)


def _dates(text: str, base: date | None = BASE) -> list[tuple[str, str, str]]:
    return [(m.phrase, m.date.isoformat(), m.precision) for m in find_dates(text, base)]


def test_relative_dates_of_the_seeds_resolve_against_publication() -> None:
    # Sentences from examples/hanoi-summit (Quartz and Vanity Fair).
    assert _dates(
        "The second summit between Donald Trump and Kim Jong Un ended abruptly today"
    ) == [("today", "2019-02-28", "day")]
    assert _dates("Trump was heavily criticized after his first meeting with Kim, in June in") == [
        ("in June", "2018-06-01", "month")
    ]
    assert _dates("Donald Trump last year emerged from his first summit with Kim Jong Un") == [
        ("last year", "2018-01-01", "year")
    ]
    assert _dates("a fact that became painfully obvious Thursday as the president’s talks") == [
        ("Thursday", "2019-02-28", "day")
    ]
    assert _dates("Trump nevertheless expressed confidence going into this week’s summit") == [
        ("this week", "2019-02-25", "week")
    ]


def test_absolute_dates_and_counts() -> None:
    assert _dates("They met on Feb. 27, 2019, and again in May 2018.", None) == [
        ("Feb. 27, 2019", "2019-02-27", "day"),
        ("May 2018", "2018-05-01", "month"),
    ]
    assert _dates("the tensions that dominated 2017, when Trump and Kim", None) == [
        ("2017", "2017-01-01", "year")
    ]
    # A count is not a year, "may" is not May, and a future weekday lies ahead.
    assert _dates("About 2000 troops may stay.") == []
    assert _dates("Trump will meet Kim on Friday.") == [("on Friday", "2019-03-01", "day")]
    assert _dates("The talks ended two days ago.") == [("two days ago", "2019-02-26", "day")]


def test_undated_article_resolves_no_relative_date() -> None:
    assert (
        _dates("Donald Trump last year emerged; it became obvious Thursday, in June.", None) == []
    )
    assert publication_date(None) is None
    assert publication_date("2019-02-28T07:30Z") == BASE
    assert publication_date("not a date") is None


@pytest.fixture(scope="module")
def seed_articles() -> list[Article]:
    articles = []
    for path in (QUARTZ_SEED, VANITY_FAIR_SEED):
        for doc in read_input(str(path), None, None, 10_000_000):
            assert not isinstance(doc, Exception)
            articles.append(extract(doc))
    return articles


def test_seed_timeline_is_ordered_with_sources(seed_articles: list[Article]) -> None:
    analyses = {a.id: x for a, x in zip(seed_articles, analyze(seed_articles), strict=True)}
    events = build_timeline(seed_articles, analyses, outlet_label)
    dates = [(e.date, e.precision, e.outlets) for e in events]
    # Vanity Fair has no publication date: only its own-year "2017" is placed; its "last
    # year", "Thursday" and "June meeting" are not resolved against a guessed date.
    assert dates == [
        ("2017", "year", ("Vanity Fair",)),
        ("2018-06", "month", ("Quartz",)),
        ("2019-02-25", "week", ("Quartz",)),
        ("2019-02-28", "day", ("Quartz",)),
    ]
    for event in events:
        for claim in event.claims:
            article = next(a for a in seed_articles if a.id == claim.article_id)
            assert article.text[claim.start : claim.end] == claim.text
    assert "ended abruptly today" in events[-1].claims[0].text


def test_dated_vanity_fair_places_its_relative_dates(seed_articles: list[Article]) -> None:
    from dataclasses import replace

    vanity = replace(seed_articles[1], published="2019-02-28")
    analyses = {vanity.id: analyze([vanity])[0]}
    events = build_timeline([vanity], analyses, outlet_label)
    assert {(e.date, e.phrase) for e in events} >= {
        ("2018", "last year"),
        ("2019-02-28", "Thursday"),
    }
