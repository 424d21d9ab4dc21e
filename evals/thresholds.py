"""The CI gate: compare summary figures with the bounds in thresholds.toml."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any


class ThresholdError(ValueError):
    """A thresholds file that cannot be read or has unknown sections."""


def default_thresholds() -> Path:
    return Path(__file__).resolve().parent / "thresholds.toml"


def load_thresholds(path: str | Path | None = None) -> dict[str, dict[str, float]]:
    """``{"min": {figure: bound}, "max": {figure: bound}}`` from a TOML file."""
    p = Path(path) if path is not None else default_thresholds()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ThresholdError(f"{p}: file not found; pass --thresholds FILE") from None
    except tomllib.TOMLDecodeError as e:
        raise ThresholdError(f"{p}: not valid TOML ({e})") from None
    unknown = sorted(set(data) - {"min", "max"})
    if unknown:
        raise ThresholdError(f"{p}: unknown section(s) {', '.join(unknown)}; use [min] and [max]")
    out: dict[str, dict[str, float]] = {"min": {}, "max": {}}
    for side in ("min", "max"):
        for key, bound in data.get(side, {}).items():
            if isinstance(bound, bool) or not isinstance(bound, int | float):
                raise ThresholdError(f"{p}: [{side}] {key} must be a number, not {bound!r}")
            out[side][key] = float(bound)
    return out


def figure(summary: Mapping[str, Any], key: str) -> Any:
    """``summary[key]``, following dots into nested mappings; None when absent."""
    node: Any = summary
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def check_thresholds(summary: Mapping[str, Any], path: str | Path | None = None) -> list[str]:
    """One message per figure that misses its bound (empty: the gate passes)."""
    bounds = load_thresholds(path)
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
