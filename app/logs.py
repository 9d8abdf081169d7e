"""Logging to a rotating file in the user log dir (see app/paths.py)."""

from __future__ import annotations

import logging
import logging.handlers

from app.paths import AppPaths, app_paths

LOG_FORMAT = "%(asctime)s %(levelname)-8s [%(threadName)s] %(name)s: %(message)s"
_HANDLER_NAME = "ctadesk-file"


def setup_logging(paths: AppPaths | None = None, level: int = logging.INFO) -> logging.Handler:
    """Install (once per log file) a rotating file handler on the root logger and return it."""
    paths = (paths or app_paths()).ensure()
    root = logging.getLogger()
    for handler in root.handlers:
        if handler.get_name() == _HANDLER_NAME:
            if getattr(handler, "baseFilename", None) == str(paths.log_file):
                return handler
            root.removeHandler(handler)
            handler.close()
    handler = logging.handlers.RotatingFileHandler(
        paths.log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    return handler
