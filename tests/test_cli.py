"""The `storyline` command end to end on the bundled seeds and real-looking bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from conftest import EXAMPLES, FIXTURES
from storyline.app.cli import app

runner = CliRunner()
BOILERPLATE = [
    "Leaving so soon?",
    "Image: Reuters/Athit Perawongmetha",
    "We may earn a commission from links on this page.",
    "Walking away now.",
    "Image: Andrew Harnik/Pool via Reuters",
    "Image may contain",
    "By Evan Vucci/AP/REX/Shutterstock.",
    "More Great Stories from Vanity Fair",
    "Inside the chilling final months at Theranos",
    "Look at these Oscar party photos!",
    "Looking for more?",
    "Sign up for our daily Hive newsletter",
]


def _invoke(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding the two seed articles, ingested once for the module."""
    db = tmp_path_factory.mktemp("seeded") / "s.db"
    code, out, err = _invoke("ingest", str(EXAMPLES), "--db", str(db), "--quiet")
    assert code == 0, err
    assert "2 new, 0 already stored, 0 failed; 1 stories updated" in out
    return db


def _story(db: Path) -> dict[str, object]:
    code, out, _ = _invoke("stories", "--db", str(db), "--format", "json")
    assert code == 0
    stories = json.loads(out)
    assert len(stories) == 1
    code, out, _ = _invoke("show", stories[0]["id"][:6], "--db", str(db), "--format", "json")
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def test_seeds_become_one_story_with_both_headlines_and_outlets(seeded: Path) -> None:
    story = _story(seeded)
    articles = {a["title"]: a for a in story["articles"]}  # type: ignore[attr-defined]
    assert set(articles) == {
        "The second Trump-Kim summit ended before they even got to lunch",
        "Trump Cancels Lunch Date with Kim as Nuclear Talks Fall Apart",
    }
    vf = articles["Trump Cancels Lunch Date with Kim as Nuclear Talks Fall Apart"]
    qz = articles["The second Trump-Kim summit ended before they even got to lunch"]
    assert vf["outlet"] == "Vanity Fair"  # from its own text: no sidecar
    assert (qz["outlet"], qz["published"]) == ("Quartz", "2019-02-28")  # from the sidecar
    assert story["outlets"] == ["Quartz", "Vanity Fair"]


def test_summary_sentences_cite_exact_source_sentences(seeded: Path) -> None:
    story = _story(seeded)
    summary = story["summary"]
    assert summary
    for sentence in summary:  # type: ignore[attr-defined]
        assert sentence["citations"]
        first = sentence["citations"][0]
        code, out, _ = _invoke("article", first["article_id"], "--db", str(seeded), "-f", "json")
        text = json.loads(out)["text"]
        assert text[first["start"] : first["end"]] == sentence["text"]


def test_walk_quote_is_donald_trumps_in_both_articles_and_entities_are_canonical(
    seeded: Path,
) -> None:
    story = _story(seeded)
    [walk] = [q for q in story["quotes"] if "Sometimes you have to walk" in q["text"]]  # type: ignore[attr-defined]
    assert walk["speaker"] == "Donald Trump"
    assert len(walk["article_ids"]) == 2
    assert (walk["direct"], walk["partial"]) == (True, False)
    [signing] = [q for q in story["quotes"] if "a good thing to be signing" in q["text"]]  # type: ignore[attr-defined]
    assert (signing["speaker"], signing["direct"], signing["partial"]) == (
        "Donald Trump",
        False,
        True,
    )
    names = {e["name"]: e for e in story["entities"]}  # type: ignore[attr-defined]
    for expected in (
        "Donald Trump",
        "Kim Jong Un",
        "Mike Pompeo",
        "Sarah Sanders",
        "Hanoi",
        "Singapore",
    ):
        assert expected in names, expected
    assert "Trump" in names["Donald Trump"]["aliases"]
    assert "Trump" not in names and "Kim" not in names
    assert names["Sarah Sanders"]["roles"] == ["White House press secretary"]


def test_no_boilerplate_in_article_text_and_removals_are_kept_with_rules(seeded: Path) -> None:
    story = _story(seeded)
    removed_rules = set()
    for ref in story["articles"]:  # type: ignore[attr-defined]
        code, out, _ = _invoke("article", ref["id"], "--db", str(seeded), "--format", "json")
        article = json.loads(out)
        for line in BOILERPLATE:
            assert line not in article["text"], line
        removed_rules |= {r["rule"] for r in article["removed"]}
    assert {
        "caption",
        "photo-credit",
        "affiliate-disclaimer",
        "alt-text",
        "promo-list",
        "newsletter",
    } <= removed_rules


def test_ingesting_again_stores_nothing_new_and_says_so(seeded: Path) -> None:
    code, out, _ = _invoke("ingest", str(EXAMPLES), "--db", str(seeded), "--quiet")
    assert code == 0
    assert out.count(": nothing new") == 2
    assert "0 new, 2 already stored, 0 failed" in out
    assert len(json.loads(_invoke("stories", "--db", str(seeded), "-f", "json")[1])) == 1


def test_bad_files_are_named_with_a_reason_and_the_seeds_still_go_in(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    shutil.copytree(EXAMPLES, batch)
    (batch / "photo.txt").write_bytes(bytes(range(256)) * 16)
    (batch / "empty.txt").write_bytes(b"")
    page = (FIXTURES / "harborledger.port-reopens.html").read_bytes()
    (batch / "cut.html").write_bytes(page[: len(page) // 2])
    db = tmp_path / "b.db"
    code, out, err = _invoke("ingest", str(batch), "--db", str(db), "--quiet")
    assert code == 1
    assert "2 new, 0 already stored, 3 failed" in out
    assert f"error: {batch / 'photo.txt'}: binary content" in err
    assert f"error: {batch / 'empty.txt'}: empty input" in err
    assert f"error: {batch / 'cut.html'}: truncated HTML" in err
    assert len(_story(db)["articles"]) == 2  # type: ignore[arg-type]


def test_html_page_keeps_metadata_and_drops_boilerplate(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    code, out, err = _invoke(
        "ingest",
        str(FIXTURES / "harborledger.port-reopens.html"),
        "--db",
        str(db),
        "-q",
        "-f",
        "json",
    )
    assert code == 0, err
    [stored] = json.loads(out)["stored"]
    code, out, _ = _invoke("article", stored["id"], "--db", str(db), "-f", "json")
    article = json.loads(out)
    assert article["title"] == "Port of Halden reopens after week-long strike"
    assert article["outlet"] == "The Harbor Ledger"
    assert article["byline"] == "Mira Solberg"
    assert article["published"] == "2023-05-12"
    assert "“We have an agreement that both sides can live with,”" in article["text"]
    for junk in ("Advertisement", "Related: Dock workers", "Subscribe", "Business"):
        assert junk not in article["text"]


def test_jsonl_and_stdin_inputs(tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    lines = [
        {
            "id": "wire-1",
            "outlet": "Wire",
            "published": "2023-05-12",
            "title": "Port reopens",
            "text": "The port of Halden reopened on Friday after a week-long strike ended.",
        },
        {"outlet": "Wire", "published": "not a date", "text": "Text"},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    code, out, err = _invoke("ingest", "-", "--db", str(db), "-q", stdin=stdin)
    assert code == 1
    assert "error: -:2: published: cannot read 'not a date' as a date" in err
    code, out, _ = _invoke("article", "wire-1", "--db", str(db), "-f", "json")
    assert json.loads(out)["outlet"] == "Wire"
    code, out, _ = _invoke(
        "ingest",
        "-",
        "--db",
        str(db),
        "-q",
        "--outlet",
        "Plain Post",
        stdin="A Headline Here\n\nA plain body paragraph about the port.\n",
    )
    assert code == 0 and "Plain Post: A Headline Here" in out


def test_search_text_markdown_and_missing_ids(seeded: Path) -> None:
    code, out, _ = _invoke("search", "Warmbier", "--db", str(seeded), "-f", "json")
    [hit] = json.loads(out)
    assert hit["outlet"] == "Vanity Fair" and "[Warmbier]" in hit["snippet"]
    story_id = json.loads(_invoke("stories", "--db", str(seeded), "-f", "json")[1])[0]["id"]
    code, out, _ = _invoke("show", story_id, "--db", str(seeded), "-f", "markdown")
    assert out.startswith("# The second Trump-Kim summit") and "## Who said what" in out
    code, out, _ = _invoke("show", story_id, "--db", str(seeded))
    assert "Donald Trump: “Sometimes you have to walk.”" in out
    assert "“it wasn’t a good thing to be signing anything” (partial quote)" in out
    code, _, err = _invoke("show", "0000000000", "--db", str(seeded))
    assert code == 1 and err.strip() == "Error: no story with id '0000000000'"
    code, _, err = _invoke("article", "nope", "--db", str(seeded))
    assert code == 1 and "no article with id 'nope'" in err


def test_every_command_has_help_text() -> None:
    command = typer.main.get_command(app)
    for name, sub in command.commands.items():  # type: ignore[attr-defined]
        assert sub.help and sub.help.strip(), name
        code, out, _ = _invoke(name, "--help")
        assert code == 0 and "--help" in out
