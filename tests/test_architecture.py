"""The house rules of the code base, checked: data flows down through the packages, no module
borrows another module's private names, and modules stay small unless they say why."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import carenet_graph

PACKAGE = Path(carenet_graph.__file__).parent
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))

#: The stages in the order data flows through them: a module may import only from its own stage
#: or an earlier one (README, "For developers").
LAYERS = (
    ("errors",), ("i18n",), ("vocabulary",), ("locale",), ("network",), ("read",), ("output",),
    ("privacy", "analysis"), ("derive",), ("gaps",), ("waves",), ("viz",), ("report",), ("survey",), ("demo",),
    ("cli", "cli_survey", "cli_derive", "__main__"),
)
RANK = {stage: rank for rank, stages in enumerate(LAYERS) for stage in stages}
MAX_LINES = 410  # "about 400"; a longer module says why in its docstring ("Longer than 400 lines ...")


def stage(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def imports(path: Path) -> list[ast.ImportFrom]:
    return [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("carenet_graph")]


def test_every_stage_has_a_layer() -> None:
    stages = {stage(p) for p in MODULES} - {"__init__"}
    assert stages <= set(RANK), f"add {sorted(stages - set(RANK))} to LAYERS"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_down_and_borrow_no_private_names(path: Path) -> None:
    own = stage(path)
    upward = []
    private = []
    for node in imports(path):
        target = node.module.split(".")[1] if node.module and node.module.count(".") else "__init__"
        if own != "__init__" and target in RANK and RANK[target] > RANK[own]:
            upward.append(node.module)
        private += [f"{node.module}.{alias.name}" for alias in node.names
                    if alias.name.startswith("_") and alias.name != "__version__"]
    assert upward == [], f"{path.name} ({own}) imports from later stages"
    assert private == [], f"{path.name} imports private names"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_long_modules_say_why(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    docstring = ast.get_docstring(ast.parse(text)) or ""
    assert lines <= MAX_LINES or "400 lines" in docstring, f"{path.name} has {lines} lines and no reason at its top"


def test_the_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    # The checks above would pass vacuously if imports() found nothing: make sure it does.
    found = {node.module for node in imports(PACKAGE / "report" / "build.py")}
    assert "carenet_graph.analysis.run" in found
    assert RANK["report"] > RANK["analysis"] > RANK["read"]
