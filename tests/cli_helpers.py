"""Running ``ctadesk-cli`` in-process in tests: success gives the JSON object, failure the
single ``error:`` line (exit status 2, nothing on stdout)."""

from __future__ import annotations

import json

from app.cli import run


def cli_ok(argv: list[str]) -> dict:
    status, out, err = run([*argv, "--json"])
    assert status == 0, err
    return json.loads(out)


def cli_fails(argv: list[str]) -> str:
    status, out, err = run(argv)
    assert status == 2 and out == "" and err.startswith("error: ") and "\n" not in err, err
    return err
