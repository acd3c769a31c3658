"""`storyline show --abstractive` end to end: seeds in a store, a fake chat server on loopback."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import EXAMPLES
from storyline.app.cli import app
from storyline.store import open_store
from webfixtures import build_store

runner = CliRunner()
INVENTED = "Kim agreed to give up every nuclear weapon by 2020."
UNCITED = "The mood was tense."


class FakeChat(BaseHTTPRequestHandler):
    """Answers with source [1] restated, an invented claim citing [1], and an uncited one."""

    requests: list[dict[str, Any]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.requests.append({"path": self.path, "body": body})
        prompt = body["messages"][0]["content"]
        sources = dict(re.findall(r"^\[(\d+)\] (.*)$", prompt, re.MULTILINE))
        answer = f"{sources['1']} [1] {INVENTED} [1] {UNCITED}"
        payload = json.dumps({"choices": [{"message": {"content": answer}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the test output quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    """The fake chat server on 127.0.0.1 (a free port); yields its base URL."""
    FakeChat.requests = []
    httpd = HTTPServer(("127.0.0.1", 0), FakeChat)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A store holding the two seed articles, and the id of their story."""
    db = build_store(str(tmp_path_factory.mktemp("abstractive") / "seeds.db"), (EXAMPLES,))
    with open_store(db) as store:
        (row,) = store.stories(10, 0)
    return db, row.id


def _show(db: str, story: str, url: str, *args: str) -> tuple[int, str, str]:
    env = {"STORYLINE_ABSTRACTIVE_URL": url, "STORYLINE_ABSTRACTIVE_MODEL": "tiny"}
    result = runner.invoke(app, ["show", story, "--db", db, *args], env=env)
    return result.exit_code, result.stdout, result.stderr


def test_json_keeps_supported_sentences_and_reports_dropped(
    seeded: tuple[str, str], server: str
) -> None:
    db, story = seeded
    code, out, err = _show(db, story, server, "--abstractive", "-f", "json")
    assert code == 0, err
    (request,) = FakeChat.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["body"]["model"] == "tiny"
    data = json.loads(out)
    restated = re.search(r"^\[1\] (.*)$", request["body"]["messages"][0]["content"], re.M)
    assert restated is not None
    (kept,) = data["abstractive"]["summary"]
    assert kept["text"] == restated.group(1)
    # The citation points at the source sentence the model relied on, in a seed article.
    (cite,) = kept["citations"]
    assert cite["article_id"] in {a["id"] for a in data["articles"]}
    with open_store(db) as store:
        source = store.article(cite["article_id"]).text[cite["start"] : cite["end"]]
    assert source == kept["text"]
    dropped = {d["text"]: d["reason"] for d in data["abstractive"]["dropped"]}
    assert set(dropped) == {INVENTED, UNCITED}
    assert "2020" in dropped[INVENTED]
    assert dropped[UNCITED] == "cites no source sentence"
    # The extractive summary is still there, unchanged in shape.
    assert data["summary"] and all(s["citations"] for s in data["summary"])


def test_text_output_lists_dropped_sentences_with_reasons(
    seeded: tuple[str, str], server: str
) -> None:
    db, story = seeded
    code, out, err = _show(db, story, server, "--abstractive")
    assert code == 0, err
    assert "Abstractive summary" in out
    section = out.split("Dropped as unsupported (2)")[1]
    assert f"{INVENTED} (numbers not in its sources: 2020)" in section
    assert f"{UNCITED} (cites no source sentence)" in section


def test_without_the_flag_nothing_is_sent(seeded: tuple[str, str], server: str) -> None:
    db, story = seeded
    code, out, _ = _show(db, story, server, "-f", "json")
    assert code == 0
    assert "abstractive" not in json.loads(out)
    assert FakeChat.requests == []


def test_flag_without_endpoint_is_an_error_and_sends_nothing(
    seeded: tuple[str, str], server: str
) -> None:
    db, story = seeded
    code, _, err = _show(db, story, "", "--abstractive")
    assert code == 1
    assert "abstractive_url" in err
    assert FakeChat.requests == []


def test_endpoint_failure_is_reported(seeded: tuple[str, str], tmp_path: Path) -> None:
    db, story = seeded
    # A loopback port nothing listens on: bind one, note it, close it.
    probe = HTTPServer(("127.0.0.1", 0), FakeChat)
    port = probe.server_address[1]
    probe.server_close()
    code, _, err = _show(db, story, f"http://127.0.0.1:{port}/v1", "--abstractive")
    assert code == 1
    assert "unreachable" in err
