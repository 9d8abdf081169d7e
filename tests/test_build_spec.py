"""build.spec stays in step with the tree: entry scripts, resources and hidden imports exist
(building the bundle itself is `make dist`, kept out of the test suite for time)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = (REPO / "build.spec").read_text(encoding="utf-8")


def _spec_function(name: str) -> object:
    tree = ast.parse(SPEC)
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name)
    namespace: dict = {"Path": Path}
    exec(compile(ast.Module([func], type_ignores=[]), "build.spec", "exec"), namespace)
    return namespace[name]


def test_spec_is_python_and_names_existing_entry_scripts() -> None:
    ast.parse(SPEC)
    scripts = re.findall(r'analysis\("([^"]+)"\)', SPEC)
    assert sorted(scripts) == ["app/cli.py", "app/main.py"]
    for script in scripts:
        text = (REPO / script).read_text(encoding="utf-8")
        assert 'if __name__ == "__main__":' in text, script


def test_spec_collects_resources_that_exist() -> None:
    assert '(ROOT / "resources").rglob("*")' in SPEC
    for needed in (
        "presets/parameters.toml",
        "events/events.toml",
        "styles/desk.qss",
        "icons/ctadesk.svg",
        "report_templates/base.html",
    ):
        assert (REPO / "resources" / needed).is_file(), needed


def test_hidden_import_packages_and_metadata_exist() -> None:
    for package in re.findall(r'collect_submodules\("([^"]+)"', SPEC):
        importlib.import_module(package)
    metadata = re.search(r"for dist in \(([^)]*)\)", SPEC)
    assert metadata is not None
    from importlib.metadata import version

    for dist in re.findall(r'"([^"]+)"', metadata.group(1)):
        assert version(dist)
    assert 'module_collection_mode={"engine": "py"}' in SPEC  # numba needs real .py files to cache


def test_excluded_modules_are_not_needed_by_the_app() -> None:
    excluded = set(re.findall(r'"(PySide6\.Qt\w+)"', SPEC))
    used = set()
    for path in [*REPO.glob("app/*.py"), *REPO.glob("widgets/*.py")]:
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    assert not {f"PySide6.{m}" for m in used} & excluded


def test_strip_leaves_vendored_and_qt_libraries_alone() -> None:
    """The spec strips shared objects itself: never numpy's auditwheel ``*.libs`` (strip breaks
    their load commands) nor Qt, always llvmlite and libpython (most of the gain)."""
    strippable = _spec_function("strippable")
    internal = Path("dist/ctadesk/_internal")
    assert strippable(internal / "llvmlite/binding/libllvmlite.so")
    assert strippable(internal / "libpython3.11.so.1.0")
    assert strippable(internal / "numba/_helperlib.cpython-311-x86_64-linux-gnu.so")
    assert not strippable(internal / "numpy.libs/libscipy_openblas64_-32a4b2a6.so")
    assert not strippable(internal / "PySide6/Qt/lib/libQt6Core.so.6")
    assert not strippable(internal / "base_library.zip")


def test_installer_scripts_and_screenshots_stay_out_of_the_bundle() -> None:
    shipped = _spec_function("shipped_resource")
    resources = [p.relative_to(REPO) for p in (REPO / "resources").rglob("*") if p.is_file()]
    kept = {p.as_posix() for p in resources if shipped(p)}
    assert "resources/icons/ctadesk.svg" in kept
    assert "resources/presets/parameters.toml" in kept
    assert not [p for p in kept if "/packaging/" in p or "/screenshots/" in p]
    assert any("/packaging/" in p.as_posix() for p in resources)  # they exist, and are left out


def test_spec_compiles_the_shipped_kernels_as_the_frozen_app_loads_them() -> None:
    """Same CPU, same locator and same folder name as app/paths.py asks for at run time."""
    assert "from app.paths import NUMBA_CPU, NUMBA_LOCATORS, SHIPPED_NUMBA_CACHE" in SPEC
    assert '"NUMBA_CPU_NAME": NUMBA_CPU' in SPEC
    assert '"NUMBA_CACHE_LOCATOR_CLASSES": NUMBA_LOCATORS' in SPEC
    assert "Path(SHIPPED_NUMBA_CACHE)" in SPEC  # the cache's place in the bundle
    warm_up = re.search(r'WARM_UP = \(\n((?:\s+".*"\n)+)\)', SPEC)
    assert warm_up is not None
    code = "".join(ast.literal_eval(line.strip()) for line in warm_up.group(1).splitlines())
    assert "warm_kernels_job" in code
    compile(code, "WARM_UP", "exec")  # the command the spec runs is Python
