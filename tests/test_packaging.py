"""The installers' build scripts (resources/packaging) and the frozen app's shipped numba cache,
without a built bundle: `make dist-test` checks the real .deb (it takes minutes to build)."""

from __future__ import annotations

import configparser
import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from app import paths
from app.paths import SEEDED, SHIPPED_NUMBA_CACHE, configure_numba_cache, seed_numba_cache
from resources.packaging import deb, desktop_entry, selftest_check, system_libs
from resources.packaging.icons import ICON_SIZES, render_icons

REPO = Path(__file__).resolve().parents[1]
DESKTOP = REPO / "resources/packaging/ctadesk.desktop"
DEB_TOOLS = ("dpkg-deb", "dpkg-query", "objdump", "readelf", "ldconfig")
needs_deb_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in DEB_TOOLS), reason="needs Debian's dpkg and binutils"
)


# -- the desktop entry ---------------------------------------------------------------------
def test_desktop_entry_parses_with_the_menu_fields() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "CTA Desk"
    assert entry["Exec"] == "ctadesk"  # the /usr/bin link the .deb installs
    assert entry["Icon"] == "ctadesk"  # the hicolor theme name the .deb installs
    assert entry["Terminal"] == "false"
    assert entry["Categories"].split(";") == ["Office", "Finance", ""]
    assert desktop_entry.problems(desktop_entry.read_entry(DESKTOP)) == []


def test_desktop_entry_check_finds_what_desktop_file_validate_rejects() -> None:
    good = desktop_entry.read_entry(DESKTOP)
    assert desktop_entry.problems({**good, "Categories": "Finance;"}) == [
        "Categories 'Finance;' has no main category",
        "Category Finance needs one of ['Office']",
    ]
    assert desktop_entry.problems({**good, "Categories": "Office"}) == [
        "Categories must end with ';'"
    ]
    assert desktop_entry.problems({**good, "Icon": "ctadesk.png"}) == [
        "Icon names a theme icon: no file extension"
    ]
    assert desktop_entry.problems({**good, "Terminal": "no", "Colour": "red"}) == [
        "unknown key Colour",
        "Terminal must be true or false",
    ]
    without_exec = {k: v for k, v in good.items() if k != "Exec"}
    assert desktop_entry.problems(without_exec) == ["Exec is missing"]


def test_desktop_entry_checks_the_program_and_icon_under_the_package_root(tmp_path: Path) -> None:
    entry = desktop_entry.read_entry(DESKTOP)
    assert desktop_entry.installed_problems(entry, tmp_path) == [
        "Exec program ctadesk is not in /usr/bin",
        "no hicolor PNG for Icon ctadesk",
        "no scalable SVG for Icon ctadesk",
    ]
    (tmp_path / "usr/bin").mkdir(parents=True)
    link = tmp_path / "usr/bin/ctadesk"
    if os.name == "posix":  # the package's absolute link: dangling until installed at /
        link.symlink_to("/opt/ctadesk/ctadesk")
    else:
        link.write_bytes(b"")
    render_icons(REPO / "resources/icons/ctadesk.svg", tmp_path / "usr/share/icons/hicolor")
    assert desktop_entry.installed_problems(entry, tmp_path) == []


# -- icons ---------------------------------------------------------------------------------
def test_icons_are_rendered_at_every_hicolor_size(tmp_path: Path) -> None:
    written = render_icons(REPO / "resources/icons/ctadesk.svg", tmp_path, (16, 48, 256))
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "16x16/apps/ctadesk.png",
        "48x48/apps/ctadesk.png",
        "256x256/apps/ctadesk.png",
        "scalable/apps/ctadesk.svg",
    ]
    for size in (16, 48, 256):
        image = QImage(str(tmp_path / f"{size}x{size}/apps/ctadesk.png"))
        assert (image.width(), image.height()) == (size, size)
        # the SVG's rounded square (rx 12 of 64): the corner pixel lies (almost: 16 px) outside
        # it, a pixel near the bottom edge inside it
        assert image.pixelColor(0, 0).alpha() < 16
        assert image.pixelColor(size // 4, size - 2).alpha() == 255
    assert (tmp_path / "scalable/apps/ctadesk.svg").read_bytes() == (
        REPO / "resources/icons/ctadesk.svg"
    ).read_bytes()
    assert ICON_SIZES == (16, 22, 24, 32, 48, 64, 128, 256)


# -- control file and versions -------------------------------------------------------------
CONTROL_FIELDS = {
    "version": "0.1.0",
    "architecture": "amd64",
    "maintainer": "A <a@example.org>",
    "installed_size": "1234",
    "depends": "libc6 (>= 2.36), libgl1",
    "recommends": "",
}


def test_control_template_renders_the_required_fields() -> None:
    text = deb.render_control(
        (REPO / "resources/packaging/control.in").read_text(encoding="utf-8"), CONTROL_FIELDS
    )
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", text, flags=re.MULTILINE))
    assert fields["Package"] == "ctadesk"
    assert fields["Version"] == "0.1.0"
    assert fields["Architecture"] == "amd64"
    assert fields["Maintainer"] == "A <a@example.org>"
    assert fields["Installed-Size"] == "1234"
    assert fields["Depends"] == "libc6 (>= 2.36), libgl1"
    assert "Recommends" not in fields  # an empty field is left out, not written empty
    assert fields["Description"]
    description = text.split("Description: ", 1)[1].splitlines()[1:]
    assert description and all(line.startswith(" ") for line in description)
    assert "$" not in text and text.endswith("\n")


@pytest.mark.parametrize(
    ("pep440", "debian"),
    [
        ("0.1.0", "0.1.0"),
        ("1.2rc1", "1.2~rc1"),
        ("1.2.0a3", "1.2.0~a3"),
        ("1.2.dev4", "1.2~dev4"),
        ("0.1.0+g1a2b", "0.1.0+g1a2b"),
    ],
)
def test_debian_version(pep440: str, debian: str) -> None:
    assert deb.debian_version(pep440) == debian


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg")
def test_debian_versions_sort_as_python_versions_do() -> None:
    """dpkg's own ordering: a release candidate before the release, a local build after."""
    ordered = ["1.2~dev4", "1.2~rc1", "1.2", "1.2+local.1"]
    got = [deb.debian_version(v) for v in ("1.2.dev4", "1.2rc1", "1.2", "1.2+local.1")]
    assert got == ordered
    for low, high in itertools.pairwise(ordered):
        compare = ["dpkg", "--compare-versions", low, "lt", high]
        assert subprocess.run(compare, check=False).returncode == 0


def test_version_that_is_not_pep440_is_refused() -> None:
    with pytest.raises(ValueError, match="PEP 440"):
        deb.debian_version("0.0.0 unknown")


# -- Depends: what the bundle links -----------------------------------------------------------
def test_wayland_only_needs_are_recommended_and_unused_parts_ask_nothing() -> None:
    needs = system_libs.SystemNeeds(
        {
            "libc.so.6": frozenset({"ctadesk", "_internal/libqwayland.so"}),
            "libwayland-client.so.0": frozenset(
                {
                    "_internal/PySide6/Qt/plugins/platforms/libqwayland.so",
                    "_internal/PySide6/Qt/lib/libQt6WlShellIntegration.so.6",
                }
            ),
            "libgtk-3.so.0": frozenset({"_internal/PySide6/Qt/plugins/platformthemes/libqgtk3.so"}),
            "libtbb.so.12": frozenset({"_internal/numba/np/ufunc/tbbpool.cpython-311.so"}),
        },
        (2, 36),
    )
    assert needs.split() == ({"libc.so.6"}, {"libwayland-client.so.0"})


@needs_deb_tools
def test_system_needs_lists_what_the_bundle_does_not_carry(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy("/bin/true", bundle / "ctadesk")
    needs = system_libs.system_needs(bundle)
    ldd = subprocess.run(["ldd", "/bin/true"], capture_output=True, text=True, check=True).stdout
    assert "libc.so.6" in ldd and set(needs.libraries) == {"libc.so.6"}
    assert needs.libraries["libc.so.6"] == {"ctadesk"}
    versions = re.findall(r"GLIBC_(\d+(?:\.\d+)+)", _readelf_versions("/bin/true"))
    assert needs.glibc == max(tuple(map(int, v.split("."))) for v in versions)
    (bundle / "_internal/libc.so.6").write_bytes(b"")  # carried: no longer from the system
    assert system_libs.system_needs(bundle).libraries == {}


def _readelf_versions(path: str) -> str:
    return subprocess.run(
        ["readelf", "-V", path], capture_output=True, text=True, check=True
    ).stdout


@needs_deb_tools
def test_deb_of_a_tiny_bundle(tmp_path: Path) -> None:
    """The whole build on a two-program stand-in bundle, read back with dpkg-deb."""
    bundle = tmp_path / "ctadesk"
    bundle.mkdir()
    for program in deb.PROGRAMS:
        shutil.copy("/bin/true", bundle / program)
    umask = os.umask(0o002)  # a permissive build machine: the package must still be 0755/0644
    try:
        package = deb.build(bundle, "0.1.0rc2", tmp_path / "out", tmp_path / "work", "A <a@b.org>")
    finally:
        os.umask(umask)
    assert package.name == f"ctadesk_0.1.0~rc2_{deb.architecture()}.deb"

    def field(name: str) -> str:
        out = subprocess.run(
            ["dpkg-deb", "-f", str(package), name], capture_output=True, check=True
        )
        return out.stdout.decode().strip()

    floor = max(re.findall(r"GLIBC_(\d+(?:\.\d+)+)", _readelf_versions("/bin/true")), key=_key)
    assert field("Depends") == f"libc6 (>= {floor})"
    assert field("Version") == "0.1.0~rc2" and field("Package") == "ctadesk"
    assert int(field("Installed-Size")) >= 2 * Path("/bin/true").stat().st_size // 1024
    listing = subprocess.run(
        ["dpkg-deb", "-c", str(package)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    names = {line.split()[5]: line for line in listing}
    assert "./opt/ctadesk/ctadesk" in names and "./opt/ctadesk/ctadesk-cli" in names
    assert names["./usr/bin/ctadesk"].endswith("./usr/bin/ctadesk -> /opt/ctadesk/ctadesk")
    assert "./usr/share/applications/ctadesk.desktop" in names
    assert "./usr/share/icons/hicolor/256x256/apps/ctadesk.png" in names
    assert all(line.split()[1] == "root/root" for line in listing)
    modes = {line.split()[0] for line in listing}
    assert modes <= {"drwxr-xr-x", "-rwxr-xr-x", "-rw-r--r--", "lrwxrwxrwx"}
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "-e", str(package), str(control)], check=True)
    assert sorted(p.name for p in control.iterdir()) == ["control"]  # no maintainer scripts


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


# -- the installed bundle's self-test report -----------------------------------------------
PASSING = {
    "ok": True,
    "checks": {"window_visible": True},
    "first_backtest_ms": 2500.0,
    "first_backtest_from": "process start",
    "numba_cache": {"hits": 10, "misses": 0, "compiled": [], "cpu": "generic"},
}


def test_selftest_check_passes_a_fast_report_with_nothing_compiled() -> None:
    assert selftest_check.problems(PASSING, 5000.0) == []


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            {"ok": False, "checks": {"window_visible": False}},
            "self-test failed: ['window_visible']",
        ),
        ({"first_backtest_ms": 5000.0}, "first_backtest_ms 5000.0 >= 5000.0"),
        ({"first_backtest_from": "entry module"}, "counted from 'entry module'"),
        (
            {"numba_cache": {"hits": 9, "misses": 1, "compiled": ["trend_grid"]}},
            "numba compiled ['trend_grid'] (hits 9)",
        ),
        ({"numba_cache": {"hits": 0, "misses": 0, "compiled": []}}, "numba compiled [] (hits 0)"),
    ],
)
def test_selftest_check_names_each_failure(change: dict, problem: str) -> None:
    found = selftest_check.problems({**PASSING, **change}, 5000.0)
    assert len(found) == 1 and problem in found[0]


# -- the frozen app's numba set-up (app/paths.py) --------------------------------------------
NUMBA_ENV = ("NUMBA_CACHE_DIR", "NUMBA_CPU_NAME", "NUMBA_CACHE_LOCATOR_CLASSES")


def _without_numba_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset NUMBA_ENV, restored after the test (set first: pytest restores only what it saw)."""
    for name in NUMBA_ENV:
        monkeypatch.setenv(name, "placeholder")
        monkeypatch.delenv(name)


def _shipped(folder: Path) -> Path:
    (folder / "engine").mkdir(parents=True)
    (folder / "engine/kernels.f-1.py311.nbi").write_bytes(b"index")
    (folder / "engine/kernels.f-1.py311.1.nbc").write_bytes(b"code")
    return folder


def test_shipped_cache_is_copied_once_per_build(tmp_path: Path) -> None:
    shipped, user = _shipped(tmp_path / "bundle"), tmp_path / "user"
    assert seed_numba_cache(shipped, user) == 2
    assert (user / "engine/kernels.f-1.py311.1.nbc").read_bytes() == b"code"
    assert seed_numba_cache(shipped, user) == 0  # the same build: nothing to copy
    (user / "engine/kernels.g-9.py311.nbi").write_bytes(b"compiled here")
    (shipped / "engine/kernels.f-1.py311.nbi").write_bytes(b"new index")  # a new build
    assert seed_numba_cache(shipped, user) == 2
    assert (user / "engine/kernels.f-1.py311.nbi").read_bytes() == b"new index"
    assert (user / "engine/kernels.g-9.py311.nbi").read_bytes() == b"compiled here"  # kept
    assert not list(user.rglob("*.part"))
    assert seed_numba_cache(tmp_path / "no-such-folder", user) == 0


def test_unwritable_user_cache_leaves_numba_to_compile(tmp_path: Path) -> None:
    user = tmp_path / "user"
    user.write_text("a file where the folder should be")
    assert seed_numba_cache(_shipped(tmp_path / "bundle"), user) == 0


def test_frozen_app_points_numba_at_the_seeded_user_cache(
    tmp_path: Path, ctadesk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle"
    _shipped(bundle / SHIPPED_NUMBA_CACHE)
    _without_numba_env(monkeypatch)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    configure_numba_cache()
    user = ctadesk_home / "cache" / "numba"
    assert os.environ["NUMBA_CACHE_DIR"] == str(user)
    assert os.environ["NUMBA_CPU_NAME"] == "generic"
    assert os.environ["NUMBA_CACHE_LOCATOR_CLASSES"] == paths.NUMBA_LOCATORS
    assert (user / "engine/kernels.f-1.py311.nbi").read_bytes() == b"index"
    assert (user / SEEDED).read_text(encoding="ascii") == paths.cache_id(bundle / "numba_cache")


def test_user_numba_settings_win_and_are_not_seeded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundle = tmp_path / "bundle"
    _shipped(bundle / SHIPPED_NUMBA_CACHE)
    _without_numba_env(monkeypatch)
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("NUMBA_CPU_NAME", "skylake")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    configure_numba_cache()
    assert os.environ["NUMBA_CACHE_DIR"] == str(tmp_path / "mine")
    assert os.environ["NUMBA_CPU_NAME"] == "skylake"
    assert not (tmp_path / "mine").exists()


def test_source_runs_leave_numba_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    _without_numba_env(monkeypatch)
    monkeypatch.delattr(sys, "frozen", raising=False)
    configure_numba_cache()
    assert not set(NUMBA_ENV) & set(os.environ)


def test_frozen_without_a_bundle_folder_keeps_numba_defaults(
    ctadesk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another freezer (no PyInstaller bundle, so no shipped kernels): only the cache dir."""
    _without_numba_env(monkeypatch)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    configure_numba_cache()
    assert os.environ["NUMBA_CACHE_DIR"] == str(ctadesk_home / "cache" / "numba")
    assert not {"NUMBA_CPU_NAME", "NUMBA_CACHE_LOCATOR_CLASSES"} & set(os.environ)
