"""The CI gate: compare summary figures with the bounds in thresholds.toml.

A thresholds file is either one suite's bounds::

    [min]
    set_f1 = 0.9
    [max]
    forbidden_violations = 0

or a section per suite, named after the gold file (``dev`` for ``dev.jsonl``)::

    [dev.min]
    set_f1 = 0.85
    [dev.max]
    forbidden_violations = 0

The shipped ``evals/thresholds.toml`` has a section per bundled suite; ``--check`` picks
the section of the suite being run, and a flat file applies to every suite.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SIDES = ("min", "max")

Bounds = dict[str, dict[str, float]]
"""``{"min": {figure: bound}, "max": {figure: bound}}``."""


class ThresholdError(ValueError):
    """A thresholds file that cannot be read, has unknown sections, or lacks the suite."""


def default_thresholds() -> Path:
    return Path(__file__).resolve().parent / "thresholds.toml"


def _read(p: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ThresholdError(f"{p}: file not found; pass --thresholds FILE") from None
    except tomllib.TOMLDecodeError as e:
        raise ThresholdError(f"{p}: not valid TOML ({e})") from None


def _bounds(p: Path, table: Mapping[str, Any], where: str = "") -> Bounds:
    out: Bounds = {"min": {}, "max": {}}
    for side in SIDES:
        section = table.get(side, {})
        if not isinstance(section, Mapping):
            raise ThresholdError(f"{p}: [{where}{side}] must be a table of figure = bound")
        for key, bound in section.items():
            if isinstance(bound, bool) or not isinstance(bound, int | float):
                raise ThresholdError(f"{p}: [{where}{side}] {key} must be a number, not {bound!r}")
            out[side][key] = float(bound)
    return out


def is_flat(data: Mapping[str, Any]) -> bool:
    """A one-suite file: nothing but ``[min]`` and ``[max]``."""
    return set(data) <= set(SIDES)


def load_all(path: str | Path | None = None) -> dict[str, Bounds]:
    """Every suite's bounds in a sectioned file, by suite name; ``{"": bounds}`` for a flat
    file (it applies to any suite). Checks the whole file, whatever suite is asked for."""
    p = Path(path) if path is not None else default_thresholds()
    data = _read(p)
    if is_flat(data):
        return {"": _bounds(p, data)}
    out = {}
    for suite, table in data.items():
        if suite in SIDES:
            raise ThresholdError(
                f"{p}: mixes [min]/[max] with suite sections; use one or the other"
            )
        if not isinstance(table, Mapping) or not all(
            isinstance(v, Mapping) for v in table.values()
        ):
            raise ThresholdError(
                f"{p}: unknown section [{suite}]; use [min] and [max], "
                "or [SUITE.min] and [SUITE.max] per suite"
            )
        unknown = sorted(set(table) - set(SIDES))
        if unknown:
            raise ThresholdError(
                f"{p}: unknown section(s) "
                + ", ".join(f"[{suite}.{u}]" for u in unknown)
                + f"; use [{suite}.min] and [{suite}.max]"
            )
        out[suite] = _bounds(p, table, f"{suite}.")
    return out


def load_thresholds(path: str | Path | None = None, suite: str | None = None) -> Bounds:
    """The bounds that apply to ``suite`` (a gold file's name, e.g. ``"dev"``).

    A flat file applies to every suite. A sectioned file must have the suite's section;
    ``suite=None`` is the seed suite.
    """
    p = Path(path) if path is not None else default_thresholds()
    every = load_all(p)
    if "" in every:
        return every[""]
    name = suite or "seed"
    if name not in every:
        raise ThresholdError(
            f"{p}: no bounds for suite {name!r} (sections: {', '.join(sorted(every))}); "
            f"add [{name}.min] and [{name}.max], or pass --thresholds FILE"
        )
    return every[name]


def figure(summary: Mapping[str, Any], key: str) -> Any:
    """``summary[key]``, following dots into nested mappings; None when absent."""
    node: Any = summary
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def check_thresholds(
    summary: Mapping[str, Any], path: str | Path | None = None, suite: str | None = None
) -> list[str]:
    """One message per figure that misses its bound (empty: the gate passes)."""
    bounds = load_thresholds(path, suite)
    failures = []
    for side, sign in (("min", ">="), ("max", "<=")):
        for key, bound in bounds[side].items():
            value = figure(summary, key)
            if not isinstance(value, int | float) or isinstance(value, bool):
                failures.append(
                    f"{key}: not measured (no question applies), needs {sign} {bound:g}"
                )
            elif (value < bound) if side == "min" else (value > bound):
                failures.append(f"{key} = {value:g}, needs {sign} {bound:g}")
    return failures
