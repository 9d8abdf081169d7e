"""Strategy parameters declared once (resources/presets/parameters.toml) and the presets
that override them (one TOML file per preset). Strategy forms and ``--set`` use these."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from resources import resource_path

PRESET_DIR = resource_path("presets")
TYPES = ("int", "float", "choice", "str", "int_list", "pairs")
SYMBOL_SOURCES = ("ticked", "store")
"""What a symbol parameter may name: a ticked instrument of the universe, or any stored series."""
DEFAULT_PRESET = "tsmom-blend"


@dataclass(frozen=True)
class ParamSpec:
    """One declared parameter."""

    name: str
    type: str
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    sweep: str = ""  # default sweep range (A:B:STEP or a,b,c); empty when not swept
    signals: tuple[str, ...] = ()  # the rules it belongs to; empty: every rule
    advanced: bool = False  # a setting of every rule, up front only when a preset sets it
    symbols: str = ""  # one of SYMBOL_SOURCES when the value names a series, else empty
    unit: str = ""  # of a number: days, months, bp, fraction / year, ×, ... (axis labels)

    def parse(self, value: Any) -> Any:
        """Convert and check a value (text from a form or the command line, or a TOML value)."""
        try:
            converted = self._convert(value)
        except (TypeError, ValueError):
            raise ValueError(f"{self.name}: {value!r} is not a valid {self.type}") from None
        self._check(converted)
        return converted

    def _convert(self, value: Any) -> Any:
        if self.type == "int":
            number = float(value)
            if number != int(number):
                raise ValueError
            return int(number)
        if self.type == "float":
            return float(value)
        if self.type == "int_list":
            items = value.split(",") if isinstance(value, str) else list(value)
            return tuple(int(str(v).strip()) for v in items)
        if self.type == "pairs":
            text = value if isinstance(value, str) else ",".join(f"{a}/{b}" for a, b in value)
            pairs = tuple(tuple(int(x) for x in part.split("/")) for part in text.split(","))
            if any(len(p) != 2 for p in pairs):
                raise ValueError
            return pairs
        return str(value).strip()

    def _check(self, value: Any) -> None:
        if self.type == "choice" and value not in self.choices:
            raise ValueError(f"{self.name}: {value!r} is not one of {', '.join(self.choices)}")
        numbers: list[float] = []
        if self.type in ("int", "float"):
            numbers = [value]
        elif self.type == "int_list":
            if not value:
                raise ValueError(f"{self.name}: needs at least one value")
            numbers = list(value)
        elif self.type == "pairs" and (not value or any(f < 1 or s <= f for f, s in value)):
            raise ValueError(f"{self.name}: pairs must be fast/slow with 1 <= fast < slow")
        for number in numbers:
            if self.min is not None and number < self.min:
                raise ValueError(f"{self.name}: {number} is below the minimum {self.min}")
            if self.max is not None and number > self.max:
                raise ValueError(f"{self.name}: {number} is above the maximum {self.max}")


@dataclass(frozen=True)
class Preset:
    """A named set of parameter values for one CTA family."""

    name: str
    title: str
    family: str
    description: str
    values: dict[str, Any] = field(default_factory=dict)


@cache
def parameter_specs() -> dict[str, ParamSpec]:
    """All declared parameters, in declaration order."""
    raw = tomllib.loads((PRESET_DIR / "parameters.toml").read_text(encoding="utf-8"))
    specs = {}
    rules = set(raw["signal"]["choices"])
    for name, body in raw.items():
        if body["type"] not in TYPES:
            raise ValueError(f"parameters.toml: {name} has unknown type {body['type']!r}")
        if not rules.issuperset(body.get("signals", ())):
            raise ValueError(f"parameters.toml: {name} names an unknown signal")
        if body.get("symbols", "") not in ("", *SYMBOL_SOURCES):
            raise ValueError(f"parameters.toml: {name} has unknown symbols {body['symbols']!r}")
        spec = ParamSpec(
            name=name,
            type=body["type"],
            default=None,
            help=body["help"],
            min=body.get("min"),
            max=body.get("max"),
            choices=tuple(body.get("choices", ())),
            sweep=body.get("sweep", ""),
            signals=tuple(body.get("signals", ())),
            advanced=bool(body.get("advanced", False)),
            symbols=body.get("symbols", ""),
            unit=body.get("unit", ""),
        )
        specs[name] = ParamSpec(**{**spec.__dict__, "default": spec.parse(body["default"])})
    return specs


@cache
def presets() -> dict[str, Preset]:
    """Every preset file, by name."""
    out = {}
    for path in sorted(Path(PRESET_DIR).glob("*.toml")):
        if path.name == "parameters.toml":
            continue
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        head = raw["preset"]
        out[head["name"]] = Preset(
            head["name"], head["title"], head["family"], head["description"], raw.get("values", {})
        )
    return out


def resolve(
    preset: str = DEFAULT_PRESET, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Full parameter set: declared defaults, then the preset's values, then ``overrides``."""
    if preset not in presets():
        raise ValueError(f"unknown preset {preset!r} (one of {', '.join(presets())})")
    specs = parameter_specs()
    params = {name: spec.default for name, spec in specs.items()}
    for source in (presets()[preset].values, overrides or {}):
        for key, value in source.items():
            if key not in specs:
                raise ValueError(f"unknown parameter {key!r} (known: {', '.join(specs)})")
            params[key] = specs[key].parse(value)
    return params


def used_parameters(preset: str, signal: str) -> tuple[str, ...]:
    """The parameters a strategy form shows up front for ``preset`` run with rule ``signal``,
    in declaration order: those of the rule, the general ones not marked advanced, and the
    advanced ones the preset sets. The others keep their values (an Advanced section)."""
    chosen = presets()[preset].values
    return tuple(
        name
        for name, spec in parameter_specs().items()
        if (signal in spec.signals if spec.signals else not spec.advanced or name in chosen)
    )


def parse_assignments(items: list[str]) -> dict[str, str]:
    """``["key=value", ...]`` from the command line into a dict (values stay text)."""
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set expects key=value, got {item!r}")
        out[key.strip()] = value.strip()
    return out
