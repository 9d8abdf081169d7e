"""The Debian package of the Linux bundle (`make dist-deb`): dist/ctadesk_VERSION_ARCH.deb.

The bundle goes to /opt/ctadesk, where the app writes nothing (data, logs, settings and the
numba cache go to the user's appdirs folders); /usr/bin/ctadesk and /usr/bin/ctadesk-cli link
to it; a desktop entry and the hicolor icons put it in the applications menu. DEBIAN/control
comes from control.in with Depends and Recommends read from the bundle (system_libs.py); there
are no maintainer scripts, so removing the package removes exactly what it installed. Built
with ``dpkg-deb --root-owner-group``: every file belongs to root in the archive.

``python -m resources.packaging.deb --bundle dist/ctadesk --version 0.1.0 --out dist``"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path
from string import Template

from resources.packaging.icons import render_icons
from resources.packaging.system_libs import relations, system_needs

HERE = Path(__file__).resolve().parent
PACKAGE = "ctadesk"
INSTALL_DIR = Path("opt") / PACKAGE
PROGRAMS = ("ctadesk", "ctadesk-cli")
MAINTAINER = "CTA Desk maintainers <maintainers@ctadesk.invalid>"
_PEP440 = re.compile(r"^(\d+(?:\.\d+)*)((?:a|b|rc)\d+)?(?:\.(dev\d+))?(?:\+(.+))?$")


def debian_version(version: str) -> str:
    """A PEP 440 version as Debian orders it: pre-releases and dev builds sort before the
    release (``~``), a local label after it (``+``)."""
    match = _PEP440.match(version)
    if not match:
        raise ValueError(f"{version!r} is not a PEP 440 version")
    release, pre, dev, local = match.groups()
    text = release + (f"~{pre}" if pre else "") + (f"~{dev}" if dev else "")
    return text + (f"+{re.sub(r'[^A-Za-z0-9.]', '.', local)}" if local else "")


def architecture() -> str:
    """This machine's Debian architecture (amd64, arm64)."""
    if shutil.which("dpkg"):
        out = subprocess.run(
            ["dpkg", "--print-architecture"], capture_output=True, text=True, check=False
        )
        if out.returncode == 0:
            return out.stdout.strip()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def deb_name(version: str, arch: str) -> str:
    return f"{PACKAGE}_{debian_version(version)}_{arch}.deb"


def render_control(template: str, fields: dict[str, str]) -> str:
    """control.in with ``fields`` filled in; a field left empty (no Recommends) is dropped."""
    lines = Template(template).substitute(fields).splitlines()
    kept = [line for line in lines if not re.fullmatch(r"[A-Za-z-]+:\s*", line)]
    return "\n".join(kept) + "\n"


def stage(bundle: Path, root: Path) -> None:
    """The package's files under ``root``: the bundle, the PATH links, menu entry and icons."""
    shutil.copytree(bundle, root / INSTALL_DIR, symlinks=True)
    bin_dir = root / "usr/bin"
    bin_dir.mkdir(parents=True)
    for program in PROGRAMS:  # absolute: /usr/bin and /opt are different top-level folders
        (bin_dir / program).symlink_to(Path("/") / INSTALL_DIR / program)
    applications = root / "usr/share/applications"
    applications.mkdir(parents=True)
    shutil.copyfile(HERE / f"{PACKAGE}.desktop", applications / f"{PACKAGE}.desktop")
    render_icons(HERE.parent / "icons" / "ctadesk.svg", root / "usr/share/icons/hicolor")


def normalise_modes(root: Path) -> None:
    """Folders and programs 0755, other files 0644, whatever the build machine's umask."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.stat().st_mode & 0o111
        path.chmod(0o755 if executable else 0o644)


def installed_size(root: Path) -> int:
    """Installed-Size in KiB as dpkg counts it: each file rounded up to a KiB, one per folder
    and link (DEBIAN/ excluded)."""
    total = 0
    for path in root.rglob("*"):
        if "DEBIAN" in path.relative_to(root).parts:
            continue
        regular = path.is_file() and not path.is_symlink()
        total += -(-path.stat().st_size // 1024) if regular else 1
    return total


def build(bundle: Path, version: str, out: Path, work: Path, maintainer: str) -> Path:
    """Stage, write DEBIAN/control and build the .deb in ``out``; returns its path."""
    if not (bundle / PROGRAMS[0]).is_file():
        raise FileNotFoundError(f"no bundle at {bundle}: run `make dist` first")
    shutil.rmtree(work, ignore_errors=True)
    root = work / "root"
    stage(bundle, root)
    depends, recommends = relations(system_needs(bundle))
    arch = architecture()
    control = render_control(
        (HERE / "control.in").read_text(encoding="utf-8"),
        {
            "version": debian_version(version),
            "architecture": arch,
            "maintainer": maintainer,
            "installed_size": str(installed_size(root)),
            "depends": ", ".join(depends),
            "recommends": ", ".join(recommends),
        },
    )
    (root / "DEBIAN").mkdir()
    (root / "DEBIAN/control").write_text(control, encoding="utf-8")
    normalise_modes(root)
    out.mkdir(parents=True, exist_ok=True)
    deb = out / deb_name(version, arch)
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(control, end="")
    return deb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the .deb of the Linux bundle.")
    parser.add_argument("--version", required=True, help="the app's version (PEP 440)")
    parser.add_argument("--bundle", type=Path, default=Path("dist/ctadesk"))
    parser.add_argument("--out", type=Path, default=Path("dist"))
    parser.add_argument("--work", type=Path, default=Path("build/deb"))
    parser.add_argument("--maintainer", default=os.environ.get("DEB_MAINTAINER", MAINTAINER))
    parser.add_argument("--print-name", action="store_true", help="print the .deb's path, exit")
    args = parser.parse_args(argv)
    if args.print_name:
        print(args.out / deb_name(args.version, architecture()))
        return 0
    deb = build(args.bundle, args.version, args.out, args.work, args.maintainer)
    print(f"{deb}: {deb.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
