"""The package map holds: no import cycle among the project's modules, and only the command line imports
the command line (see the map at the top of ``pipeline/__init__.py``).

The import graph is read from the source with ``ast``, function-level (late) imports included: a late
import hides a cycle from Python at import time, not from a reader.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("outputs", "pipeline", "schemas", "transforms")
CLI_MODULES = ("pipeline.cli", "pipeline.commands")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {_module_name(path): path
            for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that ``module`` imports anywhere in its body."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, path.name == "__init__.py", node)
            # ``from package import module`` imports the module; ``from module import name`` the module.
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                       for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in known and target != module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    known = set(modules)
    return {module: imports_of(module, path, known) for module, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a list of modules (the first repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target):], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_the_project_has_no_import_cycle():
    graph = import_graph()
    assert len(graph) > 50 and sum(len(targets) for targets in graph.values()) > 100  # the walk found them
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle_through_a_late_import(tmp_path):
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
    module = tmp_path / "late.py"
    module.write_text("def f():\n    from pkg.other import thing\n    return thing\n", encoding="utf-8")
    assert imports_of("pkg.late", module, {"pkg.late", "pkg.other"}) == {"pkg.other"}


def _is_cli(module: str) -> bool:
    return any(module == cli or module.startswith(cli + ".") for cli in CLI_MODULES)


def test_only_the_command_line_imports_the_command_line():
    offenders = sorted(f"{module} imports {target}" for module, targets in import_graph().items()
                       if not _is_cli(module) for target in targets if _is_cli(target))
    assert offenders == []


def test_the_output_directory_package_imports_neither_the_pipeline_nor_the_stages():
    allowed = ("outputs", "schemas", "transforms.common.ids")
    offenders = sorted(f"{module} imports {target}" for module, targets in import_graph().items()
                       if module.startswith("outputs") for target in targets
                       if not any(target == name or target.startswith(name + ".") for name in allowed))
    assert offenders == []


def test_the_stages_never_import_the_pipeline():
    offenders = sorted(f"{module} imports {target}" for module, targets in import_graph().items()
                       if module.startswith("transforms") for target in targets
                       if target == "pipeline" or target.startswith("pipeline."))
    assert offenders == []


def test_only_the_command_line_configures_logging():
    """Importing the pipeline's modules leaves the host program's logging alone; the CLI sets it up."""
    probe = ("import logging, pipeline, pipeline.run, pipeline.watch\n"
             "root = logging.getLogger()\n"
             "print(sorted(type(f).__name__ for f in root.filters))\n"
             "import pipeline.cli\n"
             "print(sorted(type(f).__name__ for f in root.filters), logging.getLevelName(root.level))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                            cwd=ROOT)
    before, after = result.stdout.splitlines()
    assert before == "[]"
    assert after == "['_DropIrrelevantBeamNotices'] WARNING"


def test_the_version_comes_from_the_package_metadata():
    import importlib.metadata

    import pipeline
    from transforms.sources.fetch import USER_AGENT

    assert pipeline.__version__ == importlib.metadata.version("communique")
    assert USER_AGENT.startswith(f"communique/{pipeline.__version__} (")
