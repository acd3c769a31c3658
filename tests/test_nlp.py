"""The selective NER pass: known names string-matched, new ones sent to the NER, same quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.analyze import nlp
from storyline.analyze.nlp import sentences_and_mentions
from storyline.errors import ConfigError
from storyline.records import Article, Mention

TEXT = (
    "Donald Trump met Kim Jong Un in Hanoi on Wednesday.\n"
    "The talks were cut short.\n"
    "Trump said the summit had been productive, and Kim smiled.\n"
    "Jean H. Lee, a Korea expert at the Wilson Center, was not surprised.\n"
)


def _article(text: str, aid: str = "t") -> Article:
    return Article(id=aid, source="test", title="", text=text, paragraphs=())


def _spans(article: Article, mode: str) -> set[tuple[int, int, str]]:
    [(_, mentions)] = sentences_and_mentions([article], ner=mode)
    return {(m.start, m.end, m.label) for m in mentions}


def test_later_mentions_of_found_names_are_matched_with_the_ner_label(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    article = _article(TEXT)
    seen: list[str] = []
    original = nlp._Names.learn

    def learn(
        self: nlp._Names,
        text: str,
        sentence: nlp._Sentence,
        window: tuple[int, int],
        mentions: list[Mention],
    ) -> None:
        seen.append(text[window[0] : window[1]])
        original(self, text, sentence, window, mentions)

    monkeypatch.setattr(nlp._Names, "learn", learn)
    [(sentences, mentions)] = sentences_and_mentions([article])
    by_text = {(m.text, m.label) for m in mentions}
    assert {("Donald Trump", "PERSON"), ("Trump", "PERSON"), ("Hanoi", "GPE")} <= by_text
    assert ("Jean H. Lee", "PERSON") in by_text and ("Kim", "PERSON") in by_text
    # the lead goes to the NER whole; "Trump said ..., and Kim smiled" only for the new "Kim",
    # and the sentence of known names and common words not at all
    assert seen[:2] == [s.text for s in sentences[:2]]
    assert not any("Trump said" in part for part in seen)
    assert any("Kim smiled" in part for part in seen)
    # the sentences are the senter's whatever the NER sees
    assert [s.text for s in sentences] == [
        s.text for s in sentences_and_mentions([article], ner="full")[0][0]
    ]


def test_unknown_ner_mode_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        sentences_and_mentions([_article(TEXT)], ner="fast")


def test_selective_mentions_agree_with_ner_everywhere(eval_data: Path) -> None:
    # Tuned on polnear_dev (context, lead); checked here on the first train articles.
    lines = (eval_data / "quotes" / "polnear_train.jsonl").read_text(encoding="utf-8")
    articles = [
        _article(json.loads(line)["text"], str(i)) for i, line in enumerate(lines.splitlines()[:12])
    ]
    full = {(a.id, *m[:2]) for a in articles for m in _spans(a, "full")}
    selective = {(a.id, *m[:2]) for a in articles for m in _spans(a, "selective")}
    shared = len(full & selective)
    assert shared / len(selective) >= 0.9 and shared / len(full) >= 0.9
