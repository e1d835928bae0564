"""Issue 20's unseen documents: the gold checks of both sets, the temporary corpus, the figures and goals, the rules
interface, and `assistant eval --unseen --sealed` end to end on a real index of the seed corpus plus a few unseen
documents (a small unseen folder made from the real one, so the run stays short)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.evaluation.unseen import document_languages, set_problems, unseen_sets
from assistant.evaluation.unseen_command import ablation_row
from assistant.evaluation.unseen_figures import goal_status, unseen_figures
from assistant.evaluation.unseen_index import merge_corpus

ROOT = Path(__file__).resolve().parents[1]
UNSEEN = ROOT / "evals" / "unseen"
GOALS = ROOT / "evals" / "goals.json"


@pytest.mark.parametrize("name", ["tune", "sealed"])
def test_check_gold_passes_each_unseen_set(name):
    proc = subprocess.run(
        [sys.executable, "-m", "assistant.evaluation.check_gold", "--unseen", name],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert proc.stdout.rstrip().endswith("OK")
    assert "question>document language:" in proc.stdout


def test_check_gold_takes_corpus_folders_and_fails_on_an_unknown_document(tmp_path):
    """--corpus names the folders the evidence may cite: the tune gold cites documents that corpus/ alone lacks."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant.evaluation.check_gold",
            str(UNSEEN / "tune" / "gold.jsonl"),
            "--corpus",
            "corpus",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 1
    assert "unknown doc_id 'karlag'" in proc.stdout


def _items(name: str) -> list[dict]:
    return [json.loads(line) for line in (UNSEEN / name / "gold.jsonl").read_text(encoding="utf-8").splitlines()]


def test_the_sets_are_split_by_document_with_enough_items_in_every_language():
    sets = unseen_sets(UNSEEN)
    tune, sealed = document_languages(sets["tune"].folder), document_languages(sets["sealed"].folder)
    assert not set(tune) & set(sealed)
    assert sorted(tune.values()).count("en") >= 2 and {"ru", "kk"} <= set(tune.values())
    assert "en" in sealed.values() and {"ru", "kk"} & set(sealed.values())
    assert len(_items("tune")) >= 130 and len(_items("sealed")) >= 50
    for name in ("tune", "sealed"):
        cited = {e["doc_id"] for it in _items(name) for e in it["evidence"]}
        assert cited <= set(document_languages(sets[name].folder)), "a set's evidence stays in its own documents"
        assert set_problems(_items(name), sets[name], document_languages(sets[name].folder)) == []


def test_set_problems_names_what_a_set_lacks():
    tune = unseen_sets(UNSEEN)["tune"]
    items = [it for it in _items("tune") if it["language"] != "kk"][: tune.min_items - 1]  # too few, whatever the set's size
    items[0] = items[0] | {"doc_language": "kk"}
    problems = set_problems(items, tune, document_languages(tune.folder))
    assert any("needs at least 130" in p for p in problems)
    assert any("has no evidence-bearing items asked in kk" in p for p in problems)
    assert any(p.startswith(f"{items[0]['id']}: doc_language 'kk' but its evidence is in") for p in problems)


def test_merge_corpus_copies_the_documents_and_refuses_a_name_or_id_used_twice(tmp_path):
    corpus = ROOT / "corpus"
    count = merge_corpus(corpus, (UNSEEN / "tune",), tmp_path / "merged")
    tables = tomllib.loads((tmp_path / "merged" / "sources.toml").read_text(encoding="utf-8"))
    assert count == len(document_languages(UNSEEN / "tune"))
    assert {"karlag.txt", "rehabilitation-soviet.txt"} <= set(tables)
    assert (tmp_path / "merged" / "karlag.txt").read_bytes() == (UNSEEN / "tune" / "karlag.txt").read_bytes()
    assert not (tmp_path / "merged" / "gold.jsonl").exists()
    with pytest.raises(AssistantError, match="already in the corpus"):
        merge_corpus(corpus, (UNSEEN / "tune", UNSEEN / "tune"), tmp_path / "twice")
    clash = tmp_path / "clash"
    clash.mkdir()
    (clash / "other.txt").write_text("Some text.", encoding="utf-8")
    (clash / "sources.toml").write_text('["other.txt"]\nid = "karlag"\n', encoding="utf-8")
    with pytest.raises(AssistantError, match="karlag are used twice"):
        merge_corpus(corpus, (UNSEEN / "tune", clash), tmp_path / "ids")


def _result(id, language="en", kind="factoid", correct=True, abstained=False, answerable=True):
    return SimpleNamespace(
        id=id,
        language=language,
        kind=kind,
        correct=correct,
        abstained=abstained,
        answerable=answerable,
        citations=(),
        text="x",
        latency_ms=1.0,
    )


def test_figures_split_by_question_and_document_language_and_meet_or_miss_the_goals():
    items = [
        {"id": "q1", "doc_language": "en"},
        {"id": "q2", "doc_language": "en"},
        {"id": "q3", "doc_language": "ru"},
        {"id": "q4", "doc_language": "en"},
        {"id": "q5", "doc_language": None},
        {"id": "q6", "doc_language": None},
    ]
    results = [
        _result("q1"),
        _result("q2", correct=False, abstained=True),
        _result("q3", language="kk", correct=False),
        _result("q4", kind="near_topic_unanswerable", abstained=True, answerable=False),
        _result("q5", kind="smalltalk"),
        _result("q6", kind="unanswerable", abstained=True, answerable=False),
    ]
    f = unseen_figures(results, items)
    assert f["by_pair"]["en>en"] | {} == {"n": 2, "accuracy": 0.5, "near_topic_n": 1, "near_topic_refusal": 1.0}
    assert f["by_pair"]["kk>ru"]["accuracy"] == 0.0
    assert f["answerable"] == 3 and f["false_refusals"] == 1 and f["false_refusal_share"] == pytest.approx(1 / 3)
    assert f["smalltalk_accuracy"] == 1.0 and f["off_topic_refusal"] == 1.0
    goals = json.loads(GOALS.read_text(encoding="utf-8"))["unseen"]
    rows = {r["goal"]: r for r in goal_status(f, goals)}
    assert rows["answer accuracy en>en"]["target"] == 0.8 and not rows["answer accuracy en>en"]["met"]
    assert rows["answer accuracy kk>ru"]["target"] == 0.7
    assert rows["near-topic refusal"]["met"] and rows["small talk"]["met"]
    assert rows["false refusals / answerable"]["how"] == "max" and not rows["false refusals / answerable"]["met"]


def test_an_ablation_row_says_whether_a_rule_earns_anything():
    on = {
        "seed test accuracy": 0.8,
        "unseen answer accuracy": 0.5,
        "unseen false refusals": 0.2,
        "unseen off-topic refusal": 1.0,
    }
    same = ablation_row("same", on, dict(on))
    assert same[0] == "same" and same[-1] == "earns nothing: goes"
    assert ablation_row("helps", on, on | {"unseen answer accuracy": 0.4})[-1] == "earns"
    assert ablation_row("guards", on, on | {"unseen false refusals": 0.3})[-1] == "earns"
    assert ablation_row("refuses", on, on | {"unseen off-topic refusal": 0.5})[-1] == "earns"
    assert ablation_row("hurts", on, on | {"seed test accuracy": 0.9})[-1] == "earns nothing: goes"


def test_rules_are_switched_off_by_name_in_the_settings():
    from assistant.rules import RULES, enabled

    assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in RULES.items())
    settings = Settings().with_overrides(rules_off="year_in_question, who_names")
    assert not enabled(settings, "who_names") and not enabled(settings, "year_in_question")
    assert enabled(settings, "duration") and enabled(Settings(), "who_names")


def _small_unseen(tmp_path: Path) -> Path:
    """A copy of the unseen folders holding one English and one Kazakh tune document and one sealed document,
    with their items and the small talk / off-topic items: the real material, fewer of it."""
    keep = {"tune": {"karlag", "remembrance-31-may-kk"}, "sealed": {"kengir-uprising"}}
    for name, ids in keep.items():
        src, dst = UNSEEN / name, tmp_path / "unseen" / name
        dst.mkdir(parents=True)
        tables = tomllib.loads((src / "sources.toml").read_text(encoding="utf-8"))
        lines = []
        for file, meta in tables.items():
            if meta["id"] in ids:
                (dst / file).write_bytes((src / file).read_bytes())
                lines += (
                    [f'["{file}"]'] + [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in meta.items()] + [""]
                )
        (dst / "sources.toml").write_text("\n".join(lines), encoding="utf-8")
        items = [  # items citing only the kept documents; unanswerables (still unanswerable) and small talk
            it
            for it in _items(name)
            if (
                {e["doc_id"] for e in it["evidence"]} <= ids
                if it["evidence"]
                else not it["answerable"] or it["kind"] == "smalltalk"
            )
        ]
        (dst / "gold.jsonl").write_text(
            "".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items), encoding="utf-8"
        )
    return tmp_path / "unseen"


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_eval_unseen_and_sealed_end_to_end_on_a_real_index(seed_settings, tmp_path):
    """`assistant eval --unseen --sealed` in a fresh process: real temporary indexes (both encoders), every report
    field, the sealed set as aggregates only, and the real corpus left as it was."""
    unseen = _small_unseen(tmp_path)
    seed = [json.loads(x) for x in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    seed_gold = tmp_path / "seed.jsonl"  # --ablate's seed items: a few of the test split, named as a user would
    seed_gold.write_text("".join(json.dumps(it) + "\n" for it in [it for it in seed if it["split"] == "test"][:20]))
    corpus_before = sorted(p.name for p in seed_settings.corpus_dir.iterdir())
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env |= {"HF_HUB_OFFLINE": "1", "ASSISTANT_CACHE_DIR": str(seed_settings.cache_dir)}
    argv = [
        sys.executable,
        "-m",
        "assistant.cli",
        "eval",
        "--unseen",
        "--sealed",
        "--ablate",
        "--quiet",
        "--corpus",
        str(seed_settings.corpus_dir),
        "--index",
        str(seed_settings.index_dir),
        "--unseen-dir",
        str(unseen),
        "--goals",
        str(GOALS),
        "--gold",
        str(seed_gold),
        "--out",
        str(tmp_path / "reports"),
    ]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=1100)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    assert "## Unseen tune set" in out and "## Unseen sealed set" in out
    for line in (
        "| en>en |",
        "| kk>kk |",
        "| ru>en |",
        "| near_topic_unanswerable |",
        "| smalltalk |",
        "| near-topic refusal |",
        "| false refusals / answerable |",
        "| small talk |",
    ):
        assert line in out
    assert "answer accuracy en>en" in out and ("met" in out or "MISSED" in out)
    assert "built in" in out and "nothing to switch off" in out or "## Ablation" in out
    tune = json.loads(next((tmp_path / "reports").glob("unseen-tune-*.json")).read_text(encoding="utf-8"))
    sealed = json.loads(next((tmp_path / "reports").glob("unseen-sealed-*.json")).read_text(encoding="utf-8"))
    f = tune["figures"]
    n_tune = len((unseen / "tune" / "gold.jsonl").read_text(encoding="utf-8").splitlines())
    assert f["items"] == n_tune and f["answerable"] > 10
    assert {"en>en", "kk>kk", "ru>kk"} <= set(f["by_pair"])
    for key in ("answer_accuracy", "near_topic_refusal", "false_refusal_share", "smalltalk_accuracy"):
        assert f[key] is None or 0.0 <= f[key] <= 1.0
    assert {"factoid", "near_topic_unanswerable", "smalltalk"} <= set(f["by_kind"])
    assert tune["timing"]["documents"] == len(corpus_before) - 1 + 2  # the seed documents (not sources.toml) + 2
    assert tune["timing"]["build_seconds"] > 0 and tune["goals"]
    assert "failures" in tune
    assert sealed["figures"]["items"] > 0 and "failures" not in sealed
    sealed_questions = [
        json.loads(x)["question"] for x in (unseen / "sealed" / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    reports = out + "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "reports").glob("unseen-sealed-*"))
    assert not [q for q in sealed_questions if q in reports], "a sealed question was printed or written"
    assert sorted(p.name for p in seed_settings.corpus_dir.iterdir()) == corpus_before


def test_the_sealed_view_folds_groups_small_enough_to_be_an_items_result():
    from assistant.evaluation.unseen_figures import sealed_view

    items = [{"id": f"q{i}", "doc_language": "en"} for i in range(6)] + [{"id": "r1", "doc_language": "ru"}]
    results = [_result(f"q{i}", correct=i < 3) for i in range(6)] + [_result("r1", language="kk", kind="negation")]
    view = sealed_view(unseen_figures(results, items))
    assert set(view["by_pair"]) == {"en>en", "other pairs"}
    assert view["by_pair"]["other pairs"]["n"] == 1 and view["by_pair"]["en>en"]["accuracy"] == 0.5
    assert set(view["by_kind"]) == {"factoid"} and view["folded_kinds"] == ["negation"]
    goals = {r["goal"] for r in goal_status(view, json.loads(GOALS.read_text(encoding="utf-8"))["unseen"])}
    assert {"answer accuracy en>en", "answer accuracy other pairs"} <= goals


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_ablate_measures_each_registered_rule_on_both_sets(seed_settings, tmp_path, monkeypatch, capsys):
    """--ablate with a rule registered that no engine module reads: every figure is measured with it on and off on
    real indexes (the seed index, a temporary one with unseen documents), and it is found to earn nothing."""
    from assistant import rules
    from assistant.evaluation.unseen import UnseenSet
    from assistant.evaluation.unseen_command import ABLATION_FIGURES, ablate

    monkeypatch.setattr(rules, "RULES", {"read_by_nothing": "a rule no module asks about"})
    unseen = _small_unseen(tmp_path)
    tune = UnseenSet("tune", unseen / "tune", "tune", 1, (unseen / "tune",))
    seed = [json.loads(x) for x in (ROOT / "evals" / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    gold = tmp_path / "seed.jsonl"
    chosen = [it for it in seed if it["split"] == "test"][:25] + [it for it in seed if it["split"] == "tune"][:10]
    gold.write_text("".join(json.dumps(it) + "\n" for it in chosen))
    table = ablate(tune, gold, seed_settings, quiet=True)
    lines = table.splitlines()
    assert lines[0].startswith("## Ablation")
    all_on = next(line for line in lines if line.startswith("| (all on)"))
    assert all_on.count("|") == len(ABLATION_FIGURES) + 3 and " - |" not in all_on.split("|", 2)[2][:-2]
    row = next(line for line in lines if line.startswith("| read_by_nothing"))
    assert row.count("+0.000") == len(ABLATION_FIGURES) and row.rstrip(" |").endswith("earns nothing: goes")


def test_flags_of_the_seed_set_alone_are_refused_with_the_unseen_sets(tmp_path):
    from argparse import Namespace

    from assistant.evaluation.unseen_command import run_unseen

    args = Namespace(unseen=True, sealed=False, ablate=False, sweep="min_answer_score=0.3", update_expected=False)
    with pytest.raises(AssistantError, match="--sweep works on the seed gold set only"):
        run_unseen(args, Settings())
    args = Namespace(unseen=False, sealed=True, ablate=False, sweep=None, update_expected=True)
    with pytest.raises(AssistantError, match="--update-expected works on the seed gold set only"):
        run_unseen(args, Settings())
