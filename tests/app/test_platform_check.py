"""The start-up check for Qt's xcb platform: which plugin, which libraries, which packages.

The package names are checked against Debian's own package database (``dpkg -S``) for every
library the installed plugin links, not against a list kept here."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app.platform_check import (
    XCB_PLUGIN,
    debian_package,
    fedora_package,
    first_platform,
    missing_libraries,
    plugin_dirs,
    window_problem,
    x_display_problem,
    xcb_helper_libraries,
    xcb_plugin,
)


def test_first_platform_follows_qt_rules() -> None:
    assert first_platform({}) == "xcb"
    assert first_platform({"XDG_SESSION_TYPE": "wayland"}) == "wayland"
    assert first_platform({"QT_QPA_PLATFORM": "wayland;xcb"}) == "wayland"
    assert first_platform({"QT_QPA_PLATFORM": "xcb:nograb"}) == "xcb"
    chosen = {"QT_QPA_PLATFORM": "offscreen", "XDG_SESSION_TYPE": "wayland"}
    assert first_platform(chosen) == "offscreen"


def test_no_display_is_said_and_offscreen_needs_none() -> None:
    assert "no display found" in window_problem({})
    assert "no display found" in window_problem({"QT_QPA_PLATFORM": "xcb"})
    assert window_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert window_problem({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}) is None


def test_an_x_display_nobody_serves_is_said() -> None:
    problem = x_display_problem(":1999")  # no X server listens on display 1999
    assert problem is not None and "cannot connect to the X display ':1999'" in problem


def test_plugin_path_variables_come_first(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / XCB_PLUGIN).write_bytes(b"")
    env = {"QT_QPA_PLATFORM_PLUGIN_PATH": str(tmp_path / "mine")}
    assert xcb_plugin(env) == tmp_path / "mine" / XCB_PLUGIN
    installed = xcb_plugin({})
    assert installed is not None and installed.parent == plugin_dirs({})[-1]


def test_debian_names_follow_the_soname_policy() -> None:
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libX11.so.6") == "libx11-6"
    assert fedora_package("libxcb-icccm.so.4") == "xcb-util-wm"
    assert fedora_package("libxcb-randr.so.0") == "libxcb"
    assert fedora_package("libfoo.so.3") == "'libfoo.so.3()(64bit)'"  # asked for by soname


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="not a Debian-based system")
def test_debian_names_match_dpkg_for_every_library_the_plugin_links() -> None:
    plugin = xcb_plugin({})
    out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True).stdout
    checked = 0
    for soname, path in re.findall(r"^\s*(\S+) => (/\S+)", out, re.MULTILINE):
        if "site-packages" in path:
            continue  # Qt's own libraries come with PySide6
        owner = subprocess.run(
            ["dpkg", "-S", str(Path(path).resolve())], capture_output=True, text=True, check=False
        )
        if owner.returncode != 0:
            continue  # installed outside the package manager
        assert owner.stdout.split(":")[0] == debian_package(soname), soname
        checked += 1
    assert checked >= 10


def _plugin_linking_absent_libraries(tmp_path: Path) -> Path:
    """A copy of the real plugin whose links to xcb-icccm and xcb-keysyms name versions no
    system has (same-length names in its string table), beside Qt's libraries as installed."""
    plugin = xcb_plugin({})
    data = plugin.read_bytes()
    for name in (b"libxcb-icccm.so.4\0", b"libxcb-keysyms.so.1\0"):
        assert data.count(name) == 1
        data = data.replace(name, name[:-2] + b"9\0")
    copy = tmp_path / "plugins" / "platforms" / XCB_PLUGIN
    copy.parent.mkdir(parents=True)
    (tmp_path / "lib").symlink_to(plugin.parents[2] / "lib")  # Qt's, at its $ORIGIN/../../lib
    copy.write_bytes(data)
    return copy


def test_a_plugin_linking_absent_libraries_names_every_one(tmp_path: Path) -> None:
    """The loader refuses the copy and ldd names both absent libraries, in the plugin's order."""
    copy = _plugin_linking_absent_libraries(tmp_path)
    missing, error = missing_libraries(copy)
    assert missing[:2] == ["libxcb-icccm.so.9", "libxcb-keysyms.so.9"]
    assert "libxcb-icccm.so.9" in error


def test_bundle_helpers_are_what_the_plugin_links_and_a_build_without_them_stops(
    tmp_path: Path,
) -> None:
    if missing_libraries(xcb_plugin({}))[1]:
        pytest.skip("this machine lacks xcb libraries (.ci/run installs them)")
    helpers = {path.name for path in xcb_helper_libraries({})}
    needed = {
        "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-image.so.0",
        "libxcb-render-util.so.0", "libxkbcommon-x11.so.0",
    }  # fmt: skip
    assert needed <= helpers
    assert not any(name.startswith(("libc.", "libX11.", "libxcb.so", "libGL")) for name in helpers)
    copy = _plugin_linking_absent_libraries(tmp_path)
    with pytest.raises(SystemExit, match="apt-get install libxcb-icccm9 libxcb-keysyms9"):
        xcb_helper_libraries({"QT_QPA_PLATFORM_PLUGIN_PATH": str(copy.parent)})
