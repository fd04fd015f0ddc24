"""The apps' imports point one way (ARCHITECTURE.md): accounts <- assessments <- groupings <- imports <- reports
<- payments <- consistency <- dashboards <- lab <- api <- demo.

Every import of every module counts, at the top of a file or inside a function: a deferred import hides a
dependency, it does not remove it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first. `camhs_pbr` is split: its settings, Celery app and `lib` are the platform every app stands
# on; the site modules (urls, the home and health views) compose all the apps.
LAYERS = (
    "platform",
    "accounts",
    "assessments",
    "groupings",
    "imports",
    "reports",
    "payments",
    "consistency",
    "dashboards",
    "lab",
    "api",
    "demo",
    "site",
)
SITE_MODULES = {
    "camhs_pbr.urls",
    "camhs_pbr.navigation",
    "camhs_pbr.views",
    "camhs_pbr.tasks",
    "camhs_pbr.wsgi",
}
PACKAGES = (
    "camhs_pbr",
    "accounts",
    "assessments",
    "groupings",
    "imports",
    "reports",
    "payments",
    "consistency",
    "dashboards",
    "lab",
    "api",
    "demo",
)


def layer_of(module: str) -> str:
    if module in SITE_MODULES:
        return "site"
    top = module.split(".")[0]
    return "platform" if top == "camhs_pbr" else top


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports_of(path: Path, module: str, known: set[str]) -> set[str]:
    """The project modules `module` imports (a name imported from a package counts as its submodule)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {module: imports_of(path, module, set(modules)) for module, path in modules.items()}


def back_edges(graph: dict[str, set[str]]) -> list[str]:
    rank = {layer: n for n, layer in enumerate(LAYERS)}
    return sorted(
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module, targets in graph.items()
        for target in targets
        if rank[layer_of(target)] > rank[layer_of(module)]
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each a circle of imports.

    A package and its own submodules are one unit (a models package re-exports its modules)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target.startswith(node + ".") or node.startswith(target + "."):
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_a_higher_app():
    assert back_edges(import_graph()) == []


def test_no_modules_import_each_other_in_a_circle():
    assert cycles(import_graph()) == []


@pytest.mark.parametrize(
    ("graph", "problem"),
    [
        ({"assessments.views": {"groupings.selectors"}, "groupings.selectors": set()}, "back edge"),
        ({"groupings.services": {"groupings.tasks"}, "groupings.tasks": {"groupings.services"}}, "circle"),
    ],
)
def test_the_checks_catch_what_they_are_for(graph, problem):
    if problem == "back edge":
        assert back_edges(graph) == [
            "assessments.views (assessments) imports groupings.selectors (groupings)"
        ]
    else:
        assert cycles(graph) == [["groupings.services", "groupings.tasks"]]


def test_the_walk_sees_deferred_and_relative_imports(tmp_path):
    module = tmp_path / "views.py"
    module.write_text("def page():\n    from groupings import selectors\n")
    known = {"groupings", "groupings.selectors", "assessments.views"}
    assert imports_of(module, "assessments.views", known) == {"groupings.selectors"}


RUN_PLATFORM = "camhs_pbr.runs"
RUN_FIELDS = {"status", "progress_at", "requeues", "refused_at"}


def own_run_machinery(source: str) -> list[str]:
    """What a module defines that belongs to the run platform: a RunStatus, a reaper (a function named
    reap...) or a model's own run-status and heartbeat fields."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and node.name == "RunStatus":
            found.append("class RunStatus")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.lstrip("_").startswith(
            "reap"
        ):
            found.append(f"def {node.name}")
        if isinstance(node, ast.ClassDef) and node.name.endswith("Run"):
            for statement in node.body:
                targets = statement.targets if isinstance(statement, ast.Assign) else []
                found += [
                    f"{node.name}.{t.id}" for t in targets if isinstance(t, ast.Name) and t.id in RUN_FIELDS
                ]
    return found


def test_no_app_defines_its_own_run_status_reaper_or_run_fields():
    """Background runs have one platform, camhs_pbr/runs (ARCHITECTURE.md): every app's run inherits its
    model and lifecycle, and the one reaper walks the registry."""
    found = {
        module: own_run_machinery(path.read_text())
        for module, path in project_modules().items()
        if not module.startswith(RUN_PLATFORM) and ".migrations." not in module
    }
    assert {module: names for module, names in found.items() if names} == {}


def test_the_run_platform_check_catches_what_it_is_for():
    source = (
        "class RunStatus: pass\n"
        "def reap_stalled_runs(): pass\n"
        "class ImportRun:\n    status = 1\n    progress_at = 2\n    rows = 3\n"
    )
    assert own_run_machinery(source) == [
        "class RunStatus",
        "def reap_stalled_runs",
        "ImportRun.status",
        "ImportRun.progress_at",
    ]


def test_mypy_checks_every_package_of_the_project():
    """Each top-level package is in mypy's `files`: one left out was checked only where another module imported
    it (two errors hid in the files no one imported)."""
    import tomllib

    checked = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"])
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")}
    assert packages >= set(PACKAGES)
    assert packages - checked == set(), (
        f"add to [tool.mypy] files in pyproject.toml: {sorted(packages - checked)}"
    )
