"""Configuration: defaults under the user's file, every problem reported at once with a fix."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from briefing.config import load_config
from briefing.errors import EXIT_CONFIG, ConfigError


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "feeds.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_load_without_a_file() -> None:
    cfg = load_config(None)
    assert cfg.schedule.cron == "0 7 * * *"
    assert cfg.fetch.allow_private is False
    assert cfg.feeds == []


def test_every_bad_key_is_reported_at_once(tmp_path: Path) -> None:
    p = _write(tmp_path, """
[briefing]
titel = "typo"
window_hours = "36"

[fetch]
concurrency = 0

[[feeds]]
name = "A"
url = "https://a.example/feed"

[[feeds]]
name = "B"
url = "https://b.example/feed"

[[feeds]]
name = "C"
url = "not a url"
wieght = 2
""")
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    text = str(exc.value)
    assert 'briefing.titel: unknown key; did you mean "title"?' in text
    assert "briefing.window_hours = '36': expected integer" in text
    assert "feeds[3].url" in text and "not an http(s) URL" in text
    assert 'feeds[3].wieght ("C"): unknown key; did you mean "weight"?' in text
    assert len(exc.value.problems) >= 4


def test_values_checked_timezone_cron_regex(tmp_path: Path) -> None:
    p = _write(tmp_path, """
[briefing]
timezone = "Europe/Berln"
[schedule]
cron = "0 25 * * *"
""")
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    text = str(exc.value)
    assert 'unknown time zone; did you mean "Europe/Berlin"?' in text
    assert "schedule.cron" in text


def test_bad_regex_names_feed_key_and_position(tmp_path: Path) -> None:
    p = _write(tmp_path, '[[feeds]]\nname = "Lab"\nurl = "https://lab.example/rss"\nexclude = ["title:re:(unclosed"]\n')
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    text = str(exc.value)
    assert "feeds[1].exclude[1]" in text and '"Lab"' in text and "position" in text and "(unclosed" in text


def test_broken_toml_and_missing_file_exit_code_2(tmp_path: Path) -> None:
    p = _write(tmp_path, "[briefing\ntitle = 'x'\n")
    r = subprocess.run([sys.executable, "-m", "briefing", "feeds", "check", "--no-probe", "--config", str(p)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == EXIT_CONFIG and "not valid TOML" in r.stderr
    r = subprocess.run([sys.executable, "-m", "briefing", "run", "--config", str(tmp_path / "nope.toml")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == EXIT_CONFIG and "briefing init" in r.stderr


def test_password_in_file_warns_and_is_not_used(tmp_path: Path) -> None:
    p = _write(tmp_path, '[smtp]\npassword = "hunter2"\n')
    cfg = load_config(p)
    assert any("smtp.password" in w and "BRIEFING_SMTP_PASSWORD" in w for w in cfg.warnings)
    assert "hunter2" not in " ".join(cfg.warnings)


def test_init_writes_a_valid_starter(tmp_path: Path) -> None:
    target = tmp_path / "feeds.toml"
    r = subprocess.run([sys.executable, "-m", "briefing", "init", str(target)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    cfg = load_config(target)
    assert 25 <= len(cfg.feeds) <= 40
    r = subprocess.run([sys.executable, "-m", "briefing", "init", str(target)], capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and "--force" in r.stderr
