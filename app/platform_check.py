"""Can a window open here? Checked before the QApplication exists, so a missing piece is a
clear message and exit status 2, never Qt's abort ("could not load the Qt platform plugin").

On Linux the xcb platform plugin links X libraries a minimal desktop may lack (libxcb-cursor,
libxcb-icccm, libxcb-keysyms, ...). The list is read from the plugin Qt would load, with the
dynamic loader itself (``dlopen``, then ``ldd`` for every missing name), so it never goes stale
as Qt's needs change. Package names follow Debian's library-naming policy and Fedora's
xcb-util split; ``python -m app.platform_check --debian-packages`` prints the Debian packages
that would fix this machine (``.ci/run`` uses it).
"""

from __future__ import annotations

import _ctypes
import argparse
import ctypes
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

XCB_PLUGIN = "libqxcb.so"

# Debian names a library package after its soname (libfoo.so.N -> libfooN, libfoo2.so.N ->
# libfoo2-N); these do not follow that rule
_DEBIAN_EXCEPTIONS = {
    **dict.fromkeys(("libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2"), "libc6"),
    **dict.fromkeys(("librt.so.1", "libresolv.so.2"), "libc6"),
    **dict.fromkeys(
        ("libglib-2.0.so.0", "libgthread-2.0.so.0", "libgobject-2.0.so.0", "libgio-2.0.so.0"),
        "libglib2.0-0",
    ),
    **dict.fromkeys(("libbrotlidec.so.1", "libbrotlicommon.so.1"), "libbrotli1"),
    "libGLdispatch.so.0": "libglvnd0",
    "libz.so.1": "zlib1g",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
}
# Fedora ships the xcb-util libraries in a few packages named after the upstream modules
_FEDORA = {
    "libxcb-cursor": "xcb-util-cursor",
    "libxcb-icccm": "xcb-util-wm",
    "libxcb-ewmh": "xcb-util-wm",
    "libxcb-keysyms": "xcb-util-keysyms",
    "libxcb-image": "xcb-util-image",
    "libxcb-render-util": "xcb-util-renderutil",
    "libxcb-util": "xcb-util",
    "libxkbcommon-x11": "libxkbcommon-x11",
    "libxkbcommon": "libxkbcommon",
    "libX11-xcb": "libX11-xcb",
    "libX11": "libX11",
    "libGL": "libglvnd-glx",
    "libGLX": "libglvnd-glx",
    "libEGL": "libglvnd-egl",
    "libOpenGL": "libglvnd-opengl",
    "libfontconfig": "fontconfig",
    "libfreetype": "freetype",
    "libdbus-1": "dbus-libs",
}
_XCB_HELPERS = re.compile(
    r"lib(xcb-(cursor|icccm|ewmh|keysyms|image|render-util|util)|xkbcommon(-x11)?)\.so"
)
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
_LOADER_ERROR = re.compile(r"([^\s:]+\.so[.\d]*): ")


def first_platform(env: Mapping[str, str]) -> str:
    """The platform Qt tries first: QT_QPA_PLATFORM's first entry (``wayland;xcb``, options
    after ``:`` ignored), else Qt's default (wayland on a Wayland session, xcb otherwise)."""
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    return "wayland" if env.get("XDG_SESSION_TYPE") == "wayland" else "xcb"


def plugin_dirs(env: Mapping[str, str]) -> list[Path]:
    """Where Qt looks for platform plugins, in its order: QT_QPA_PLATFORM_PLUGIN_PATH, then
    each QT_PLUGIN_PATH entry's platforms/, then the installation's (the bundle's when frozen)."""
    from PySide6.QtCore import QLibraryInfo

    dirs = [Path(p) for p in env.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    dirs += [Path(p) / "platforms" for p in env.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p]
    dirs.append(Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms")
    return dirs


def xcb_plugin(env: Mapping[str, str]) -> Path | None:
    """The xcb plugin Qt would load, or None when there is none."""
    return next((d / XCB_PLUGIN for d in plugin_dirs(env) if (d / XCB_PLUGIN).is_file()), None)


def missing_libraries(plugin: Path) -> tuple[list[str], str]:
    """The shared libraries ``plugin`` needs that the dynamic loader cannot load, and the
    loader's own words (both empty when the plugin loads). ``dlopen`` decides; ``ldd`` names
    every missing library, not just the first."""
    try:  # _ctypes.dlopen, not ctypes.CDLL: the frozen app's CDLL hides the loader's words
        _ctypes.dlopen(str(plugin), os.RTLD_LAZY)
        return [], ""
    except OSError as exc:
        error = str(exc)
    listed = _ldd(plugin)
    names = _NOT_FOUND.findall(listed)
    for failed in _LOADER_ERROR.findall(error + "\n" + listed):
        if Path(failed).name != plugin.name:
            names.append(Path(failed).name)  # present but unloadable (broken, wrong arch)
    return list(dict.fromkeys(names)), error


def _ldd(plugin: Path) -> str:
    ldd = shutil.which("ldd")
    if not ldd:
        return ""
    done = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, check=False)
    return done.stdout + done.stderr


def xcb_helper_libraries(env: Mapping[str, str]) -> list[Path]:
    """The libraries of the xcb-util and xkbcommon families the xcb plugin links, as the loader
    resolves them here: what a minimal desktop lacks, so the bundle carries them. Raises
    SystemExit with the install line when this machine lacks any library the plugin needs."""
    plugin = xcb_plugin(env)
    if plugin is None:
        return []
    missing, error = missing_libraries(plugin)
    if error:
        raise SystemExit(
            "build machine: " + _missing_message(plugin, missing, error, {}).split("\n", 1)[1]
        )
    resolved = re.findall(r"^\s*(\S+) => (/\S+)", _ldd(plugin), re.MULTILINE)
    return [Path(path) for name, path in resolved if _XCB_HELPERS.match(name)]


def debian_package(soname: str) -> str:
    """Debian's package for a library soname (libxcb-icccm.so.4 -> libxcb-icccm4)."""
    if soname in _DEBIAN_EXCEPTIONS:
        return _DEBIAN_EXCEPTIONS[soname]
    stem, _, version = soname.partition(".so.")
    name = stem.lower()
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def fedora_package(soname: str) -> str:
    """Fedora's package for a library soname; an unknown one is asked for by what it provides."""
    stem = soname.partition(".so")[0]
    if stem in _FEDORA:
        return _FEDORA[stem]
    if stem.startswith("libxcb-") or stem == "libxcb":
        return "libxcb"
    return f"'{soname}()(64bit)'"


def window_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Why a window cannot open here, as the message to show, or None when it can."""
    env = os.environ if env is None else env
    if not sys.platform.startswith("linux"):
        return None
    platform = first_platform(env)
    if platform != "xcb":
        if env.get("QT_QPA_PLATFORM") or env.get("WAYLAND_DISPLAY"):
            return None
        return _no_display()
    if not env.get("DISPLAY"):
        return _no_display()
    return xcb_libraries_problem(env) or x_display_problem(env["DISPLAY"])


def x_display_problem(display: str) -> str | None:
    """None when the X server ``display`` names accepts a connection (libxcb's xcb_connect,
    as Qt's plugin connects), else why not: Qt aborts on an unreachable display too."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None  # the library check names what is missing
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    error = xcb.xcb_connection_has_error(connection)
    xcb.xcb_disconnect(connection)
    if error == 0:
        return None
    return (
        f"cannot connect to the X display {display!r} (DISPLAY): no X server answers there, or "
        "this user may not use it (XAUTHORITY). Start CTA Desk from the desktop session, or run "
        "`ctadesk --self-test` / set QT_QPA_PLATFORM=offscreen"
    )


def xcb_libraries_problem(env: Mapping[str, str]) -> str | None:
    """The message naming the libraries the xcb plugin lacks, or None when it loads."""
    plugin = xcb_plugin(env)
    if plugin is None:
        return None  # no xcb plugin shipped: Qt says which platforms it has
    missing, error = missing_libraries(plugin)
    return _missing_message(plugin, missing, error, env) if error else None


def _no_display() -> str:
    return (
        "no display found (DISPLAY and WAYLAND_DISPLAY are unset): start CTA Desk from a "
        "desktop session, or run `ctadesk --self-test` / set QT_QPA_PLATFORM=offscreen"
    )


def _packages(sonames: list[str], package: Callable[[str], str]) -> str:
    """The packages providing ``sonames``, each once, in order."""
    return " ".join(dict.fromkeys(package(name) for name in sonames))


def _missing_message(plugin: Path, missing: list[str], error: str, env: Mapping[str, str]) -> str:
    lines = [
        "CTA Desk cannot open a window: Qt's xcb platform plugin needs libraries this system "
        "lacks or cannot load:",
        f"  {', '.join(missing) or 'see the loader message below'}",
        f"  (needed by {plugin}; the loader says: {error})",
    ]
    if missing:
        lines += [
            "Install them with one command, then start CTA Desk again:",
            f"  Debian/Ubuntu: sudo apt-get install {_packages(missing, debian_package)}",
            f"  Fedora:        sudo dnf install {_packages(missing, fedora_package)}",
        ]
    if env.get("WAYLAND_DISPLAY"):
        lines.append(
            "Or, on this Wayland session, use Qt's Wayland platform: "
            "QT_QPA_PLATFORM=wayland ctadesk"
        )
    lines.append("The command line (ctadesk-cli) needs no window and works as it is.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m app.platform_check``: the problem (exit 2) or nothing (exit 0)."""
    parser = argparse.ArgumentParser(prog="python -m app.platform_check")
    parser.add_argument(
        "--debian-packages",
        action="store_true",
        help="print the Debian packages the xcb plugin needs and this machine lacks",
    )
    args = parser.parse_args(argv)
    if args.debian_packages:
        plugin = xcb_plugin(os.environ)
        missing = missing_libraries(plugin)[0] if plugin else []
        print(_packages(missing, debian_package))
        return 0
    problem = xcb_libraries_problem(os.environ)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
