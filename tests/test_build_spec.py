"""build.spec stays in step with the tree: entry scripts, resources and hidden imports exist
(building the bundle itself is `make dist`, kept out of the test suite for time)."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEC = (REPO / "build.spec").read_text(encoding="utf-8")


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
    tree = ast.parse(SPEC)
    func = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "strippable")
    namespace: dict = {"Path": Path}
    exec(compile(ast.Module([func], type_ignores=[]), "build.spec", "exec"), namespace)
    strippable = namespace["strippable"]
    internal = Path("dist/ctadesk/_internal")
    assert strippable(internal / "llvmlite/binding/libllvmlite.so")
    assert strippable(internal / "libpython3.11.so.1.0")
    assert strippable(internal / "numba/_helperlib.cpython-311-x86_64-linux-gnu.so")
    assert not strippable(internal / "numpy.libs/libscipy_openblas64_-32a4b2a6.so")
    assert not strippable(internal / "PySide6/Qt/lib/libQt6Core.so.6")
    assert not strippable(internal / "base_library.zip")
