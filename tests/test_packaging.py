"""The repository keeps its promises: environment.yml matches pyproject.toml, every import is declared,
the design card's packages are there, and the library is the export of the notebooks."""
import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _req_names(reqs):
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in reqs}


DECLARED = _req_names(PYPROJECT["project"]["dependencies"]) | _req_names(
    r for extra in PYPROJECT["project"]["optional-dependencies"].values() for r in extra)


LOCK = ROOT / "requirements" / "lock.txt"
LOCKED_EXTRAS = ("topics", "dev", "embeddings", "transformers")  # what scripts/lock.sh resolves


def _lock() -> dict[str, str]:
    out = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            out[canonicalize_name(name)] = version
    return out


def test_environment_yml_installs_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    deps = env["dependencies"]
    pythons = [d for d in deps if isinstance(d, str) and d.startswith("python")]
    assert pythons == ["python=3.11"]
    need = PYPROJECT["project"]["requires-python"]
    assert need.startswith(">=") and tuple(map(int, need[2:].split("."))) <= (3, 11)
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert "-r requirements/lock.txt" in pip and "-e ." in pip, "environment.yml must install the lock and the package"
    assert "requirements/lock.txt" in (ROOT / "scripts" / "setup.sh").read_text()


def test_lock_satisfies_pyproject():
    "Every declaration in pyproject.toml (core and the locked extras) is met by the locked version."
    lock = _lock()
    reqs = list(PYPROJECT["project"]["dependencies"])
    for extra in LOCKED_EXTRAS:
        reqs += PYPROJECT["project"]["optional-dependencies"][extra]
    problems = []
    for r in map(Requirement, reqs):
        name = canonicalize_name(r.name)
        if name == "webcare-research":
            continue
        if name not in lock:
            problems.append(f"{r} is not in the lock")
        elif not r.specifier.contains(Version(lock[name]), prereleases=True):
            problems.append(f"{r} but the lock has {lock[name]}")
    assert not problems, "refresh with scripts/lock.sh: " + "; ".join(problems)


def test_installed_versions_equal_the_lock():
    "What this environment runs is exactly what the lock says (CI installs from it)."
    from importlib.metadata import PackageNotFoundError, version
    wrong = {}
    for name, v in _lock().items():
        try:
            have = version(name)
        except PackageNotFoundError:
            have = None
        if have is None or Version(have) != Version(v):
            wrong[name] = (v, have)
    assert not wrong, f"installed != lock (run scripts/setup.sh): {wrong}"


def test_plain_install_pulls_no_torch():
    "`pip install .` (core, no extras) reaches neither torch nor NVIDIA CUDA wheels: BERTopic is the `topics` extra."
    from importlib.metadata import PackageNotFoundError, requires
    seen, todo = set(), [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
    while todo:
        r = todo.pop()
        name = canonicalize_name(r.name)
        if name in seen or (r.marker and not r.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        try:
            subs = requires(name) or []
        except PackageNotFoundError:
            continue
        todo += [s for s in map(Requirement, subs) if not s.marker or s.marker.evaluate({"extra": ""})]
    heavy = {n for n in seen if n in ("torch", "sentence-transformers", "bertopic") or n.startswith("nvidia-")}
    assert not heavy, f"a plain install would pull {heavy}"


def test_design_card_packages_are_dependencies():
    for pkg in ("jupyterlab", "pandas", "spacy", "bertopic", "matplotlib", "papermill", "nbdev"):
        assert pkg in DECLARED, pkg


def _imports(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def test_every_third_party_import_is_declared():
    dist_of = packages_distributions()
    std = set(sys.stdlib_module_names)
    optional = {"transformers", "sentence_transformers", "model2vec", "weasyprint", "torch", "psutil"}
    missing = {}
    for f in (ROOT / "webcare_research").rglob("*.py"):
        for mod in _imports(f):
            if mod in std or mod == "webcare_research" or mod in optional or mod.startswith("_"):
                continue
            dists = {d.lower().replace("_", "-") for d in dist_of.get(mod, [mod])}
            if not dists & DECLARED:
                missing.setdefault(mod, []).append(f.name)
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def test_library_modules_are_generated_from_notebooks():
    nbs = ROOT / "notebooks"
    checked = 0
    for f in (ROOT / "webcare_research").rglob("*.py"):
        if f.name in ("__init__.py", "__main__.py", "_modidx.py"):
            continue
        head = f.read_text().splitlines()[:6]
        marker = next((l for l in head if "AUTOGENERATED" in l), None)
        assert marker, f"{f.relative_to(ROOT)} is not generated by nbdev-export"
        src = re.search(r"File to edit: (?:\.\./)+notebooks/(\S+?)\.?$", marker).group(1)
        assert (nbs / src).exists(), f"{f.name}: source notebook {src} is missing"
        checked += 1
    assert checked >= 40
