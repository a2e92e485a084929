"""Dependencies point one way: the security domain is pure (standard library and itself only), and the
security package never reaches into the API layer."""

import ast
import sys
from pathlib import Path

import pytest

from p2p.settings import PROJECT_ROOT

SECURITY = PROJECT_ROOT / "security"
PURE = sorted([*(SECURITY / "domain").glob("*.py"), SECURITY / "principal.py"])


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", PURE, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_the_domain_imports_only_the_standard_library_and_itself(path: Path) -> None:
    for name in imported(path):
        top = name.split(".")[0]
        allowed = top in sys.stdlib_module_names or name.startswith(("security.domain", "security.principal"))
        assert allowed, f"{path.name} imports {name}"


def test_security_never_imports_the_api_or_fastapi() -> None:
    for path in SECURITY.rglob("*.py"):
        tops = {name.split(".")[0] for name in imported(path)}
        assert not tops & {"api", "fastapi", "starlette"}, path
