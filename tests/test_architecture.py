"""The package's shape: one package per stage, imports only down the flow, no cycles, no hidden imports, small modules.

Run as a script for the summary: `python tests/test_architecture.py`.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "webcare_research"
NOTEBOOKS = ROOT / "notebooks"

# The floors, bottom to top: the flow raw → mentions → threads → enriched → quality → topics → measures →
# benchmark → policy → (the study runner) → report. A module may import from its own floor or a lower one, never from a higher one.
FLOORS = ["core", "study", "demo", "adapters", "mentions", "threads", "ingest", "text", "quality", "topics",
          "measures", "benchmark", "policy", "run", "report", "cli"]
TOP_LEVEL = {"webcare_research", "webcare_research.__main__", "webcare_research._modidx"}  # not part of the flow
MAX_LINES = 600


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def floor_of(module: str) -> int | None:
    parts = module.split(".")
    return FLOORS.index(parts[1]) if len(parts) > 1 and parts[1] in FLOORS else None


def _imports(path: Path) -> tuple[set[str], list[str]]:
    "(imported webcare_research modules, hidden dynamic imports) of one file, at any depth (functions included)."
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rsplit(".", 1)[0]
    found, hidden = set(), []
    known = {module_name(p) for p in PKG.rglob("*.py")}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("webcare_research")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("webcare_research"):
                continue
            for a in node.names:  # `from pkg import module` imports the module
                sub = f"{mod}.{a.name}"
                found.add(sub if sub in known else mod)
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in ("import_module", "__import__", "spec_from_file_location", "exec_module"):
                hidden.append(f"{me}:{node.lineno} {name}()")
    found.discard(me)
    # `webcare_research.x.y` imports its packages too; the edge that matters is to the module itself
    return {m for m in found if m in known or m == "webcare_research"}, hidden


def import_graph() -> dict:
    modules = {module_name(p): p for p in sorted(PKG.rglob("*.py"))}
    edges, hidden = {}, []
    for m, p in modules.items():
        deps, h = _imports(p)
        edges[m] = sorted(d for d in deps if d != "webcare_research" or m in TOP_LEVEL)
        hidden += h
    upward = [(a, b) for a, deps in edges.items() for b in deps
              if floor_of(a) is not None and floor_of(b) is not None and floor_of(b) > floor_of(a)]
    unplaced = sorted(m for m in modules if floor_of(m) is None and m not in TOP_LEVEL)
    # cycles: Tarjan's strongly connected components
    index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))

    for v in edges:
        if v not in index:
            visit(v)
    lines = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in modules.items() if m not in TOP_LEVEL}
    packages = [f for f in FLOORS if (PKG / f / "__init__.py").exists()]
    return {"modules": len(modules), "packages": packages, "floors": FLOORS, "edges": sum(map(len, edges.values())),
            "cycles": sccs, "upward": upward, "hidden": hidden, "unplaced": unplaced,
            "too_long": {m: n for m, n in lines.items() if n > MAX_LINES and not m.endswith("_modidx")},
            "largest": max(lines.items(), key=lambda kv: kv[1])}


def test_import_graph_follows_the_flow():
    g = import_graph()
    assert g["packages"] == [f for f in FLOORS if f != "cli"], g["packages"]  # a package per stage, the cli module on top
    assert not g["unplaced"], f"modules outside the stage packages: {g['unplaced']}"
    assert not g["cycles"], f"import cycles: {g['cycles']}"
    assert not g["upward"], f"imports up the flow: {g['upward']}"
    assert not g["hidden"], f"hidden imports (importlib / __import__): {g['hidden']}"
    assert not g["too_long"], f"modules over {MAX_LINES} lines: {g['too_long']}"


def test_the_graph_check_catches_what_it_must(tmp_path, monkeypatch):
    "The checker itself: an upward import, a cycle and an importlib load are found (so the test above can fail)."
    fake = tmp_path / "webcare_research"
    for sub in ("core", "report"):
        (fake / sub).mkdir(parents=True)
        (fake / sub / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "core" / "a.py").write_text("from ..report.b import x\n")  # core importing report: upward
    (fake / "report" / "b.py").write_text("from webcare_research.core.a import y\nimport importlib\n"
                                          "def f():\n    importlib.import_module('webcare_research.core.a')\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    monkeypatch.setattr(__import__(__name__), "PKG", fake)
    g = import_graph()
    assert g["upward"] == [("webcare_research.core.a", "webcare_research.report.b")]
    assert g["cycles"] == [["webcare_research.core.a", "webcare_research.report.b"]]
    assert len(g["hidden"]) == 1 and "import_module" in g["hidden"][0]


def test_notebooks_read_as_the_pipeline():
    "Library notebooks are numbered in flow order, name their package, and open with what they read and write."
    order = []
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        src = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        m = re.search(r"#\|\s*default_exp\s+(\S+)", src)
        assert m, f"{nb.name}: a numbered notebook is a library notebook (explanations live in notebooks/explanations/)"
        mod = m.group(1)
        assert re.fullmatch(r"\d\d_[a-z_]+", nb.stem), nb.name
        assert nb.stem.split("_", 1)[1].startswith(mod.split(".")[0].replace("cli", "cli")), (nb.name, mod)
        order.append(floor_of("webcare_research." + mod) if "." in mod else FLOORS.index("cli"))
        first = "".join(cells[0]["source"])
        assert "Reads:" in first and "Writes:" in first, f"{nb.name}: open with what it reads and what it writes"
    assert order == sorted(order), "notebook numbers must follow the floors of the flow"
    for nb in sorted((NOTEBOOKS / "explanations").glob("*.ipynb")):
        src = "".join("".join(c["source"]) for c in json.loads(nb.read_text(encoding="utf-8"))["cells"])
        assert "default_exp" not in src and "#| export" not in src, f"{nb.name}: explanations are not exported"


if __name__ == "__main__":
    g = import_graph()
    print(f"{g['modules']} modules in {len(g['packages'])} packages + cli on {len(g['floors'])} floors "
          f"({' < '.join(g['floors'])}); {g['edges']} internal imports; {len(g['cycles'])} cycles; "
          f"{len(g['upward'])} upward imports; {len(g['hidden'])} hidden imports; "
          f"largest module {g['largest'][0]} ({g['largest'][1]} lines)")
