"""`storyline eval compare --report`: cleaned event documents, event table, seeded samples.

Document lines are excerpts of ../shared/eval/comparison/newswcl50.jsonl (event_1 and event_5:
USA Today and Fox News), page chrome included as the data has it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storyline.eval.compare import event_articles
from storyline.eval.compare_report import EventComparison, compare_events, report
from storyline.settings import Settings

USA_TODAY = "\n".join(
    [
        "WASHINGTON — President Trump will travel to the United Kingdom on July 13 for a working "
        "visit with British Prime Minister Theresa May, ending a series of declined invitations, "
        "scheduling conflicts and missed opportunities to visit a close ally.",
        "More: A minute-by-minute guide to USA TODAY's exclusive interview with James Comey.",
        "The prime minister's office confirmed that the two leaders would meet one-on-one, but "
        'did not elaborate on their expected agenda, saying only that "further details would be '
        'set out in due course."',
        "Related: James Comey on Trump: He tweets at me 'like the breakup he can't get over'.",
    ]
)
FOX = "\n".join(
    [
        "Trump, May reaffirm 'special relationship' in Davos",
        "President Trump will travel to the United Kingdom in July, the White House confirmed "
        "Thursday, where he will meet with Prime Minister Theresa May for bilateral talks.",
        "A state visit to the U.K. was proposed in January 2017 when May visited the White House, "
        "but the resulting controversy and threat of mass protests from left-wing activists "
        "appeared to put such a visit on ice.",
    ]
)
RECORD = {
    "id": "visit",
    "documents": [
        {"id": "u", "title": None, "text": USA_TODAY, "outlet": "USA Today"},
        {"id": "f", "title": "Trump to visit United Kingdom", "text": FOX, "outlet": "Fox News"},
    ],
    "references": [],
}


def test_event_documents_lose_page_chrome_but_keep_reporting() -> None:
    usa, fox = event_articles(RECORD, "fixture")
    assert not any(p.startswith(("More:", "Related:")) for p in usa.paragraphs)
    assert len(usa.paragraphs) == 2 and usa.paragraphs[0].startswith("WASHINGTON — President")
    # The video headline above Fox's body is not a sentence of its report.
    assert "Davos" not in fox.text and fox.title == "Trump to visit United Kingdom"
    assert fox.paragraphs[0].startswith("President Trump will travel")


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> list[EventComparison]:
    path = tmp_path_factory.mktemp("cmp") / "events.jsonl"
    second = dict(RECORD, id="visit-2")
    path.write_text("\n".join(json.dumps(r) for r in (RECORD, second)) + "\n", encoding="utf-8")
    return list(compare_events(path, Settings()))


def test_report_has_event_table_and_unique_claims_with_closest_sentences(
    events: list[EventComparison],
) -> None:
    text = report(events, seed=3)
    assert "| visit | " in text and "| visit-2 | " in text
    uniques = [u for e in events for u in e.unique]
    assert uniques, "the fixture's outlets each report something the other does not"
    for sample in uniques:
        outlets = {outlet for outlet, _, _ in sample.closest}
        assert outlets == {"USA Today", "Fox News"} - {sample.claim.outlet}
    assert f"## Unique claims: {len(uniques)} sampled of {len(uniques)} (seed 3)" in text
    # Seeded: the same seed gives the same report, the sample size is a cap.
    assert report(events, seed=3) == text
    small = report(events, seed=3, size=1)
    assert small.count("### U") == 1


def test_cli_report_keeps_json_stdout_one_object(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from storyline.app.cli import app

    data = tmp_path / "events.jsonl"
    data.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    out = tmp_path / "report.md"
    result = CliRunner().invoke(
        app, ["eval", "compare", str(data), "--json", "--report", str(out), "--seed", "1"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["events"] == 1
    assert out.read_text(encoding="utf-8").startswith("# Outlet comparison report")
    assert "| visit | " in result.stderr
