"""Tests for the optional abstractive summary, against a fake chat server on loopback."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest

from storyline.analyze import analyze
from storyline.errors import ServiceError
from storyline.records import Analysis, Article, Sentence
from storyline.settings import Settings
from storyline.story.abstractive import abstractive_summary, check

UNSUPPORTED = "Kim agreed to give up every nuclear weapon by 2020."


def article(name: str, paragraphs: list[str], published: str) -> Article:
    """An Article whose body is the given paragraphs, one a line."""
    text = "\n".join(paragraphs)
    return Article(
        Article.make_id(name, text), name, name, text, tuple(paragraphs), published=published
    )


@pytest.fixture(scope="module")
def story() -> tuple[list[Article], dict[str, Analysis]]:
    """Two short reports of the same summit (written for this test)."""
    articles = [
        article(
            "wire",
            [
                "The summit between the two leaders in Hanoi ended early on Thursday without "
                "an agreement.",
                "The American side said North Korea had asked for all sanctions to be lifted "
                "at once.",
            ],
            "2019-02-28",
        ),
        article(
            "paper",
            [
                "Talks in Hanoi between the two leaders ended early on Thursday with no "
                "agreement signed.",
                "A planned lunch between the delegations was cancelled before it began.",
            ],
            "2019-02-28",
        ),
    ]
    return articles, {a.id: r for a, r in zip(articles, analyze(articles), strict=True)}


class FakeChat(BaseHTTPRequestHandler):
    """Answers /v1/chat/completions from the numbered sources in the prompt."""

    requests: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.requests.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
        )
        prompt = body["messages"][0]["content"]
        sources = dict(re.findall(r"^\[(\d+)\] (.*)$", prompt, re.MULTILINE))
        hanoi = next(k for k, text in sources.items() if "Hanoi" in text)
        others = [k for k in sources if sources[k] != sources[hanoi] and "Hanoi" in sources[k]]
        marks = "".join(f"[{k}]" for k in [hanoi, *others])
        answer = (
            f"The Hanoi summit between the two leaders ended early on Thursday without an "
            f"agreement. {marks} {UNSUPPORTED} [{hanoi}] The mood was tense."
        )
        payload = json.dumps({"choices": [{"message": {"content": answer}}]}).encode()
        self.send_response(FakeChat.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the test output quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    """A fake chat server on 127.0.0.1 (a free port); yields its base URL."""
    FakeChat.requests = []
    FakeChat.status = 200
    httpd = HTTPServer(("127.0.0.1", 0), FakeChat)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def test_off_by_default_means_no_call(story: tuple[list[Article], dict[str, Analysis]]) -> None:
    articles, analyses = story
    assert Settings().abstractive_url == ""
    assert abstractive_summary(articles, analyses, Settings()) is None


def test_supported_sentences_kept_unsupported_dropped_and_reported(
    story: tuple[list[Article], dict[str, Analysis]], server: str
) -> None:
    articles, analyses = story
    settings = Settings().replace(
        abstractive_url=server, abstractive_model="tiny", abstractive_key="k3y"
    )
    result = abstractive_summary(articles, analyses, settings, words=60)
    assert result is not None
    (request,) = FakeChat.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer k3y"
    assert request["body"]["model"] == "tiny"
    assert [s.text for s in result.sentences] == [
        "The Hanoi summit between the two leaders ended early on Thursday without an agreement."
    ]
    # Both reports state the fact, and the model cited both: both articles are cited.
    assert {c.article_id for c in result.sentences[0].citations} == {a.id for a in articles}
    by_id = {a.id: a for a in articles}
    for cite in result.sentences[0].citations:
        assert "Hanoi" in by_id[cite.article_id].text[cite.start : cite.end]
    dropped = {d.text: d.reason for d in result.dropped}
    assert set(dropped) == {UNSUPPORTED, "The mood was tense."}
    assert "2020" in dropped[UNSUPPORTED]
    assert dropped["The mood was tense."] == "cites no source sentence"


def test_server_error_is_a_service_error(
    story: tuple[list[Article], dict[str, Analysis]], server: str
) -> None:
    articles, analyses = story
    FakeChat.status = 500
    with pytest.raises(ServiceError, match="HTTP 500"):
        abstractive_summary(articles, analyses, Settings().replace(abstractive_url=server))


def test_check_drops_words_its_sources_do_not_contain() -> None:
    source = Sentence("a", 0, 0, 48, "Floods closed the main road into the city today.")
    result = check(
        "Floods closed the main road into the city. [1] "
        "Rescuers evacuated thousands of residents by helicopter overnight. [1] "
        "A bridge also fell. [7]",
        [source],
    )
    assert [s.text for s in result.sentences] == ["Floods closed the main road into the city."]
    assert [d.reason for d in result.dropped][0].startswith("only ")
    assert result.dropped[1].reason == "cites no source sentence"
