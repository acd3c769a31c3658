"""Contradiction checks on sentences of real coverage: numbers, days, times, polarity, sources.

Sentences are quoted from ../shared/eval/comparison/newswcl50.jsonl (event and outlet named
at each); where a test needs a disagreement the data does not have, one value of a real
sentence is changed and the test says so.
"""

from __future__ import annotations

from storyline.analyze import analyze
from storyline.records import Article
from storyline.story.compare import compare_story
from storyline.story.contradict import contradiction, quantities, sources

# event_9 (Netanyahu's Iran files): Breitbart and USA Today disagree on how many files.
BREITBART_FILES = (
    "Netanyahu used a televised address Monday to revealed that Israel had obtained hundreds "
    'of thousands of Iranian files from a "dilapidated" compound where the regime had allegedly '
    "hid its nuclear weapons research archive."
)
USA_TODAY_FILES = (
    "Tens of thousands of secret files and other evidence proves the 2015 nuclear deal is "
    '"based on lies and Iranian deception" and should be thrown out, Israeli Prime Minister '
    "Benjamin Netanyahu said Monday."
)
# event_6 (caravan at the border): three counts of the same group that do not disagree.
NYT_MIGRANTS = (
    "More than 150 migrants, part of a caravan that once numbered about 1,200 and headed north "
    "in March from Mexico's border with Guatemala, were prepared to seek asylum from United "
    "States immigration officials."
)
USA_TODAY_MIGRANTS = (
    "After traveling 2,500 miles through Mexico, about 200 migrants from Central America "
    "prepared to walk together as a group Sunday and present themselves to U.S. border officers "
    "at the San Ysidro port of entry near San Diego."
)
HUFFPOST_MIGRANTS = (
    "Between 150 and 200 Central American migrants plan to present asylum claims in the coming "
    "days, organizers said, while roughly another 150 have yet to decide whether to cross."
)
# event_8 (Mueller's questions): "almost" and "at least" four dozen meet at 48.
NYT_QUESTIONS = (
    "Robert S. Mueller III, the special counsel investigating Russia's election interference, "
    "has at least four dozen questions on an exhaustive array of subjects he wants to ask "
    "President Trump."
)
USA_TODAY_QUESTIONS = (
    "Special counsel Robert Mueller has given a list of almost four dozen questions to lawyers "
    "for President Trump as part of his investigation into Russian meddling in the 2016 election."
)
HUFFPOST_QUESTIONS = (
    "Special counsel Robert Mueller hopes to ask President Donald Trump dozens of open-ended "
    "questions as part of his inquiry into Russian meddling in the 2016 election."
)


def test_vague_counts_that_cannot_both_hold_contradict() -> None:
    kind, left, right = contradiction(BREITBART_FILES, USA_TODAY_FILES) or ("", "", "")
    assert kind == "number"
    assert left.startswith("hundreds of thousands") and right.startswith("Tens of thousands")


def test_approximate_and_bounded_counts_that_overlap_do_not() -> None:
    for a, b in (
        (NYT_MIGRANTS, USA_TODAY_MIGRANTS),  # more than 150 / about 200
        (NYT_MIGRANTS, HUFFPOST_MIGRANTS),  # more than 150 / between 150 and 200
        (USA_TODAY_MIGRANTS, HUFFPOST_MIGRANTS),  # about 200 / between 150 and 200
        (NYT_QUESTIONS, USA_TODAY_QUESTIONS),  # at least 48 / almost 48
        (NYT_QUESTIONS, HUFFPOST_QUESTIONS),  # at least 48 / dozens
    ):
        assert contradiction(a, b) is None, (a, b)
    # The same sentence with an exact count outside the other's range does contradict.
    assert contradiction(NYT_MIGRANTS, USA_TODAY_MIGRANTS.replace("about 200", "120")) == (
        "number",
        "More than 150 migrants",
        "120 migrants",
    )


def test_quantities_read_words_scales_and_qualifiers() -> None:
    (files,) = quantities(BREITBART_FILES)
    assert (files.low, files.high, files.unit) == (200_000, 1_000_000, frozenset({"file"}))
    (questions,) = quantities(NYT_QUESTIONS)
    assert questions.low == 48 and questions.high == float("inf")
    (bounded,) = quantities("no more than 20 people died")
    assert (bounded.low, bounded.high) == (0, 20)  # an upper bound, not "more than 20"
    # Years, clock times and "the two countries" are not counts of the event.
    assert quantities("The two countries met in 2018 at 3 p.m.") == []
    # Other money and other shares are other quantities.
    huffpost = "it will set its own duties on 2.8 billion euros of U.S. exports"
    fox = "China has said it would subject $50 billion of U.S. goods to tariffs"
    assert contradiction(huffpost, fox) is None


def test_numbers_from_two_named_sources_are_not_an_outlet_contradiction() -> None:
    # event_2, HuffPost; the second is the same sentence from another counter, with its count.
    cnn = (
        "In total, the country fired 23 missiles during 16 tests between February and December "
        "2017, according to a CNN count."
    )
    assert sources(cnn) == {"CNN"}
    other = cnn.replace("16 tests", "20 tests").replace("CNN", "Yonhap")
    assert contradiction(cnn, other) is None
    assert contradiction(cnn, cnn.replace("16 tests", "20 tests")) == (
        "number",
        "16 tests",
        "20 tests",
    )


def test_days_a_day_apart_or_of_a_statement_are_no_contradiction() -> None:
    # event_2: the same announcement, Friday evening in the US and Saturday morning in Korea.
    breitbart = (
        "Various reports in American and South Korean state media Friday evening indicated that "
        "North Korean dictator Kim Jong-un announced the halt of nuclear and missile tests in "
        "his country."
    )
    nyt = (
        "SEOUL, South Korea — North Korea's leader, Kim Jong-un, announced early Saturday that "
        "his country no longer needed to test nuclear weapons or long-range missiles and would "
        "close a nuclear test site."
    )
    assert contradiction(breitbart, nyt) is None
    # event_1: each outlet reports the day someone said something, not when the memos came out.
    usa_today = (
        "The chairmen of the three House committees that requested the documents from the "
        "Justice Department said late Thursday they were glad Comey's memos are finally being "
        "made public."
    )
    assert contradiction(usa_today, usa_today.replace("Thursday", "Monday")) is None
    # Two days apart on the event itself is a disagreement.
    assert contradiction(breitbart, breitbart.replace("Friday", "Wednesday")) == (
        "date",
        "Friday",
        "Wednesday",
    )


def test_calendar_dates_compare_within_a_month() -> None:
    # event_5, USA Today and HuffPost agree on July 13.
    usa_today = (
        "WASHINGTON — President Trump will travel to the United Kingdom on July 13 for a working "
        "visit with British Prime Minister Theresa May."
    )
    huffpost = (
        "The US President had been warned by London's mayor, Sadiq Khan, that he should expect "
        'to see demonstrators during his "working visit" to the UK on July 13.'
    )
    assert contradiction(usa_today, huffpost) is None
    assert contradiction(usa_today, huffpost.replace("July 13", "July 20")) == (
        "date",
        "July 13",
        "July 20",
    )


def test_polarity_by_negation_but_not_in_a_supposed_clause() -> None:
    # event_5, USA Today; the other side is the same sentence negated.
    usa_today = (
        "Because Trump's visit will not be a state one, it means he is unlikely to meet Queen "
        "Elizabeth II."
    )
    flipped = "Because Trump's visit will be a state one, it means he is likely to meet the Queen."
    assert contradiction(usa_today, flipped) == ("polarity", "will not be", "will be")
    # event_0: Fox reports a question asked, USA Today what aides said: no contradiction.
    fox = "The president did not answer shouted questions about whether he has spoken with Kim."
    usa = "Aides said Trump himself has not spoken with Kim."
    assert contradiction(fox, usa) is None


def test_contradiction_found_between_outlets_in_a_story() -> None:
    """The event_9 pair, aligned by a shared name and counted thing, is reported once."""
    texts = {"Breitbart": BREITBART_FILES, "USA Today": USA_TODAY_FILES}
    articles = [Article(Article.make_id(o, t), o, o, t, (t,), outlet=o) for o, t in texts.items()]
    analyses = {a.id: x for a, x in zip(articles, analyze(articles), strict=True)}
    (found,) = compare_story(articles, analyses).contradictions
    assert found.kind == "number"
    assert {found.left.outlet, found.right.outlet} == {"Breitbart", "USA Today"}
