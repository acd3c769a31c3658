"""Canonical entities and merged quotes across a story's articles."""

from __future__ import annotations

from storyline.records import Analysis, Article, Mention, Quote, Sentence
from storyline.story import canonical_entities, merge_quotes


def _article(aid: str, text: str) -> Article:
    return Article(id=aid, source=aid, title=aid, text=text, paragraphs=(text,))


def _mentions(text: str, spans: list[tuple[str, str]]) -> tuple[Mention, ...]:
    found, cursor = [], 0
    for surface, label in spans:
        start = text.index(surface, cursor)
        found.append(Mention(start, start + len(surface), surface, label))
        cursor = start + len(surface)
    return tuple(found)


def test_short_forms_titles_possessives_and_mislabels_join_the_full_name() -> None:
    # Real shapes from wire copy: spaCy tags a bare "Merkel" as ORG now and then.
    a = _article("a", "Chancellor Angela Merkel met Macron. Merkel’s aides said Berlin agreed.")
    b = _article("b", "President Emmanuel Macron said Merkel had been frank in Berlin.")
    analyses = {
        "a": Analysis(
            "a",
            (),
            _mentions(
                a.text,
                [
                    ("Angela Merkel", "PERSON"),
                    ("Macron", "PERSON"),
                    ("Merkel’s", "ORG"),
                    ("Berlin", "GPE"),
                ],
            ),
            (),
        ),
        "b": Analysis(
            "b",
            (),
            _mentions(
                b.text, [("Emmanuel Macron", "PERSON"), ("Merkel", "PERSON"), ("Berlin", "GPE")]
            ),
            (),
        ),
    }
    entities, aliases = canonical_entities([a, b], analyses)
    by_name = {e.name: e for e in entities}
    assert set(by_name) == {"Angela Merkel", "Emmanuel Macron", "Berlin"}
    assert len(by_name["Angela Merkel"].mentions) == 3
    assert by_name["Angela Merkel"].type == "person"
    assert by_name["Berlin"].type == "place"
    assert aliases["macron"] == "Emmanuel Macron"


def test_acronyms_join_their_spelled_out_name_and_roles_are_collected() -> None:
    text = (
        "Officials at the United Nations said on Monday that UN inspectors had left. "
        "Stephane Dujarric, a spokesman for the secretary-general, said so."
    )
    a = _article("a", text)
    analyses = {
        "a": Analysis(
            "a",
            (),
            _mentions(
                text,
                [("the United Nations", "ORG"), ("UN", "ORG"), ("Stephane Dujarric", "PERSON")],
            ),
            (),
        )
    }
    entities, _ = canonical_entities([a], analyses)
    by_name = {e.name: e for e in entities}
    assert "United Nations" in by_name and by_name["United Nations"].aliases == ("UN",)
    assert by_name["Stephane Dujarric"].roles == ("a spokesman for the secretary-general",)


def test_same_quote_trimmed_by_another_outlet_is_merged_with_both_wordings() -> None:
    a = _article("a", "x")
    b = _article("b", "y")
    long_q = Quote(
        "a",
        "We had some options, and sometimes you have to walk away.",
        0,
        10,
        speaker="Trump",
        speaker_name="Trump",
    )
    short_q = Quote(
        "b",
        "sometimes you have to walk away",
        5,
        20,
        speaker="the president",
        speaker_name="Donald Trump",
    )
    other = Quote("b", "This was very friendly", 30, 40, speaker=None, speaker_name=None)
    merged = merge_quotes(
        [a, b],
        {"a": Analysis("a", (), (), (long_q,)), "b": Analysis("b", (), (), (short_q, other))},
        {"trump": "Donald Trump", "donald trump": "Donald Trump"},
    )
    assert len(merged) == 2
    top = merged[0]
    assert top.article_ids == ("a", "b")
    assert top.speaker == "Donald Trump"
    assert {v.text for v in top.versions} == {long_q.text, short_q.text}
    assert merged[1].speaker is None


def _sentences(aid: str, text: str) -> tuple[Sentence, ...]:
    """Sentences split at ". " (enough for these hand-written bodies)."""
    found: list[Sentence] = []
    start = 0
    for part in text.split(". "):
        found.append(Sentence(aid, len(found), start, start + len(part), part))
        start += len(part) + 2
    return tuple(found)


def test_descriptions_join_the_person_they_refer_to_and_outlets_are_counted() -> None:
    # Shapes from the two seed articles (examples/hanoi-summit/): "the North Korean leader"
    # right after both men are named; "the president" for the subject.
    a = Article(
        id="a",
        source="a",
        title="a",
        outlet="Quartz",
        text=(
            "Donald Trump met Kim Jong Un in Hanoi. The North Korean leader smiled for the "
            "cameras. Trump left early. Later the president flew home."
        ),
        paragraphs=(),
    )
    b = Article(
        id="b",
        source="b",
        title="b",
        outlet="Vanity Fair",
        text="Trump said the talks failed. Kim stayed in Hanoi.",
        paragraphs=(),
    )
    analyses = {
        "a": Analysis(
            "a",
            _sentences("a", a.text),
            _mentions(
                a.text,
                [
                    ("Donald Trump", "PERSON"),
                    ("Kim Jong Un", "PERSON"),
                    ("Hanoi", "GPE"),
                    ("Trump", "PERSON"),
                ],
            ),
            (),
        ),
        "b": Analysis(
            "b",
            _sentences("b", b.text),
            _mentions(b.text, [("Trump", "PERSON"), ("Kim", "PERSON"), ("Hanoi", "GPE")]),
            (),
        ),
    }
    entities, _ = canonical_entities([a, b], analyses)
    by_name = {e.name: e for e in entities}
    trump, kim = by_name["Donald Trump"], by_name["Kim Jong Un"]
    assert "the president" in trump.aliases and "the North Korean leader" in kim.aliases
    assert "The North Korean leader" in {m.text for m in kim.mentions}
    assert trump.outlet_counts == (("Quartz", 3), ("Vanity Fair", 1))
    assert dict(by_name["Hanoi"].outlet_counts) == {"Quartz": 1, "Vanity Fair": 1}


def test_description_with_no_person_before_it_stays_unresolved() -> None:
    text = "The president spoke first. Then Donald Trump arrived."
    a = Article(id="a", source="a", title="a", text=text, paragraphs=())
    analyses = {
        "a": Analysis("a", _sentences("a", text), _mentions(text, [("Donald Trump", "PERSON")]), ())
    }
    entities, _ = canonical_entities([a], analyses)
    assert entities[0].aliases == () and len(entities[0].mentions) == 1
    assert entities[0].outlet_counts == ()  # the outlet is unknown: not counted, not guessed


def test_a_description_never_refers_to_the_person_its_sentence_opens_with() -> None:
    # The shape of the Vanity Fair seed's "The president, meanwhile, continued to praise the
    # North Korean dictator", where the nearest name before the description is the president's.
    text = (
        "Angela Merkel flew to Paris on Monday. "
        "Emmanuel Macron, meanwhile, praised the German chancellor."
    )
    a = _article("a", text)
    people = [("Angela Merkel", "PERSON"), ("Emmanuel Macron", "PERSON")]
    analyses = {"a": Analysis("a", _sentences("a", text), _mentions(text, people), ())}
    entities, _ = canonical_entities([a], analyses)
    by_name = {e.name: e for e in entities}
    assert "the German chancellor" in by_name["Angela Merkel"].aliases
    assert "the German chancellor" not in by_name["Emmanuel Macron"].aliases


def test_seed_descriptions_go_to_the_right_leader() -> None:
    from conftest import seed_articles

    articles, analyses = seed_articles()
    entities, _ = canonical_entities(articles, analyses)
    by_name = {e.name: e for e in entities}
    assert "the North Korean dictator" in by_name["Kim Jong Un"].aliases
    assert not {"the dictator", "the North Korean dictator"} & set(by_name["Donald Trump"].aliases)
