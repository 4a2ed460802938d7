"""The .pyi stub names exactly what the compiled module exports."""
import ast
import pathlib

import physml_cli
from physml_cli import _engine


def stub_names():
    path = pathlib.Path(physml_cli.__file__).with_name("_engine.pyi")
    tree = ast.parse(path.read_text())
    top, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            top.add(node.name)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
            for base in node.bases:  # a stub class may inherit its members from another
                if isinstance(base, ast.Name) and base.id in members:
                    members[node.name] |= members[base.id]
    return top, members


def test_stub_matches_module():
    top, members = stub_names()
    public = {n for n in dir(_engine) if not n.startswith("_")}
    assert top == public
    for cls, names in members.items():
        actual = {n for n in dir(getattr(_engine, cls)) if not n.startswith("_")} | {"__init__"}
        assert names == actual, cls
