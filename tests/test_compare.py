"""Outlet comparison: alignment, unique claims, contradictions, tone (seed story, real stages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import EXAMPLES, seed_articles
from storyline.analyze import analyze
from storyline.app.render import story_json, story_text
from storyline.app.render_compare import compare_text
from storyline.records import Article, Claim, Comparison, Story
from storyline.settings import Settings
from storyline.store.codec import dumps, story_from_json
from storyline.story.build import build_story
from storyline.story.compare import contradiction, subjectivity_of


@pytest.fixture(scope="module")
def seed_story() -> tuple[Story, dict[str, Article]]:
    """The Hanoi seed story built by the real stages: read, extract, analyse, build."""
    articles, analyses = seed_articles()
    story = build_story("seed", articles, analyses, Settings())
    return story, {a.id: a for a in articles}


def _unique(comparison: Comparison, outlet: str) -> str:
    tone = next(t for t in comparison.outlets if t.outlet == outlet)
    return "\n".join(c.text for c in tone.unique_claims)


def _agreed_texts(comparison: Comparison) -> list[tuple[set[str], str]]:
    return [(set(g.outlets), " ".join(c.text for c in g.claims)) for g in comparison.agreed]


def test_quartz_alone_reports_press_conference_and_lunch_delay(
    seed_story: tuple[Story, dict[str, Article]],
) -> None:
    only_quartz = _unique(seed_story[0].comparison, "Quartz")
    assert "from 4pm local time to 2pm" in only_quartz
    assert "lunch was delayed by half an hour" in only_quartz


def test_vanity_fair_alone_reports_lee_and_warmbier(
    seed_story: tuple[Story, dict[str, Article]],
) -> None:
    only_vf = _unique(seed_story[0].comparison, "Vanity Fair")
    assert "Jean H. Lee" in only_vf
    assert "Otto Warmbier" in only_vf
    # Nothing Quartz reports is counted as Vanity Fair's alone, and the reverse.
    assert "4pm" not in only_vf and "Warmbier" not in _unique(seed_story[0].comparison, "Quartz")


def test_both_report_walkout_quote_and_sanctions(
    seed_story: tuple[Story, dict[str, Article]],
) -> None:
    agreed = _agreed_texts(seed_story[0].comparison)
    both = {"Quartz", "Vanity Fair"}
    walk = [text for outlets, text in agreed if "Sometimes you have to walk" in text]
    sanctions = [text for outlets, text in agreed if "sanctions" in text and outlets == both]
    assert walk and sanctions
    # The quote is agreed as one group holding both outlets' wording.
    assert walk[0].count("Sometimes you have to walk") == 2
    assert "lift sanctions" in sanctions[0] and "drop all its sanctions" in sanctions[0]


def test_vanity_fair_more_subjective_and_said_so(
    seed_story: tuple[Story, dict[str, Article]],
) -> None:
    comparison = seed_story[0].comparison
    tone = {t.outlet: t for t in comparison.outlets}
    assert tone["Vanity Fair"].subjectivity > tone["Quartz"].subjectivity
    assert 0.0 <= tone["Quartz"].subjectivity <= 1.0
    assert comparison.statements[0].startswith(
        "Vanity Fair is markedly more opinionated than Quartz in this story"
    )
    assert "Jean H. Lee" in tone["Vanity Fair"].quoted_people
    assert "Jean H. Lee" not in tone["Quartz"].quoted_people


def test_no_contradiction_between_the_seeds(seed_story: tuple[Story, dict[str, Article]]) -> None:
    assert seed_story[0].comparison.contradictions == ()


def test_comparison_survives_the_store_codec_and_renders(
    seed_story: tuple[Story, dict[str, Article]],
) -> None:
    story, articles = seed_story
    assert story_from_json(dumps(story)) == story
    data = json.loads(json.dumps(story_json(story, articles)))
    comparison = data["comparison"]
    assert set(comparison) >= {"outlets", "agreed", "contradictions", "timeline"}
    names = [o["name"] for o in comparison["outlets"]]
    assert names == ["Quartz", "Vanity Fair"]
    for outlet in comparison["outlets"]:
        assert 0 <= outlet["subjectivity"] <= 1 and -1 <= outlet["sentiment"] <= 1
        for claim in outlet["unique_claims"]:
            article = articles[claim["article_id"]]
            assert article.text[claim["start"] : claim["end"]] == claim["text"]
    assert "How each outlet covered it" in story_text(story, articles)
    side = compare_text(story, width=120)
    assert "QUARTZ" in side and "VANITY FAIR" in side


def test_old_stories_without_comparison_still_decode(
    seed_story: tuple[Story, dict[str, Article]],
) -> None:
    raw = json.loads(dumps(seed_story[0]))
    del raw["comparison"]
    assert story_from_json(json.dumps(raw)).comparison == Comparison()


# Sentences from the Quartz seed (examples/hanoi-summit/000_fc169920c45f2168.txt) and the
# same report as another outlet could have worded it with different values.
PRESS = (
    "Then, White House press secretary Sarah Sanders announced that Trump’s press conference "
    "had been moved up, from 4pm local time to 2pm, and said nothing about the joint-signing "
    "ceremony."
)


def test_contradiction_on_times() -> None:
    other = "Sanders said the president's press conference had been moved up to 3 p.m."
    assert contradiction(PRESS, other) == ("time", "14:00, 16:00", "15:00")
    # Same time, other words: no contradiction.
    assert contradiction(PRESS, "The press conference was brought forward to 2 p.m.") is None


# Tariff sentences of ../shared/eval/comparison/newswcl50.jsonl (event_7: NYT, Fox News,
# HuffPost, Breitbart), which agree on the rates and the deadline.
NYT_TARIFF = (
    "The 25 percent tariffs on steel and 10 percent on aluminum were set to go into effect on "
    "Tuesday and had been expected to hit European allies hard."
)
FOX_TARIFF = (
    "The confrontation stems from the president's decision in March to slap tariffs of 25 "
    "percent on imported steel and 10 percent on imported aluminum."
)
HUFFPOST_DEADLINE = (
    "The decisions came just hours before temporary exemptions from the tariffs on these "
    "countries were set to expire at 12:01 a.m."
)
BREITBART_DEADLINE = (
    "The report came just hours before tariff exemptions were due to expire at midnight for the "
    "EU, Canada, Mexico and others."
)


def test_contradiction_on_numbers_needs_the_same_unit() -> None:
    assert contradiction(NYT_TARIFF, FOX_TARIFF) is None
    changed = NYT_TARIFF.replace("25 percent", "20 percent").replace("10 percent", "15 percent")
    # "20 percent tariffs" is not "25 percent on steel" in form; the aluminum rates compare.
    assert contradiction(changed, FOX_TARIFF) == (
        "number",
        "15 percent on aluminum",
        "10 percent on imported aluminum",
    )
    # Other units are other quantities; approximations are not exact counts.
    assert contradiction("Officials said 12 died in the blast.", "Officials said 15 fled.") is None
    assert contradiction("About 12 died in the blast.", "15 died in the blast.") is None
    assert contradiction("12 died in the blast.", "15 died in the blast.") == (
        "number",
        "12 died",
        "15 died",
    )


def test_near_times_are_the_same_deadline() -> None:
    assert contradiction(HUFFPOST_DEADLINE, BREITBART_DEADLINE) is None
    assert contradiction(HUFFPOST_DEADLINE, BREITBART_DEADLINE.replace("midnight", "6 a.m."))


def test_same_quote_given_to_two_speakers_is_a_name_contradiction() -> None:
    from storyline.story.compare import compare_story

    # ../shared/eval/comparison/newswcl50.jsonl event_6: HuffPost and Breitbart attribute the
    # same CBP statement to different officials.
    texts = {
        "HuffPost": (
            '"Depending upon port circumstances at the time of arrival, those individuals may '
            "need to wait in Mexico as CBP officers work to process those already within our "
            'facilities," CBP Commissioner Kevin McAleenan said in a statement.'
        ),
        "Breitbart": (
            '"Depending on port circumstances at the time of arrival, individuals may need to '
            "wait in Mexico as CBP officers work to process those already within our "
            'facilities," said Pete Flores, director of field operations for CBP in San Diego.'
        ),
    }
    articles = [Article(Article.make_id(o, t), o, o, t, (t,), outlet=o) for o, t in texts.items()]
    analyses = {a.id: x for a, x in zip(articles, analyze(articles), strict=True)}
    (found,) = compare_story(articles, analyses).contradictions
    assert (found.kind, {found.left_value, found.right_value}) == (
        "name",
        {"Kevin McAleenan", "Pete Flores"},
    )


def test_contradiction_on_polarity_and_quotes_excluded() -> None:
    left = "North Korea agreed to give up its nuclear weapons, Trump said."
    right = "North Korea refused to give up its nuclear weapons, Trump said."
    assert contradiction(left, right) == ("polarity", "agreed", "refused")
    # A negated antonym is agreement, and words inside quotes are the speaker's, not a fact.
    assert contradiction(left, "North Korea never refused to give up its weapons.") is None
    assert contradiction(left, "“They refused everything,” a critic said of North Korea.") is None


def test_subjectivity_ranks_opinion_over_report() -> None:
    report = ["The two sides then went into a closed-door meeting."]
    opinion = ["Trump has never been the master negotiator he’s played on TV, clearly."]
    assert subjectivity_of(opinion)[0] > subjectivity_of(report)[0]
    assert subjectivity_of([])[0] == 0.0


def test_single_outlet_story_has_no_unique_claims(
    seed_story: tuple[Story, dict[str, Article]],
) -> None:
    story, articles = seed_story
    quartz = [a for a in articles.values() if a.outlet == "Quartz"]
    analyses = {a.id: x for a, x in zip(quartz, analyze(quartz), strict=True)}
    alone = build_story("q", quartz, analyses, Settings()).comparison
    assert [t.outlet for t in alone.outlets] == ["Quartz"]
    assert alone.outlets[0].unique_claims == () and alone.agreed == () and not alone.statements


def test_claim_is_a_frozen_record() -> None:
    claim = Claim("a", "Quartz", 0, 0, 4, "text")
    with pytest.raises(AttributeError):
        claim.text = "other"  # type: ignore[misc]


def test_cli_compare_on_ingested_examples(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.app.cli import app

    runner = CliRunner()
    db = str(tmp_path / "s.db")
    assert runner.invoke(app, ["ingest", str(EXAMPLES), "--db", db]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["stories", "--db", db, "--format", "json"]).output)
    row = max(rows, key=lambda r: r["article_count"])
    result = runner.invoke(app, ["compare", row["id"], "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [o["name"] for o in data["outlets"]] == row["outlets"]
    shown = json.loads(runner.invoke(app, ["show", row["id"], "--db", db, "-f", "json"]).output)
    assert shown["comparison"] == data
    text = runner.invoke(app, ["compare", row["id"][:6], "--db", db]).output
    assert row["outlets"][0].upper() in text and "subjectivity" in text
