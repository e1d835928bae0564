"""Settings: defaults < assistant.toml < ASSISTANT_* environment < flags, and bad values named clearly."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from assistant.config import Settings, load_settings, set_offline_environment
from assistant.errors import AssistantError


@pytest.fixture
def here(tmp_path, monkeypatch):
    """An empty working folder, so no real assistant.toml is read."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_when_nothing_is_set(here):
    assert load_settings(environ={}) == Settings().resolved()
    assert Settings().model == "all-MiniLM-L6-v2" and Settings().index_dir == Path("index")


def test_every_path_is_absolute_once_settings_are_read(here):
    """A curator's upload staged at /abs/corpus/.tmp-… must meet an absolute corpus_dir, not `corpus` (issue 24)."""
    (here / "assistant.toml").write_text('index_dir = "built/index"\n')
    settings = load_settings(environ={"ASSISTANT_FEEDBACK_PATH": "logs/fb.jsonl"}, corpus_dir=Path("texts/../corpus"))
    assert settings.corpus_dir == here.resolve() / "corpus"  # a flag, normalised
    assert settings.index_dir == here.resolve() / "built" / "index"  # the file
    assert settings.feedback_path == here.resolve() / "logs" / "fb.jsonl"  # the environment
    assert settings.cache_dir == here.resolve() / ".cache"  # a default
    paths = [getattr(settings, f) for f in ("corpus_dir", "index_dir", "cache_dir", "onnx_dir", "feedback_path")]
    assert all(p.is_absolute() for p in paths)
    # Unset log paths stay unset (they live beside feedback_path), and follow it.
    assert str(settings.needs_path) == "." and settings.log_path("needs") == here.resolve() / "logs" / "needs.jsonl"
    assert load_settings(environ={"ASSISTANT_AUDIT_PATH": "a.jsonl"}).log_path("audit") == here.resolve() / "a.jsonl"
    assert Settings(corpus_dir=Path("c")).resolved(Path("/srv/museum")).corpus_dir == Path("/srv/museum/c")


def test_each_layer_overrides_the_one_before(here):
    (here / "assistant.toml").write_text(
        'top_k = 6\nretrieval_mode = "dense"\nchunk_overlap = 10\ncorpus_dir = "texts"\n'
    )
    env = {"ASSISTANT_TOP_K": "9", "ASSISTANT_CHUNK_OVERLAP": "12", "ASSISTANT_KIOSK": "true"}
    settings = load_settings(environ=env, chunk_overlap=16, index_dir=None)
    assert settings.retrieval_mode == "dense" and settings.corpus_dir == here.resolve() / "texts"  # file
    assert settings.top_k == 9 and settings.kiosk is True  # environment over file
    assert settings.chunk_overlap == 16  # flag over environment
    assert settings.index_dir == here.resolve() / "index"  # a None flag changes nothing
    assert load_settings(environ={}).top_k == 6


def test_config_path_from_argument_and_environment(here):
    (here / "a.toml").write_text("top_k = 3\n")
    (here / "b.toml").write_text("top_k = 4\n")
    assert load_settings(here / "a.toml", environ={}).top_k == 3
    assert load_settings(environ={"ASSISTANT_CONFIG": str(here / "b.toml")}).top_k == 4
    with pytest.raises(AssistantError, match="Config file .*c.toml does not exist; fix the path."):
        load_settings(here / "c.toml", environ={})


def test_values_are_coerced_to_their_types(here):
    env = {"ASSISTANT_MIN_ANSWER_SCORE": "0.5", "ASSISTANT_CACHE_DIR": "/tmp/x", "ASSISTANT_RESOLVE_FOLLOWUPS": "off"}
    settings = load_settings(environ=env)
    assert settings.min_answer_score == 0.5 and settings.cache_dir == Path("/tmp/x")
    assert settings.resolve_followups is False
    assert Settings().with_overrides(min_answer_score=1).min_answer_score == 1.0
    for word, value in [("1", True), ("YES", True), ("on", True), ("0", False), ("no", False), ("False", False)]:
        assert load_settings(environ={"ASSISTANT_KIOSK": word}).kiosk is value


@pytest.mark.parametrize(
    "env, message",
    [
        (
            {"ASSISTANT_TOP_K": "many"},
            "Setting 'top_k' must be a whole number, got 'many' (from the environment variable ASSISTANT_TOP_K)",
        ),
        ({"ASSISTANT_MIN_ANSWER_SCORE": "high"}, "Setting 'min_answer_score' must be a number"),
        ({"ASSISTANT_KIOSK": "maybe"}, "Setting 'kiosk' must be true or false"),
        ({"ASSISTANT_RETRIEVAL_MODE": "fuzzy"}, "Setting 'retrieval_mode' must be one of"),
        ({"ASSISTANT_ENCODER": "gpu"}, "Setting 'encoder' must be one of"),
        ({"ASSISTANT_TOP_K": "0"}, "Setting 'top_k' must be at least 1"),
        ({"ASSISTANT_CHUNK_OVERLAP": "-5"}, "Setting 'chunk_overlap' must be at least 0"),
        (
            {"ASSISTANT_CONFIG": "/no/such/assistant.toml"},
            "Config file /no/such/assistant.toml does not exist; fix ASSISTANT_CONFIG or unset it.",
        ),
    ],
)
def test_bad_environment_values_are_named(here, env, message):
    with pytest.raises(AssistantError, match=re.escape(message)):
        load_settings(environ=env)


@pytest.mark.parametrize(
    "toml, message",
    [
        ("top_k = [", "is not valid TOML"),
        ("topk = 3", "Unknown setting 'topk'; known settings: "),
        ("top_k = true", "Setting 'top_k' must be a whole number, got True \\(in assistant.toml\\)"),
        ("top_k = 2.5", "Setting 'top_k' must be a whole number"),
        ("kiosk = 1.5", "Setting 'kiosk' must be true or false"),
        ("[retrieval]\ntop_k = 3", "Unknown setting 'retrieval'"),
    ],
)
def test_bad_config_file_is_named(here, toml, message):
    (here / "assistant.toml").write_text(toml)
    with pytest.raises(AssistantError, match=message):
        load_settings(environ={})


def test_bad_flag_is_an_assistant_error():
    with pytest.raises(AssistantError, match="Unknown setting 'colour'"):
        Settings().with_overrides(colour="red")
    with pytest.raises(AssistantError, match="Setting 'port' must be a whole number"):
        Settings().with_overrides(port="eighty")


def test_offline_environment_is_set_without_overriding_the_user(monkeypatch):
    for name in ("HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "GRADIO_ANALYTICS_ENABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "0")
    set_offline_environment()
    assert os.environ["HF_HUB_OFFLINE"] == "1" and os.environ["HF_HUB_DISABLE_TELEMETRY"] == "1"
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["TRANSFORMERS_OFFLINE"] == "0"
