"""Check a freedesktop desktop entry (the menu item the .deb installs) where
``desktop-file-validate`` is not installed: the required keys, their values, and, given the
package's root, that the program and the icon it names are there.

``python -m resources.packaging.desktop_entry FILE [--root ROOT]``: exit 1 with the problems."""

from __future__ import annotations

import argparse
import configparser
import sys
from pathlib import Path

GROUP = "Desktop Entry"
KNOWN_KEYS = {
    "Type", "Version", "Name", "GenericName", "NoDisplay", "Comment", "Icon", "Hidden",
    "OnlyShowIn", "NotShowIn", "DBusActivatable", "TryExec", "Exec", "Path", "Terminal",
    "Actions", "MimeType", "Categories", "Implements", "Keywords", "StartupNotify",
    "StartupWMClass", "URL", "PrefersNonDefaultGPU", "SingleMainWindow",
}  # fmt: skip
MAIN_CATEGORIES = {
    "AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics", "Network",
    "Office", "Science", "Settings", "System", "Utility",
}  # fmt: skip
RELATED = {"Finance": {"Office"}}
"""Additional categories used here and the main categories one of which must come with them."""


def read_entry(path: Path) -> dict[str, str]:
    """The ``[Desktop Entry]`` group's keys and values (KeyError when the group is missing)."""
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return dict(parser[GROUP])


def problems(entry: dict[str, str]) -> list[str]:
    """What is wrong with an application entry (empty when nothing is)."""
    found = []
    for key in ("Type", "Name", "Exec", "Icon", "Categories"):
        if not entry.get(key):
            found.append(f"{key} is missing")
    if entry.get("Type", "Application") != "Application":
        found.append(f"Type is {entry['Type']!r}, not 'Application'")
    unknown = {k.split("[")[0] for k in entry} - KNOWN_KEYS
    found += [f"unknown key {k}" for k in sorted(unknown) if not k.startswith("X-")]
    if entry.get("Terminal", "false") not in ("true", "false"):
        found.append("Terminal must be true or false")
    icon = entry.get("Icon", "")
    if "/" not in icon and Path(icon).suffix in (".png", ".svg", ".xpm"):
        found.append("Icon names a theme icon: no file extension")
    categories = entry.get("Categories", "")
    if categories and not categories.endswith(";"):
        found.append("Categories must end with ';'")
    names = {c for c in categories.split(";") if c}
    if categories and not names & MAIN_CATEGORIES:
        found.append(f"Categories {categories!r} has no main category")
    for extra, mains in RELATED.items():
        if extra in names and not names & mains:
            found.append(f"Category {extra} needs one of {sorted(mains)}")
    return found


def installed_problems(entry: dict[str, str], root: Path) -> list[str]:
    """What is missing under the package root ``root``: the program on PATH (/usr/bin) and the
    icon in the hicolor theme (a PNG per size, the SVG as scalable)."""
    found = []
    program = entry.get("Exec", "").split(" ")[0]
    on_path = root / "usr/bin" / program
    if not (on_path.is_symlink() or on_path.is_file()):  # a link to /opt: absent outside it
        found.append(f"Exec program {program} is not in /usr/bin")
    hicolor = root / "usr/share/icons/hicolor"
    icon = entry.get("Icon", "")
    if not list(hicolor.glob(f"*/apps/{icon}.png")):
        found.append(f"no hicolor PNG for Icon {icon}")
    if not (hicolor / "scalable/apps" / f"{icon}.svg").is_file():
        found.append(f"no scalable SVG for Icon {icon}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--root", type=Path, help="the package's root: check Exec and Icon")
    args = parser.parse_args(argv)
    entry = read_entry(args.file)
    found = problems(entry) + (installed_problems(entry, args.root) if args.root else [])
    for problem in found:
        print(f"{args.file}: {problem}", file=sys.stderr)
    if not found:
        print(f"{args.file}: ok ({entry['Name']}, Exec={entry['Exec']}, Icon={entry['Icon']})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
