"""The type stubs (wiretls/_wiretls.pyi) and the module agree: every name,
class, method and property the stubs declare exists at run time, and every
public name of the module is declared in the stubs."""

import ast
import pathlib

import wiretls

STUB = pathlib.Path(wiretls.__file__).with_name("_wiretls.pyi")
# Names the stubs declare only for type checkers.
TYPING_ONLY = {"BytesLike", "PemInput", "ChainAnswer", "WriteToWire", "WireClose", "VerifyCallback"}


def declared():
    tree = ast.parse(STUB.read_text())
    names, members = set(), {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        if isinstance(node, ast.ClassDef):
            members[node.name] = {
                n.name for n in node.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("__")
            }
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names - TYPING_ONLY, members


def test_every_stub_name_exists():
    names, members = declared()
    missing = sorted(n for n in names if not hasattr(wiretls, n))
    assert not missing, f"declared in the stubs, missing at run time: {missing}"
    for cls, methods in members.items():
        absent = sorted(m for m in methods if not hasattr(getattr(wiretls, cls), m))
        assert not absent, f"{cls}: declared in the stubs, missing at run time: {absent}"


def test_every_public_name_is_in_the_stubs():
    names, _ = declared()
    constants = {m.name for m in wiretls.AlertDescription}  # declared as "every member of AlertDescription"
    public = {n for n in dir(wiretls._wiretls) if not n.startswith("_")}
    undeclared = sorted(public - names - constants)
    assert not undeclared, f"public at run time, not in the stubs: {undeclared}"
