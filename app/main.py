"""``ctadesk``: the GUI entry point (also ``--self-test`` and ``--reset``)."""

from __future__ import annotations

import time

_T0 = time.perf_counter()  # start-up is measured from the moment this entry module loads

import argparse  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

from app import __version__  # noqa: E402
from app.logs import setup_logging  # noqa: E402
from app.paths import app_paths, configure_numba_cache  # noqa: E402
from app.platform_check import window_problem  # noqa: E402

log = logging.getLogger("ctadesk")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctadesk", description="CTA Desk: CTA trend-following strategies and the VIX."
    )
    parser.add_argument("--version", action="version", version=f"ctadesk {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="open the window off screen, run jobs through the worker path, report and exit",
    )
    parser.add_argument("--json", action="store_true", help="self-test report as one JSON object")
    parser.add_argument("--screenshot", type=Path, help="self-test: save a PNG of the window here")
    parser.add_argument(
        "--size",
        type=_window_size,
        metavar="WxH",
        help="self-test: the window's size (e.g. 1366x768) for the layout check and screenshot",
    )
    parser.add_argument(
        "--reset", action="store_true", help="forget saved window layout and settings first"
    )
    return parser


def _window_size(text: str) -> tuple[int, int]:
    """``WxH`` as (width, height), for ``--size``."""
    width, _x, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()) or min(int(width), int(height)) < 200:
        raise argparse.ArgumentTypeError(f"{text!r} is not a window size like 1366x768")
    return int(width), int(height)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = window_problem()
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        _log_problem(problem)
        return 2
    paths = app_paths().ensure()
    configure_numba_cache(paths)
    setup_logging(paths)
    log.info("CTA Desk %s starting (python %s)", __version__, sys.version.split()[0])

    from app.bootstrap import create_application, route_qt_messages_to_log
    from app.errors import install_exception_hooks
    from app.mainwindow import MainWindow
    from app.settings import clear_settings

    route_qt_messages_to_log()
    qapp = create_application()
    if args.reset:
        clear_settings(paths)
        log.info("settings cleared (--reset)")
    window = MainWindow(welcome=not args.self_test, defer=True)  # shown first, filled at once
    install_exception_hooks(window.errors)

    if args.self_test:
        from app.selftest import run_self_test

        report = run_self_test(window, _T0, args.screenshot, args.size)
        log.info("self-test: %s", json.dumps(report))
        if args.json:
            print(json.dumps(report))
        else:
            for key, value in report.items():
                print(f"{key:>18}: {value}")
        return 0 if report["ok"] else 1

    window.show()
    return qapp.exec()


def _log_problem(problem: str) -> None:
    """Also in the log file: a desktop launcher shows no terminal for the message."""
    try:
        setup_logging(app_paths().ensure())
    except OSError:
        return
    log.error("cannot start: %s", problem)


if __name__ == "__main__":
    sys.exit(main())
