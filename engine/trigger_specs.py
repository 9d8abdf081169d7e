"""The trigger signals as typed (``ret:252,sma:200,...``): their parsing and the desk's
default. No numpy or pandas: the Triggers & Flows dock parses them before any job."""

from __future__ import annotations

from dataclasses import dataclass

from engine.presets import parameter_specs

DEFAULT_SIGNALS = (
    "ret:252,sma:200,smax:50/200,emax:16/64,"
    + "blend:"
    + "/".join(str(lb) for lb in parameter_specs()["lookbacks"].default)
)
"""The desk's default trigger signals: the classic trend rules and the default TSMOM blend."""


@dataclass(frozen=True)
class SignalSpec:
    kind: str  # ret, sma, smax, emax, blend
    a: int
    b: int = 0
    lookbacks: tuple[int, ...] = ()

    @property
    def label(self) -> str:
        if self.kind == "blend":
            return "blend:" + "/".join(map(str, self.lookbacks))
        return f"{self.kind}:{self.a}" + (f"/{self.b}" if self.b else "")

    @property
    def history(self) -> int:
        """Closes needed to compute the signal today."""
        return max((self.a, self.b, *self.lookbacks)) + 1


def parse_signals(text: str) -> list[SignalSpec]:
    """``ret:252,sma:200,smax:50/200,emax:16/64,blend:63/126/189/252``."""
    specs = []
    for item in (part.strip() for part in text.split(",") if part.strip()):
        kind, _, arg = item.partition(":")
        try:
            numbers = [int(x) for x in arg.split("/")]
        except ValueError:
            raise ValueError(f"bad signal {item!r}: expected e.g. ret:252 or smax:50/200") from None
        if kind in ("ret", "sma") and len(numbers) == 1 and numbers[0] >= 2:
            specs.append(SignalSpec(kind, numbers[0]))
        elif kind in ("smax", "emax") and len(numbers) == 2 and 1 <= numbers[0] < numbers[1]:
            specs.append(SignalSpec(kind, numbers[0], numbers[1]))
        elif kind == "blend" and len(numbers) >= 2 and min(numbers) >= 2:
            specs.append(SignalSpec("blend", 0, 0, tuple(numbers)))
        else:
            raise ValueError(
                f"bad signal {item!r}: use ret:L, sma:n, smax:n/m, emax:f/s (n < m) "
                "or blend:L1/L2/..."
            )
    if not specs:
        raise ValueError("no signals given")
    return specs
