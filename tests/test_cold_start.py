"""A cold `sendqa ask` imports only what answering needs (issue 9: p50 <= 2 s cold).

sentence-transformers/torch (several seconds to import on 2 cores), gradio and llama-index
are never imported by `sendqa ask`; chromadb is not either once the store's snapshot is
taken (index/snapshot.py), and the answers read through the snapshot equal those read
through Chroma."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NEVER = ("torch", "sentence_transformers", "transformers", "sklearn", "gradio", "llama_index")

WATCH = NEVER + ("chromadb",)
PROBE = (
    "import json, sys\n"
    "from rag.cli import main\n"
    "code = main(sys.argv[2:])\n"
    "heavy = sorted({m.split('.')[0] for m in sys.modules} & set(sys.argv[1].split(',')))\n"
    "print(json.dumps({'code': code, 'heavy': heavy}), file=sys.stderr)\n"
)


def _ask(store: Path, question: str) -> tuple[dict, set[str]]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-c", PROBE, ",".join(WATCH), "ask", question, "--store", str(store),
                        "--json"], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    probe = json.loads(p.stderr.strip().splitlines()[-1])
    assert probe["code"] == 0
    answer = json.loads(p.stdout)
    answer.pop("timings_ms", None)
    return answer, set(probe["heavy"])


@pytest.fixture(scope="module")
def fresh_store(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built store without a snapshot."""
    store = tmp_path_factory.mktemp("cold") / "store"
    shutil.copytree(built_store, store,
                    ignore=shutil.ignore_patterns(".sendqa-snapshot-*", ".sendqa-readers"))
    return store


@pytest.mark.parametrize("question", ["Who led the Wolverhampton inspection?",
                                      "Which areas lacked a DMO?"])
def test_ask_imports_no_model_framework_or_ui(fresh_store: Path, question: str) -> None:
    for p in fresh_store.glob(".sendqa-snapshot-*"):
        p.unlink()
    through_chroma, heavy = _ask(fresh_store, question)  # takes the snapshot
    assert not heavy & set(NEVER), heavy
    assert len(list(fresh_store.glob(".sendqa-snapshot-g*.npz"))) == 1
    through_snapshot, heavy = _ask(fresh_store, question)
    assert not heavy, heavy  # no chromadb either
    assert through_snapshot == through_chroma
