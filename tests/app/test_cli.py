"""ctadesk-cli contract: JSON keys, values, exit status 2 with one error line."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import render_table, run

CLI = shutil.which("ctadesk-cli", path=str(Path(sys.executable).parent)) or "ctadesk-cli"


def _json(argv: list[str]) -> dict:
    status, out, err = run(argv)
    assert status == 0, err
    assert err == ""
    assert "\n" not in out
    return json.loads(out)


def test_rule16_vix_32_gives_two_percent() -> None:
    res = _json(["rule16", "--vix", "32", "--json"])
    assert res["daily_move_pct"] == 2.0
    assert res["daily_move_pct_252"] == pytest.approx(32 / 252**0.5)
    assert {"points_1sigma", "points_2sigma"} <= res.keys()
    assert res["points_1sigma"] is None  # no --level given


def test_rule16_points_for_a_level() -> None:
    res = _json(["rule16", "--vix", "20", "--level", "6400", "--json"])
    # 20 / 16 = 1.25% of 6400 = 80 points; 2 sigma = 160
    assert res["points_1sigma"] == pytest.approx(80.0)
    assert res["points_2sigma"] == pytest.approx(160.0)
    assert res["range_2sigma"] == pytest.approx([6240.0, 6560.0])


def test_rule16_days_option() -> None:
    assert _json(["rule16", "--vix", "25", "--days", "625", "--json"])["daily_move_pct"] == 1.0


@pytest.mark.parametrize(
    ("vix", "zone"),
    [
        ("20.6", "warning"),
        ("14.99", "complacency"),
        ("15", "normal"),
        ("30", "panic"),
        ("25", "fear"),
    ],
)
def test_regime_zone(vix: str, zone: str) -> None:
    res = _json(["regime", "--vix", vix, "--json"])
    assert res["zone"] == zone
    assert res["thresholds"] == [15.0, 20.0, 25.0, 30.0]


def test_regime_custom_thresholds() -> None:
    res = _json(["regime", "--vix", "20.6", "--thresholds", "12,21,25,28", "--json"])
    assert res["zone"] == "normal"
    assert res["thresholds"] == [12.0, 21.0, 25.0, 28.0]


@pytest.mark.parametrize(
    "argv",
    [
        ["rule16", "--vix", "abc"],
        ["rule16", "--vix", "-5", "--json"],
        ["rule16", "--vix", "nan"],
        ["rule16", "--vix", "20", "--days", "0"],
        ["rule16", "--vix", "20", "--days", "x"],
        ["rule16", "--vix", "20", "--level", "-1"],
        ["rule16"],
        ["regime", "--vix", "inf", "--json"],
        ["regime", "--vix", "20", "--thresholds", "30,25,20,15"],
        ["regime", "--vix", "20", "--thresholds", "15,20"],
        ["no-such-command"],
        [],
    ],
)
def test_bad_input_exits_2_with_one_error_line(argv: list[str]) -> None:
    status, out, err = run(argv)
    assert status == 2
    assert out == ""
    assert err.startswith("error: ")
    assert "\n" not in err


def test_table_output_is_readable() -> None:
    status, out, _ = run(["rule16", "--vix", "32", "--level", "5000"])
    assert status == 0
    lines = out.splitlines()
    assert any(line.split() == ["daily_move_pct", "2.0"] for line in lines)
    assert any(line.split() == ["points_1sigma", "100.0"] for line in lines)
    assert all(line == line.rstrip() for line in lines)
    status, out, _ = run(["regime", "--vix", "20.6"])
    assert "warning" in out and "complacency" in out


def test_paths_follow_ctadesk_home(ctadesk_home: Path) -> None:
    res = _json(["paths", "--json"])
    assert res["data"] == str(ctadesk_home / "data")
    assert res["logs"] == str(ctadesk_home / "logs")
    assert res["cache"] == str(ctadesk_home / "cache")


def test_console_script_end_to_end(ctadesk_home: Path) -> None:
    ok = subprocess.run(
        [CLI, "rule16", "--vix", "32", "--json"],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["daily_move_pct"] == 2.0
    assert ok.stdout.count("\n") == 1
    bad = subprocess.run(
        [CLI, "regime", "--vix", "minus-one", "--json"],
        capture_output=True,
        check=False,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1
    assert (ctadesk_home / "logs" / "ctadesk.log").exists()


def test_importing_the_cli_does_not_load_the_compiler() -> None:
    """Light commands (rule16, regime --vix, paths) start without numba; engine modules that
    need it are imported by the commands that run kernels."""
    import subprocess
    import sys

    code = "import sys, app.cli; print('numba' in sys.modules, 'engine.kernels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_objects_print_as_indented_tables() -> None:
    text = render_table({"target": 0.1, "next": {"1d": {"date": "2024-08-05", "vix": 38.57}}})
    assert text.splitlines() == [
        "target  0.1",
        "",
        "next:",
        "  1d:",
        "    date  2024-08-05",
        "    vix   38.57",
    ]


def test_a_reader_that_leaves_early_is_not_an_error() -> None:
    """`ctadesk-cli ... | head -1`: the pipe closes before the output is written; the command
    still exits 0 with no traceback."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "regime", "--vix", "20.6"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # before the interpreter has even started: every write hits EPIPE
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err


def test_every_command_prints_its_help() -> None:
    """`--help` formats every command's and option's text (a bare % in one broke them all)."""
    import argparse

    from app.cli import build_parser

    def walk(parser: argparse.ArgumentParser) -> int:
        assert parser.format_help()
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return 1 + sum(walk(p) for s in subs for p in s.choices.values())

    assert walk(build_parser()) > 20
