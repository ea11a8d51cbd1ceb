"""The apps' boundaries are enforced by `make lint`, not only described: the import
contracts (.importlinter, import-linter) and ruff's private-name rule (pyproject.toml)
must fail on a copy of the code with a planted violation, and pass on the code as it is.

Each check runs the real tools on a copy of the apps' Python files, so a contract that
is mistyped, too loose or silently kept fails here."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "cwop_portal",
    "organizations",
    "rooms",
    "consultations",
    "library",
    "cooperation",
    "awards",
]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """The apps' Python files and the lint configuration, copied once."""
    copy = tmp_path_factory.mktemp("code")
    for app in APPS:
        shutil.copytree(
            ROOT / app,
            copy / app,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "migrations", "locale"),
        )
    for name in (".importlinter", "pyproject.toml"):
        shutil.copy(ROOT / name, copy / name)
    return copy


@pytest.fixture
def code(pristine, tmp_path):
    target = tmp_path / "code"
    shutil.copytree(pristine, target)
    return target


def plant(code, module, line):
    path = code / Path(*module.split(".")).with_suffix(".py")
    if not path.exists():
        path = code / Path(*module.split(".")) / "__init__.py"
    path.write_text(path.read_text() + f"\n\n{line}\n")


def lint_imports(code):
    tool = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(tool), "--no-cache"], cwd=code, capture_output=True, text=True, check=False
    )


def ruff(code):
    tool = Path(sys.executable).with_name("ruff")
    return subprocess.run(
        [str(tool), "check", "--no-cache", "--select", "PLC2701", "."],
        cwd=code,
        capture_output=True,
        text=True,
        check=False,
    )


def broken_contracts(result):
    return [line for line in result.stdout.splitlines() if line.endswith(" BROKEN")]


def test_the_code_as_it_is_keeps_every_contract(code):
    result = lint_imports(code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("cwop_portal.models", "import organizations.models", "Apps depend one way"),
        ("organizations.models", "import rooms.models", "Apps depend one way"),
        ("rooms.models", "import consultations.models", "Apps depend one way"),
        ("library.models", "import rooms.models", "Apps depend one way"),
        ("consultations.models", "import library.models", "Consultations do not use"),
        ("cooperation.models.consultations", "import library.models", "Cooperation uses only"),
        ("rooms.models", "import cooperation.admin", "Only cooperation imports"),
        ("awards.models.nominations", "import rooms.models", "Awards use only"),
        ("awards.figures", "import cooperation.models", "Awards use only"),
        ("cooperation.models.team", "import awards.admin", "Only awards imports"),
        ("consultations.models", "import rooms.views.bookings", "Only rooms imports its views"),
        ("library.models", "import organizations.admin", "Only organizations imports"),
        ("library.views", "import library.demo", "Demo data"),
        # A cycle inside an app, hidden in a function as the old ones were.
        ("rooms.models", "def planted():\n    from rooms import views", "No import cycles"),
    ],
)
def test_a_planted_violation_breaks_its_contract(code, module, line, contract):
    plant(code, module, line)
    result = lint_imports(code)
    assert result.returncode != 0
    assert any(name.startswith(contract) for name in broken_contracts(result)), result.stdout


def test_importing_another_apps_private_name_fails_the_lint(code):
    assert ruff(code).returncode == 0
    plant(
        code,
        "library.models",
        "from organizations.services.organizations import _planted  # noqa: F401",
    )
    result = ruff(code)
    assert result.returncode != 0
    assert "Private name import `_planted`" in result.stdout
