"""Settings: one table drives defaults, environment, file and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline.errors import ConfigError
from storyline.settings import SETTINGS, Settings


def test_every_setting_has_a_field_a_default_and_help() -> None:
    defaults = Settings()
    for setting in SETTINGS:
        assert getattr(defaults, setting.name) == setting.default
        assert setting.help.strip()
    assert {s.name for s in SETTINGS} == set(Settings.__slots__)


def test_precedence_defaults_file_environment_overrides(tmp_path: Path) -> None:
    config = tmp_path / "storyline.toml"
    config.write_text('[storyline]\nsummary_words = 80\ndb = "file.db"\n')
    settings = Settings.load(
        overrides={"db": "cli.db"},
        environ={"STORYLINE_SUMMARY_WORDS": "90", "STORYLINE_CONFIG": str(config)},
    )
    assert settings.db == "cli.db"
    assert settings.summary_words == 90
    assert Settings.load(environ={"STORYLINE_CONFIG": str(config)}).db == "file.db"


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"summary_words": "many"}, "summary_words"),
        ({"nope": 1}, "nope"),
        ({"cluster_threshold": -1}, "cluster_threshold"),
    ],
)
def test_bad_values_name_the_setting(overrides: dict[str, object], name: str) -> None:
    with pytest.raises(ConfigError) as info:
        Settings.load(overrides=overrides, environ={})
    assert info.value.name == name
