"""What the Linux bundle takes from the system, for the .deb's Depends line.

Read from the bundle itself: every ELF file's DT_NEEDED entries (``objdump -p``) that no file
of the bundle provides are system libraries; each is found with ``ldconfig -p`` and its Debian
package with ``dpkg-query -S``; the newest ``GLIBC_`` symbol version any file asks for sets
the libc6 floor. Libraries that only optional parts of the bundle load go to Recommends
(Wayland: the app falls back to X11) or nowhere (the GTK theme plugin, numba's TBB pool and
PySide's QtTest module, none of which the app loads)."""

from __future__ import annotations

import functools
import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

RECOMMENDED = re.compile(r"wayland|/libQt6Wl", re.IGNORECASE)
"""Bundle files whose libraries are recommended, not required: the Wayland platform."""
UNUSED = re.compile(r"/platformthemes/|tbbpool|QtTest")
"""Bundle files the app never loads: their libraries are not asked for."""
_GLIBC = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)\b")


@dataclass(frozen=True)
class SystemNeeds:
    """Sonames the bundle needs from the system, each with the bundle files that need it, and
    the newest glibc symbol version asked for."""

    libraries: dict[str, frozenset[str]]
    glibc: tuple[int, ...]

    def split(self) -> tuple[set[str], set[str]]:
        """(required, recommended) sonames: a soname is required when any file the app may
        load needs it, recommended when only Wayland files do; UNUSED files count for none."""
        required, recommended = set(), set()
        for soname, files in self.libraries.items():
            used = {f for f in files if not UNUSED.search(f)}
            if any(not RECOMMENDED.search(f) for f in used):
                required.add(soname)
            elif used:
                recommended.add(soname)
        return required, recommended


def is_elf(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(4) == b"\x7fELF"


def dynamic_needs(path: Path) -> tuple[list[str], list[str]]:
    """The DT_NEEDED sonames and the GLIBC_ versions referenced by one ELF file."""
    text = subprocess.run(
        ["objdump", "-p", str(path)], capture_output=True, text=True, check=True
    ).stdout
    needed = [line.split()[1] for line in text.splitlines() if line.strip().startswith("NEEDED")]
    return needed, _GLIBC.findall(text)


def system_needs(bundle: Path) -> SystemNeeds:
    """What the ELF files under ``bundle`` need that the bundle does not carry."""
    files = [p for p in bundle.rglob("*") if p.is_file() and not p.is_symlink() and is_elf(p)]
    carried = {p.name for p in bundle.rglob("*")}
    libraries: dict[str, set[str]] = defaultdict(set)
    newest: tuple[int, ...] = ()
    for path in files:
        needed, versions = dynamic_needs(path)
        for soname in needed:
            if soname not in carried:
                libraries[soname].add(path.relative_to(bundle).as_posix())
        for version in versions:
            newest = max(newest, tuple(int(part) for part in version.split(".")))
    return SystemNeeds({k: frozenset(v) for k, v in libraries.items()}, newest)


@functools.cache
def _linker_cache() -> dict[str, list[tuple[str, str]]]:
    """``ldconfig -p`` as {soname: [(flags, path), ...]}."""
    text = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    entries: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in text.splitlines()[1:]:
        head, _, path = line.strip().partition(" => ")
        name, _, flags = head.partition(" ")
        entries[name].append((flags, path.strip()))
    return entries


def library_path(soname: str) -> str | None:
    """Where the dynamic linker finds ``soname`` on this machine, the 64-bit one first."""
    entries = _linker_cache().get(soname, [])
    wide = [path for flags, path in entries if "x86-64" in flags or "AArch64" in flags]
    return (wide or [path for _, path in entries] or [None])[0]


def owning_package(path: str) -> str | None:
    """The Debian package that installed ``path`` (tried as /lib/... and /usr/lib/...: merged
    /usr systems record one of the two)."""
    paths = [path, str(Path(path).resolve())]
    paths += [p.removeprefix("/usr") if p.startswith("/usr/") else "/usr" + p for p in paths]
    for candidate in dict.fromkeys(paths):
        out = subprocess.run(
            ["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False
        )
        if out.returncode == 0:
            return out.stdout.split(":", 1)[0].strip()
    return None


def packages(sonames: set[str]) -> tuple[dict[str, str], list[str]]:
    """{soname: package} for the sonames found here, and the sonames that were not."""
    found, missing = {}, []
    for soname in sorted(sonames):
        path = library_path(soname)
        package = owning_package(path) if path else None
        if package:
            found[soname] = package
        else:
            missing.append(soname)
    return found, missing


def relations(needs: SystemNeeds) -> tuple[list[str], list[str]]:
    """The Depends and Recommends lists: one entry per package, libc6 with its glibc floor.
    Raises RuntimeError when a required library is not installed on this machine."""
    required, recommended = needs.split()
    depends, missing = packages(required)
    if missing:
        needers = {s: sorted(needs.libraries[s])[:3] for s in missing}
        raise RuntimeError(f"required libraries not found on this machine: {needers}")
    recommends, _ = packages(recommended)
    floor = ".".join(map(str, needs.glibc))

    def entry(package: str) -> str:
        return f"{package} (>= {floor})" if package == "libc6" and floor else package

    depends_list = [entry(p) for p in sorted(set(depends.values()))]
    recommends_list = sorted(set(recommends.values()) - set(depends.values()))
    return depends_list, recommends_list
