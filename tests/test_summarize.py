"""Tests for the extractive, cited story summary (seed articles and the MultiLing quality gate)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import pytest

from conftest import QUARTZ_SEED, VANITY_FAIR_SEED
from storyline.analyze.nlp import sentences_and_mentions
from storyline.records import Analysis, Article, Claim, ClaimGroup, Quote, SummarySentence
from storyline.story.summarize import summarize

# Openings that need an antecedent, written out here independently of the module's lexicon
# (an opening quotation mark is speech; the quote tests cover it).
DANGLING = re.compile(
    r"^(He|She|They|It|This|That|These|Those|But|And|However|Meanwhile|Indeed|Still|"
    r"Also|Then|Thereafter|We)\b"
)


def body_paragraphs(raw: str) -> tuple[str, ...]:
    """Body paragraphs of a raw seed: skip the headline/caption block and the promo tail."""
    paragraphs: list[str] = []
    for block in (b.strip() for b in raw.split("\n\n")):
        if block.startswith("More Great Stories"):
            break
        # Captions and credits come as multi-line blocks; headlines as short lines before the body.
        if not block or "\n" in block or (not paragraphs and len(block.split()) < 12):
            continue
        paragraphs.append(block)
    return tuple(paragraphs)


def make_article(source: str, paragraphs: Sequence[str], published: str | None) -> Article:
    """An Article whose body is the given paragraphs, one a line."""
    text = "\n".join(paragraphs)
    return Article(
        Article.make_id(source, text), source, source, text, tuple(paragraphs), published=published
    )


def analyse(articles: Sequence[Article]) -> dict[str, Analysis]:
    """Sentences and entity mentions from spaCy; no quotes (tests add them by hand)."""
    results = sentences_and_mentions(articles)
    return {a.id: Analysis(a.id, s, m, ()) for a, (s, m) in zip(articles, results, strict=True)}


@pytest.fixture(scope="module")
def seeds() -> tuple[list[Article], dict[str, Analysis]]:
    """The Quartz and Vanity Fair seeds as Articles (Quartz published first) with analyses."""
    quartz = make_article(
        "quartz", body_paragraphs(QUARTZ_SEED.read_text(encoding="utf-8")), "2019-02-28T07:30Z"
    )
    vanity = make_article(
        "vanityfair",
        body_paragraphs(VANITY_FAIR_SEED.read_text(encoding="utf-8")),
        "2019-02-28T10:00:00-05:00",
    )
    articles = [vanity, quartz]  # deliberately not in publication order
    return articles, analyse(articles)


def words(summary: Sequence[SummarySentence]) -> int:
    """Whitespace tokens in a summary."""
    return sum(len(s.text.split()) for s in summary)


@pytest.mark.parametrize("budget", [40, 80, 120, 250])
def test_summary_stays_within_budget(
    seeds: tuple[list[Article], dict[str, Analysis]], budget: int
) -> None:
    articles, analyses = seeds
    summary = summarize(articles, analyses, words=budget)
    assert summary
    assert words(summary) <= budget


def test_tiny_budget_still_returns_one_sentence(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    assert len(summarize(articles, analyses, words=3)) == 1


def test_empty_story() -> None:
    assert summarize([], {}) == ()


def test_first_citation_is_the_exact_source_sentence(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    by_id = {a.id: a for a in articles}
    for sentence in summarize(articles, analyses, words=250):
        origin = sentence.citations[0]
        assert by_id[origin.article_id].text[origin.start : origin.end] == sentence.text
        for cite in sentence.citations:
            cited = analyses[cite.article_id].sentences[cite.sentence_index]
            assert (cited.start, cited.end) == (cite.start, cite.end)


def test_shared_fact_cites_both_outlets(seeds: tuple[list[Article], dict[str, Analysis]]) -> None:
    articles, analyses = seeds
    summary = summarize(articles, analyses)
    walk = [s for s in summary if "Sometimes you have to walk" in s.text]
    assert walk, [s.text for s in summary]
    assert {c.article_id for c in walk[0].citations} == {a.id for a in articles}


def test_same_names_different_event_is_not_cited_but_the_paraphrase_is(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    # Quartz's lead (the second summit ended) shares Trump/Kim/summit with Vanity Fair's lead
    # (the first summit went well): same people, different claim, so that is no citation.
    # Vanity Fair states the same fact in other words ("an abrupt end to the discussions"):
    # that one is.
    articles, analyses = seeds
    vanity = articles[0]
    summary = summarize(articles, analyses)
    lead = next(s for s in summary if s.text.startswith("The second summit between"))
    cited = {c.article_id: c for c in lead.citations}
    assert set(cited) == {a.id for a in articles}
    other = cited[vanity.id]
    assert other.sentence_index != 0
    assert "abrupt end to the discussions" in vanity.text[other.start : other.end]


def test_seed_summary_cites_both_outlets_where_both_report(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    summary = summarize(articles, analyses, words=250)
    both = [s.text for s in summary if len({c.article_id for c in s.citations}) == 2]
    # The summit ending without a deal, the walk-out quote, the criticism of the first summit.
    assert any("ended abruptly" in t for t in both), both
    assert any("Sometimes you have to walk" in t for t in both), both
    assert len(both) >= 3, both


def test_citation_threshold_controls_support(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    loose = summarize(articles, analyses, citation_threshold=0.0)
    strict = summarize(articles, analyses, citation_threshold=1.01)
    assert all(len(s.citations) == 2 for s in loose)
    assert all(len(s.citations) == 1 for s in strict)


def test_real_paraphrase_is_cited_and_unrelated_sentence_is_not() -> None:
    vanity = make_article(
        "vf",
        [
            "“Sometimes you have to walk,” Trump told reporters.",
        ],
        None,
    )
    quartz = make_article(
        "qz",
        [
            "The US intelligence community and top military commanders expressed doubts ahead "
            "of the summit that North Korea would ever agree to give up its nuclear weapons.",
            "“We decided not to do any of those options,” said Trump. "
            "“Sometimes you have to walk.”",
        ],
        None,
    )
    articles = [vanity, quartz]
    analyses = analyse(articles)
    (sentence,) = summarize(articles, analyses, words=15)
    assert sentence.text.startswith("“Sometimes you have to walk,”")
    cited = [analyses[c.article_id].sentences[c.sentence_index].text for c in sentence.citations]
    assert cited[1] == "“Sometimes you have to walk.”"
    assert not any("intelligence community" in text for text in cited)


def test_claims_the_comparison_aligned_cite_each_other(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    # The seeds' sanctions sticking point, in words that share almost nothing: with only
    # those two sentences in the story, the one chosen cites the other outlet's only when the
    # comparison aligned the two (a ClaimGroup), never by word overlap.
    articles, analyses = seeds
    vanity, quartz = articles
    sentence = {
        a.id: next(s for s in analyses[a.id].sentences if "sanctions" in s.text)
        for a in (vanity, quartz)
    }
    claims = tuple(
        Claim(
            a.id,
            a.source,
            sentence[a.id].index,
            sentence[a.id].start,
            sentence[a.id].end,
            sentence[a.id].text,
        )
        for a in (quartz, vanity)
    )
    only = {a.id: replace(analyses[a.id], sentences=(sentence[a.id],)) for a in articles}
    plain = summarize([quartz, vanity], only, words=40)
    grouped = summarize(
        [quartz, vanity],
        only,
        words=40,
        agreed=[ClaimGroup(claims, ("quartz", "vanityfair"), "all")],
    )
    assert plain and all(len(s.citations) == 1 for s in plain)
    assert [s.text for s in grouped] == [s.text for s in plain]
    assert all({c.article_id for c in s.citations} == {quartz.id, vanity.id} for s in grouped)


def test_no_dangling_opening_without_its_predecessor(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    for budget in (60, 120, 250, 400):
        summary = summarize(articles, analyses, words=budget)
        picked = {(s.citations[0].article_id, s.citations[0].sentence_index) for s in summary}
        for s in summary:
            origin = s.citations[0]
            if DANGLING.match(s.text):
                assert (origin.article_id, origin.sentence_index - 1) in picked, s.text


def test_opinionated_sentences_are_not_selected(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    for budget in (120, 400):
        text = " ".join(s.text for s in summarize(articles, analyses, words=budget))
        for marker in ("Nobel Peace Prize, please", "glad-handing", "bluster", "master negotiator"):
            assert marker not in text, (budget, marker)


def test_reading_order_follows_publication_time(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    vanity, quartz = articles
    summary = summarize(articles, analyses, words=250)
    origins = [s.citations[0].article_id for s in summary]
    assert set(origins) == {vanity.id, quartz.id}
    assert origins == sorted(origins, key=lambda a: a != quartz.id)  # Quartz (earlier) first
    starts = [s.citations[0].start for s in summary if s.citations[0].article_id == quartz.id]
    assert starts == sorted(starts)
    assert summarize(articles, analyses, words=250) == summary  # deterministic


def test_quote_without_its_speaker_is_not_selected_alone(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    quartz = articles[1]
    first = analyses[quartz.id].sentences[0]
    assert summarize(articles, analyses)[0].text == first.text
    # The same sentence marked as a direct quote with no known speaker: it has no sentence
    # before it to carry the speaker, so it must not be used.
    unknown = Quote(quartz.id, first.text, first.start, first.end, speaker=None)
    with_quote = dict(analyses)
    with_quote[quartz.id] = replace(analyses[quartz.id], quotes=(unknown,))
    assert all(s.text != first.text for s in summarize(articles, with_quote, words=250))


def test_quote_needs_the_sentence_naming_its_speaker(
    seeds: tuple[list[Article], dict[str, Analysis]],
) -> None:
    articles, analyses = seeds
    vanity = articles[0]
    sentences = analyses[vanity.id].sentences
    asked = next(s for s in sentences if s.text.startswith("“Did these two leaders"))
    said = next(s for s in sentences if "Jean H. Lee" in s.text)
    speaker_start = vanity.text.index("Jean H. Lee")
    quote = Quote(
        vanity.id,
        asked.text,
        asked.start,
        asked.end,
        speaker="Jean H. Lee",
        speaker_start=speaker_start,
        speaker_end=speaker_start + len("Jean H. Lee"),
    )
    with_quote = dict(analyses)
    with_quote[vanity.id] = replace(analyses[vanity.id], quotes=(quote,))
    for budget in (120, 250, 400, 800):
        texts = [s.text for s in summarize(articles, with_quote, words=budget)]
        if asked.text in texts:
            assert said.text in texts


def test_early_pronoun_and_caption_are_not_used_alone() -> None:
    # Written for this test: "it" in "Now it wants..." points back; the caption has no verb
    # and no full stop.
    story = make_article(
        "city",
        [
            "Ambulances outside the central station after the blast",
            "A gas explosion damaged the central station of the city on Monday morning.",
            "The city council had paid for a new ventilation system last year.",
            "Now it wants its money back from the contractor that installed the system.",
        ],
        None,
    )
    analyses = analyse([story])
    for budget in (12, 25):
        texts = [s.text for s in summarize([story], analyses, words=budget)]
        assert not any(t.startswith("Ambulances") for t in texts), texts
        if any(t.startswith("Now it wants") for t in texts):
            assert any(t.startswith("The city council") for t in texts), texts


def test_quote_with_pronoun_speaker_needs_the_sentence_before() -> None:
    story = make_article(
        "storm",
        [
            "Forecaster Ana Ruiz warned residents of the coast about the storm on Tuesday.",
            "“Leave before the roads close tonight,” she told a news conference in the port.",
        ],
        None,
    )
    analyses = analyse([story])
    quote_text = "Leave before the roads close tonight,"
    start = story.text.index(quote_text)
    she = story.text.index("she told")
    quote = Quote(
        story.id,
        quote_text,
        start,
        start + len(quote_text),
        speaker="she",
        speaker_name="Ana Ruiz",
        speaker_start=she,
        speaker_end=she + 3,
    )
    analyses[story.id] = replace(analyses[story.id], quotes=(quote,))
    texts = [s.text for s in summarize([story], analyses, words=15)]
    assert texts and not texts[0].startswith("“Leave"), texts


def test_sentence_is_taken_with_short_context_it_needs() -> None:
    # Written for this test: the injury count sits in a sentence opening with "She", whose
    # antecedent is a sentence too short to be picked on its own.
    story = make_article(
        "spill",
        [
            "The port authority closed the harbour on Friday after a chemical spill.",
            "Mayor Ruiz spoke next.",
            "She said chlorine gas from a damaged tanker had injured twelve dock workers.",
        ],
        None,
    )
    analyses = analyse([story])
    texts = [s.text for s in summarize([story], analyses, words=40)]
    assert texts[-1].startswith("She said chlorine"), texts
    assert texts[-2] == "Mayor Ruiz spoke next."
    # The short sentence is context only: never a summary sentence of its own.
    assert "Mayor Ruiz spoke next." not in [s.text for s in summarize([story], analyses, words=5)]


@pytest.mark.parametrize("budget", [40, 120, 250])
def test_fill_runs_on_to_the_budget_after_the_unchanged_summary(
    seeds: tuple[list[Article], dict[str, Analysis]], budget: int
) -> None:
    articles, analyses = seeds
    plain = summarize(articles, analyses, words=budget)
    filled = summarize(articles, analyses, words=budget, fill=True)
    # The whole-sentence summary comes first, in its reading order; the rest is appended.
    assert filled[: len(plain)] == plain
    extra = filled[len(plain) :]
    assert words(filled) >= budget and words(filled[:-1]) < budget
    picked = {(s.citations[0].article_id, s.citations[0].sentence_index) for s in filled}
    assert len(picked) == len(filled)  # no sentence twice
    for s in extra:
        assert s.citations and not DANGLING.match(s.text), s.text
        for marker in ("Nobel Peace Prize, please", "glad-handing", "bluster"):
            assert marker not in s.text
