"""Configuration: defaults, a user's overrides, and clear errors for bad files."""

from __future__ import annotations

import pytest

from summaries import settings


def test_built_in_settings_load_without_a_user_file(tmp_path, monkeypatch):
    monkeypatch.setenv("DIPLOBOT_CONFIG", str(tmp_path / "absent.toml"))
    loaded = settings.load()
    assert loaded["summary"]["sentences"] == 3
    assert loaded["ingest"]["max_file_bytes"] > 0


def test_user_file_overrides_one_key_and_keeps_the_rest(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text("[bot]\narticles_per_reply = 2\n")
    loaded = settings.load(f)
    assert loaded["bot"]["articles_per_reply"] == 2
    assert loaded["summary"]["sentences"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[bot]\narticle_per_reply = 2\n", "unknown setting 'bot.article_per_reply'"),
        ("[bot]\narticles_per_reply = 'two'\n", "'bot.articles_per_reply' must be int"),
        ("[bot]\narticles_per_reply = -1\n", "must be at least 1"),
        ("[summary]\nsentences = 0\n", "'summary.sentences' must be at least 1"),
        ("bot = 3\n", "'bot' must be a table"),
        ("[bot\n", "not valid TOML"),
    ],
)
def test_bad_config_is_refused_with_the_key_named(tmp_path, content, message):
    f = tmp_path / "c.toml"
    f.write_text(content)
    with pytest.raises(settings.ConfigError, match=message):
        settings.load(f)


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(settings.ConfigError, match="does not exist"):
        settings.load(tmp_path / "nope.toml")


def test_binary_config_file_is_refused(tmp_path):
    f = tmp_path / "c.toml"
    f.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(settings.ConfigError):
        settings.load(f)
