"""The house rules, checked on the source: code flows one way (app -> web -> assistant -> index, with core
under all of them), web reads nothing from index, and no module imports another in a circle."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "index", "assistant", "web", "evals")
# What each package may import from the project (besides itself).
ALLOWED = {
    "core": set(),
    "index": {"core"},
    "assistant": {"core", "index"},
    "web": {"core", "assistant"},
    "evals": {"core", "index", "assistant"},
    "app": {"core", "index", "assistant", "web"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _graph() -> dict[str, set[str]]:
    files = [ROOT / "app.py"] + [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    modules = {_module_name(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            targets |= {n for n in names if n in modules and n != name}
        graph[name] = targets
    return graph


def test_code_flows_one_way():
    wrong = [(a, b) for a, targets in _graph().items() for b in targets
             if b.split(".")[0] != a.split(".")[0] and b.split(".")[0] not in ALLOWED[a.split(".")[0]]]
    assert not wrong, f"imports against the layering: {wrong}"


def test_no_import_circles():
    graph, seen, stack, circles = _graph(), set(), [], []

    def visit(node: str) -> None:
        if node in stack:
            circles.append(stack[stack.index(node):] + [node])
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for target in sorted(graph[node]):
            # a package's __init__ importing its own submodules (handler registration) is not a circle
            if not target.startswith(node + "."):
                visit(target)
        stack.pop()

    for module in sorted(graph):
        visit(module)
    assert not circles, f"import circles: {circles}"
