"""The benchmarks stay runnable: each script in benchmarks/ imports (a
helper module renamed under them once left four of them broken)."""

import importlib.util
import pathlib
import py_compile
import sys

import pytest

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"
#: locust's file patches the standard library (gevent) when imported: compiled only
PATCHES = {"locustfile"}
SCRIPTS = sorted(p.stem for p in BENCHMARKS.glob("*.py") if p.stem not in PATCHES)


@pytest.fixture(scope="module", autouse=True)
def on_path():
    sys.path.insert(0, str(BENCHMARKS))
    yield
    sys.path.remove(str(BENCHMARKS))


@pytest.mark.parametrize("name", SCRIPTS)
def test_imports(name):
    # by its path: ``search`` is also tests/search, which may be imported
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.__doc__


@pytest.mark.parametrize("name", sorted(PATCHES))
def test_compiles(name, tmp_path):
    py_compile.compile(str(BENCHMARKS / f"{name}.py"), cfile=str(tmp_path / "c.pyc"), doraise=True)
