"""The first-start welcome: what the desk does, that the demo is synthetic, how to bring real
data in, where the docs and files are. Dismissed for good with its checkbox; Help reopens it."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def welcome_html(data_dir: str, log_dir: str) -> str:
    """The welcome text (rich text), naming the user's data and log folders."""
    return f"""
<h2>Welcome to CTA Desk</h2>
<p>CTA Desk studies CTA (trend-following) strategies and how they interact with the VIX:
the VIX regime and the rule of 16, backtests of the four CTA families, parameter sweeps,
CTA trigger levels and flow estimates, and replays of stress events (5 Aug 2024, Mar 2020,
Feb 2018, Oct 2008).</p>
<p><b>The data you see now is the demo universe: synthetic</b>, generated from a fixed seed and
labelled <b>DEMO (synthetic)</b> wherever it is shown. It shows how the desk works, not how
markets behaved.</p>
<p><b>Bring your own data</b></p>
<ul>
<li><b>Import CSV files</b> (File &gt; Import CSV&hellip;, or drop files on the window): CBOE VIX
history, Yahoo-style OHLC files, single series, wide panels of futures, CFE VX settlements.
A file that would change a series stored from another source asks first.</li>
<li><b>Fetch online</b> (File &gt; Fetch online&hellip;): CBOE VIX, VIX9D and VIX3M, and daily bars
from Stooq, when this machine is online.</li>
<li>The same from a terminal: <code>ctadesk-cli data import FILE</code>; every command has
<code>--help</code> and <code>--json</code>.</li>
</ul>
<p><b>Start</b>: pick a preset in the Strategy dock and press Run backtest (Ctrl+R); Event Replay
replays a crisis day by day, and the gauge and Rule of 16 follow the replayed day.</p>
<p>Your data lives in <code>{html.escape(data_dir)}</code>, logs in
<code>{html.escape(log_dir)}</code> (Help &gt; Open log folder). How every number is made is
described in the README and in docs/methodology.md of CTA Desk's source.</p>
"""


class WelcomeDialog(QDialog):
    """Non-modal welcome; ``import_requested`` / ``fetch_requested`` open the Data dock's
    dialogs. ``show_at_start`` is the checkbox: unchecked means dismissed for good."""

    import_requested = Signal()
    fetch_requested = Signal()

    def __init__(
        self, parent: QWidget | None, data_dir: str, log_dir: str, show_at_start: bool = True
    ) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("Welcome to CTA Desk")
        self.text = QLabel(welcome_html(data_dir, log_dir), self)
        self.text.setObjectName("welcomeText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.show_at_start = QCheckBox("Show this welcome at start", self)
        self.show_at_start.setObjectName("welcomeShowAtStart")
        self.show_at_start.setChecked(show_at_start)
        self.show_at_start.setToolTip("Untick to dismiss it for good (Help > Welcome reopens it)")
        import_button = QPushButton("Import CSV…", self)
        import_button.setToolTip("Import a CSV file into the data store (File > Import CSV)")
        import_button.clicked.connect(self.import_requested)
        fetch_button = QPushButton("Fetch online…", self)
        fetch_button.setToolTip("Download CBOE VIX history or Stooq daily bars (File > Fetch)")
        fetch_button.clicked.connect(self.fetch_requested)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setToolTip("Close the welcome")
        actions = QHBoxLayout()
        actions.addWidget(import_button)
        actions.addWidget(fetch_button)
        actions.addStretch(1)
        actions.addWidget(self.show_at_start)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(actions)
        layout.addWidget(buttons)
        self.resize(620, 560)
