"""Write an EvalResult as report.md, results.json and report.png."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.metrics import percentile
from evals.scoring import LOOKUP_WORD_KEYS, RETRIEVAL_KEYS, SUMMARY_KEYS

LABELS = {
    "set_f1": "set F1 (aggregation, temporal, count)",
    "set_precision": "set precision",
    "set_recall": "set recall",
    "forbidden_violations": "forbidden areas answered yes",
    "evidence_recall": "evidence recall (gold quotes cited)",
    "citation_precision": "citation precision (on-area)",
    "verbatim_rate": "verbatim rate",
    "must_mention": "key facts mentioned",
    "abstention_accuracy": "abstention accuracy",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
    "words_p50": "answer words, median (all kinds)",
    "words_p90": "answer words, p90 (all kinds)",
    "lookup_words_p50": "lookup answer words, median",
    "lookup_words_p90": "lookup answer words, p90",
    "retrieval_area_recall": "retrieval: expected areas present",
    "retrieval_evidence_recall": "retrieval: gold quotes present",
    "retrieval_precision": "retrieval: on-area passages",
}
WORD_BINS = (20, 40, 60, 80, 120, 200)
"""Upper edges of the answer-length histogram's bins (words); the last bin is open."""

CHART_KEYS = (
    "set_f1",
    "evidence_recall",
    "citation_precision",
    "verbatim_rate",
    "must_mention",
    "abstention_accuracy",
    *RETRIEVAL_KEYS,
)


def fmt(value: Any, key: str = "") -> str:
    """A figure for a table: shares to 3 places, milliseconds and words whole (a median's
    half kept), None as n/a."""
    if value is None:
        return "n/a"
    if "words" in key:
        return f"{value:g}"
    if key.endswith("_ms"):
        return f"{value:.1f}" if value < 10 else f"{value:.0f}"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def summary_rows(result: Any) -> list[list[str]]:
    """Header plus one row per figure: sendqa beside each baseline."""
    names = list(result.baselines)
    rows = [["figure", "sendqa", *names]]
    for key in (*SUMMARY_KEYS, *LOOKUP_WORD_KEYS, *RETRIEVAL_KEYS):
        rows.append(
            [
                LABELS[key],
                fmt(result.summary.get(key), key),
                *(fmt(result.baselines[n].get(key), key) for n in names),
            ]
        )
    return rows


def text_table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as aligned plain text, for the terminal."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def md_table(rows: Sequence[Sequence[str]]) -> str:
    head, *body = rows
    out = ["| " + " | ".join(_cell(c) for c in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in body]
    return "\n".join(out)


def render_markdown(result: Any) -> str:
    meta = result.meta
    s = result.summary
    parts = [
        "# sendqa evaluation",
        "",
        f"Gold: `{meta.get('gold')}`; {meta.get('source')}; {meta.get('letters')} documents; "
        f"{s['questions']} questions, {s['passed']} passed; run {meta.get('date')} "
        f"in {meta.get('elapsed_s')} s"
        + (
            f" (opening or building the index: {meta['setup_s']} s)."
            if meta.get("setup_s")
            else "."
        ),
        "",
        "Answer-level figures apply to sendqa only (the baselines do not answer). The "
        "retrieval rows score sendqa's cited spans and each baseline's passages alike.",
        "",
        "## Summary",
        "",
        md_table(summary_rows(result)),
    ]
    if result.baselines:
        parts += [
            "",
            "Baselines: " + "; ".join(f"`{n}` = {b['label']}" for n, b in result.baselines.items()),
        ]
    if result.gold_problems:
        parts += ["", "## Gold problems", ""] + [f"- {p}" for p in result.gold_problems]
    parts += ["", "## By kind", "", md_table(_kind_rows(s.get("by_kind", {})))]
    parts += [
        "",
        "## Answer length",
        "",
        "Words in each answer's text, citation markers not counted; the bins count answers. "
        "Issue 9's bar: lookups' median <= 80 words with key facts >= 0.85.",
        "",
        md_table(length_rows(result.questions)),
    ]
    parts += ["", "## Questions", "", md_table(_question_rows(result.questions)), ""]
    return "\n".join(parts)


def _kind_rows(by_kind: dict[str, dict[str, Any]]) -> list[list[str]]:
    keys = (
        "set_f1",
        "evidence_recall",
        "citation_precision",
        "verbatim_rate",
        "must_mention",
        "abstention_accuracy",
        "forbidden_violations",
        "latency_p50_ms",
        "words_p50",
        "words_p90",
    )
    rows = [["kind", "questions", "passed", *keys]]
    for kind, f in by_kind.items():
        rows.append(
            [kind, str(f["questions"]), str(f["passed"]), *(fmt(f.get(k), k) for k in keys)]
        )
    return rows


def _question_rows(questions: Sequence[Any]) -> list[list[str]]:
    rows = [
        ["id", "line", "kind", "result", "set F1", "evidence", "key facts", "words", "ms", "why"]
    ]
    for q in questions:
        sc = q.scores
        rows.append(
            [
                q.case.id,
                str(q.case.line),
                q.case.kind,
                "pass" if q.passed else "FAIL",
                fmt(sc["set_f1"].value) if "set_f1" in sc else "",
                fmt(sc["evidence_recall"].value) if "evidence_recall" in sc else "",
                fmt(sc["must_mention"].value) if "must_mention" in sc else "",
                "" if q.words is None else str(q.words),
                f"{q.latency_ms:.0f}",
                "; ".join(q.reasons) if q.reasons else "",
            ]
        )
    return rows


def _bin_labels() -> list[str]:
    lows = (0, *(b + 1 for b in WORD_BINS))
    labels = [f"{lo}-{hi}" for lo, hi in zip(lows, WORD_BINS, strict=False)]
    return labels + [f">{WORD_BINS[-1]}"]


def histogram(words: Sequence[int]) -> list[int]:
    """How many of ``words`` fall in each bin of ``WORD_BINS`` (plus the open last bin)."""
    counts = [0] * (len(WORD_BINS) + 1)
    for w in words:
        counts[next((i for i, hi in enumerate(WORD_BINS) if w <= hi), len(WORD_BINS))] += 1
    return counts


def length_rows(questions: Sequence[Any]) -> list[list[str]]:
    """Answer length per kind (lookups first, then all): median, p90, max and a histogram."""
    by_kind: dict[str, list[int]] = {}
    for q in questions:
        if q.words is not None:
            by_kind.setdefault(q.case.kind, []).append(q.words)
    order = sorted(by_kind, key=lambda k: (k != "lookup", k))
    groups = [(k, by_kind[k]) for k in order] + [("all", [w for k in order for w in by_kind[k]])]
    rows = [["kind", "answers", "median", "p90", "max", *_bin_labels()]]
    for kind, words in groups:
        rows.append(
            [
                kind,
                str(len(words)),
                fmt(percentile(words, 50), "words"),
                fmt(percentile(words, 90), "words"),
                str(max(words)) if words else "n/a",
                *(str(n) for n in histogram(words)),
            ]
        )
    return rows


SUITE_KEYS = (
    "set_f1",
    "evidence_recall",
    "must_mention",
    "by_kind.unanswerable.abstention_accuracy",
    "forbidden_violations",
    "lookup_words_p50",
    "lookup_words_p90",
)


def suites_rows(results: Sequence[Any], failures: dict[str, list[str]] | None) -> list[list[str]]:
    """One row per suite of a multi-suite run: headline figures and the gate's verdict
    (``failures`` by suite; None: no check was run)."""
    from evals.thresholds import figure

    heads = ["set F1", "evidence", "key facts", "abstention", "forbidden", "lookup words p50"]
    rows = [["suite", "questions", "passed", *heads, "lookup words p90", "gate"]]
    for r in results:
        suite = r.meta.get("suite", "")
        gate = "not run" if failures is None else ("FAIL" if failures.get(suite) else "pass")
        rows.append(
            [
                suite,
                str(r.summary["questions"]),
                str(r.summary["passed"]),
                *(fmt(figure(r.summary, k), k) for k in SUITE_KEYS),
                gate,
            ]
        )
    return rows


def write_suites_table(
    results: Sequence[Any], failures: dict[str, list[str]] | None, out: str | Path
) -> Path:
    """``out/summary.md``: the suites side by side, each linking its own report."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    lines = ["# sendqa evaluation: suites", "", md_table(suites_rows(results, failures)), ""]
    for r in results:
        suite = r.meta.get("suite", "")
        lines.append(
            f"- `{suite}`: `{r.meta.get('gold')}`, report [{suite}/report.md]({suite}/report.md)"
        )
        for f in (failures or {}).get(suite, []):
            lines.append(f"  - gate: {f}")
    path = out / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def render_png(result: Any, path: Path) -> None:
    """Grouped bars of the share figures, sendqa beside the baselines (Agg, no display)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    systems = {"sendqa": result.summary, **result.baselines}
    fig = Figure(figsize=(11, 5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    width = 0.8 / len(systems)
    for i, (name, figs) in enumerate(systems.items()):
        xs = [j + (i - (len(systems) - 1) / 2) * width for j in range(len(CHART_KEYS))]
        ys = [figs.get(k) if figs.get(k) is not None else float("nan") for k in CHART_KEYS]
        ax.bar(xs, ys, width, label=name)
    ax.set_xticks(
        range(len(CHART_KEYS)),
        [LABELS[k].split(" (")[0] for k in CHART_KEYS],
        rotation=30,
        ha="right",
        fontsize=8,
    )
    split = len(CHART_KEYS) - len(RETRIEVAL_KEYS) - 0.5
    ax.axvline(split, color="grey", linestyle="--", linewidth=0.8)
    ax.text(split - 0.1, 1.13, "answer level (sendqa only)", ha="right", fontsize=8)
    ax.text(split + 0.1, 1.13, "retrieval level (all systems)", ha="left", fontsize=8)
    ax.set_ylim(0, 1.2)
    ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_ylabel("share")
    ax.set_title(f"sendqa eval: {result.summary['questions']} questions")
    ax.legend(fontsize=8, loc="upper left", ncols=len(systems))
    fig.savefig(path, dpi=120)


def write_report(result: Any, out: str | Path) -> dict[str, Path]:
    """report.md, results.json and report.png under ``out`` (created if needed)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"md": out / "report.md", "json": out / "results.json", "png": out / "report.png"}
    paths["md"].write_text(render_markdown(result), encoding="utf-8")
    paths["json"].write_text(
        json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    render_png(result, paths["png"])
    return paths
