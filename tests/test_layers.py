"""The layers of docs/architecture.md, enforced: tui | cli -> desk -> store -> core (bench on
top), as import-linter's contract in pyproject.toml says; and the rules, the store and the
desk load without Textual (a command or a script never pays for the workbench)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 1 kept, 0 broken." in done.stdout


def test_core_store_and_desk_load_no_textual():
    # every module of the three packages, not only what a command happens to import
    code = ("import importlib, pkgutil, sys\n"
            "import csdesk.core, csdesk.store, csdesk.desk\n"
            "for package in (csdesk.core, csdesk.store, csdesk.desk):\n"
            "    for module in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
            "        importlib.import_module(module.name)\n"
            "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
