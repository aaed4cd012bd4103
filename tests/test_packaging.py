"""What a student's install gets: declared dependencies that are true, and metadata that agrees.

`make platforms` (.ci/platforms) proves the floors by running every chapter at
exactly those versions under strict nbval; these tests keep the declarations themselves honest:
every third-party module that gdcore or a chapter imports is declared, the
tested pins respect the floors, Binder gets the same pins on a Python the
package supports, and the licence and citation files say what the package
metadata says.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import json
import re
import sys
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]
DECLARED = {Requirement(dep).name.lower(): Requirement(dep) for dep in PROJECT["dependencies"]}
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb")) + sorted((ROOT / "appendix").glob("*.ipynb"))


def pins(path: Path) -> dict[str, Version]:
    """``name==version`` lines of a requirements file."""
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            found[name.strip().lower()] = Version(version.strip())
    return found


def top_level_imports(code: str) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module.split(".")[0])
    return modules


def notebook_code(path: Path) -> str:
    cells = json.loads(path.read_text())["cells"]
    lines = []
    for cell in cells:
        if cell["cell_type"] == "code":
            # IPython magics (the set-up cell's %pip) are not Python.
            lines += [ln for ln in "".join(cell["source"]).splitlines() if not ln.lstrip().startswith(("%", "!"))]
    return "\n".join(lines)


def third_party(modules: set[str]) -> set[str]:
    return {m for m in modules if m not in sys.stdlib_module_names and m not in {"gdcore", "__future__"}}


@functools.lru_cache(maxsize=None)
def _packages_distributions() -> dict[str, list[str]]:
    """Module -> distributions, read once (it reads every installed distribution's file list)."""
    return importlib.metadata.packages_distributions()


def distribution(module: str) -> str:
    names = _packages_distributions().get(module, [module])
    return names[0].lower()


def test_every_third_party_module_gdcore_or_a_chapter_imports_is_declared():
    imported = {}
    for path in sorted((ROOT / "gdcore").rglob("*.py")):
        for module in third_party(top_level_imports(path.read_text())):
            imported.setdefault(module, path.relative_to(ROOT))
    for path in NOTEBOOKS:
        for module in third_party(top_level_imports(notebook_code(path))):
            imported.setdefault(module, path.relative_to(ROOT))
    missing = {f"{module} (distribution {distribution(module)}, imported in {where})"
               for module, where in imported.items() if distribution(module) not in DECLARED}
    assert not missing, "imported but not declared in pyproject.toml's dependencies: " + "; ".join(sorted(missing))


def test_every_dependency_has_a_floor_and_the_tested_pins_respect_it():
    tested = pins(ROOT / "requirements.txt")
    for name, requirement in DECLARED.items():
        floors = [s for s in requirement.specifier if s.operator == ">="]
        assert floors, f"{name}: declare a floor (>=) that `make platforms` can test"
        assert name in tested, f"{name} is declared in pyproject.toml but not pinned in requirements.txt"
        assert tested[name] in requirement.specifier, f"requirements.txt pins {name}=={tested[name]}, outside {requirement}"


def test_binder_installs_the_tested_pins_on_a_supported_python():
    binder = pins(ROOT / "binder" / "requirements.txt")
    tested = pins(ROOT / "requirements.txt")
    assert set(binder) >= {"numpy", "matplotlib", "ipywidgets", "sympy"}
    for name, version in binder.items():
        assert tested.get(name) == version, f"binder/requirements.txt pins {name}=={version}, requirements.txt {tested.get(name)}"
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime), runtime
    assert Version(runtime.removeprefix("python-")) in SpecifierSet(PROJECT["requires-python"])
    assert "pip install" in (ROOT / "binder" / "postBuild").read_text()


def test_the_python_claim_is_the_same_everywhere():
    floor = re.fullmatch(r">=(3\.\d+)", PROJECT["requires-python"]).group(1)
    assert f"Python {floor}+" in (ROOT / "README.md").read_text()
    assert f"Python {floor}" in (ROOT / "CONTRIBUTING.md").read_text()
    assert f"python-version: \"{floor}\"" in (ROOT / ".github" / "workflows" / "book.yml").read_text()


def test_licences_are_detectable_and_named_in_the_metadata():
    assert (ROOT / "LICENSE").read_text().startswith("MIT License\n"), "LICENSE holds the code's MIT licence alone"
    assert PROJECT["license"] == "MIT AND CC-BY-4.0"
    for name in PROJECT["license-files"]:
        assert (ROOT / name).is_file(), name
    assert "creativecommons.org/licenses/by/4.0" in (ROOT / PROJECT["license-files"][1]).read_text()


def test_citation_file_agrees_with_the_book():
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == config["title"]
    assert citation["repository-code"] == config["repository"]["url"]
    assert citation["version"] == PROJECT["version"]
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}
