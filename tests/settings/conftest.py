"""What the code reads as settings, and what docs/configuration.md and .dlt/*.toml declare.

Settings are found in the source, not listed by hand: every ``@configspec`` class and every
``@dlt.source`` function of the production packages, plus every direct read of the environment
or of ``dlt.config`` / ``dlt.secrets`` by key.
"""

from __future__ import annotations

import ast
import importlib
import os
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import pytest
from dlt.common.configuration.providers import EnvironProvider
from dlt.common.configuration.specs.base_configuration import is_secret_hint

from warehouse.settings import REPO_ROOT

PRODUCTION_PACKAGES = ("connectors", "pipelines", "quality", "warehouse")
CONFIGURATION_DOC = REPO_ROOT / "docs" / "configuration.md"
CONFIG_TOML = REPO_ROOT / ".dlt" / "config.toml"
SECRETS_EXAMPLE = REPO_ROOT / ".dlt" / "example.secrets.toml"
COMMENTED_KEY = re.compile(r"^# (\w+) = (.+)$")
SECTION = re.compile(r"^\[([\w.]+)\]$")
VARIABLE_MENTION = re.compile(r"\b(?:PMO|QUALITY_|SOURCES_(?:_[A-Z]+)+)_[A-Z0-9_]*[A-Z0-9]\b")
TEXT_SUFFIXES = {".md", ".py", ".toml", ".yml", ".yaml"}
GENERATED_DIRS = {"target", "dbt_packages", "logs", "__pycache__", "generated"}
DOC_ROW = re.compile(r"^\| `([^`]+)` \| `([^`]+)` \|")
SETTINGS_TABLE_ROW = re.compile(r"^\| [^|]* \| `[A-Z][A-Z0-9_]*`")
ENV_DOC_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]*)` \|")


@dataclass(frozen=True)
class Setting:
    key: str
    """dlt's path of the setting, e.g. ``sources.jira.base_url`` or ``pmo_timezone``."""
    secret: bool
    default: Any
    where: str

    @property
    def env_var(self) -> str:
        *sections, name = self.key.split(".")
        return EnvironProvider.get_key_name(name, *sections)


def repo_files(folder: str, pattern: str) -> Iterator[Path]:
    """Files of a repository folder, without installed or generated trees (the BI tool's
    virtual environment and home live under ``warehouse/bi/.venv`` and ``.home``): they are
    pruned during the walk, not after it."""
    found = []
    for root, dirs, files in os.walk(REPO_ROOT / folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in GENERATED_DIRS]
        found.extend(Path(root) / name for name in files if fnmatch(name, pattern))
    yield from sorted(found)


def production_modules() -> Iterator[tuple[str, ast.Module]]:
    for package in PRODUCTION_PACKAGES:
        for path in repo_files(package, "*.py"):
            module = ".".join(path.relative_to(REPO_ROOT).with_suffix("").parts)
            yield module.removesuffix(".__init__"), ast.parse(path.read_text(), str(path))


def _decorator_names(node: ast.ClassDef | ast.FunctionDef) -> set[str]:
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.add(ast.unparse(target))
    return names


def _declared_specs(module_name: str, tree: ast.Module) -> Iterator[tuple[type, tuple, str]]:
    """``@configspec`` classes with the sections their ``__section__`` gives (top level without
    one), and ``@dlt.source`` specs under ``sources.<section>``."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and "configspec" in _decorator_names(node):
            spec = getattr(importlib.import_module(module_name), node.name)
            sections = (spec.__section__,) if spec.__section__ else ()
            yield spec, sections, f"{module_name}.{node.name}"
        if isinstance(node, ast.FunctionDef) and "dlt.source" in _decorator_names(node):
            source = getattr(importlib.import_module(module_name), node.name)
            yield source.ref.SPEC, ("sources", source.section), f"{module_name}.{node.name}"


@pytest.fixture(scope="session")
def code_settings() -> dict[str, Setting]:
    """Every setting a ``@configspec`` or a ``@dlt.source`` of the production code declares
    (a spec a source declares as its own is read where the source reads it)."""
    specs: dict[type, tuple[tuple, str]] = {}
    for name, tree in production_modules():
        for spec, sections, where in _declared_specs(name, tree):
            if sections[:1] == ("sources",) or spec not in specs:
                specs[spec] = (sections, where)
    settings = {}
    for spec, (sections, where) in specs.items():
        defaults = spec()
        for name, hint in spec.get_resolvable_fields().items():
            key = ".".join((*sections, name))
            settings[key] = Setting(key, is_secret_hint(hint), getattr(defaults, name), where)
    return settings


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }


def _read_name(node: ast.expr, constants: dict[str, str]) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    return f"<computed: {ast.unparse(node)}>"


def _reads(tree: ast.Module, receivers: set[str], methods: set[str]) -> Iterator[tuple[str, int]]:
    """Keys read from ``receivers`` (``os.environ``, ``dlt.config`` ...) by subscript or call."""
    constants = _constants(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if ast.unparse(node.value) in receivers:
                yield _read_name(node.slice, constants), node.lineno
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            called = ast.unparse(node.func)
            receiver, _, method = called.rpartition(".")
            if called == "os.getenv" or (receiver in receivers and method in methods):
                yield _read_name(node.args[0], constants), node.lineno


def _env_var_uses(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """Variables named through ``dg.EnvVar`` (or ``dg.EnvVar.int`` ...)."""
    constants = _constants(tree)
    for node in ast.walk(tree):
        called = ast.unparse(node.func) if isinstance(node, ast.Call) and node.args else ""
        if called.removeprefix("dg.").split(".")[0] == "EnvVar":
            yield _read_name(node.args[0], constants), node.lineno


def _found_in_production(reads: Callable[[ast.Module], Iterator[tuple[str, int]]]):
    """What ``reads`` finds in each production module, with where it is (module:line)."""
    found: dict[str, list[str]] = {}
    for name, tree in production_modules():
        for read, line in reads(tree):
            found.setdefault(read, []).append(f"{name}:{line}")
    return found


@pytest.fixture(scope="session")
def environment_reads() -> dict[str, list[str]]:
    """Environment variables the production code reads itself, bypassing dlt's providers."""
    return _found_in_production(lambda tree: _reads(tree, {"os.environ"}, {"get", "setdefault"}))


@pytest.fixture(scope="session")
def dagster_env_vars() -> dict[str, list[str]]:
    """Environment variables Dagster definitions name through ``dg.EnvVar``."""
    return _found_in_production(_env_var_uses)


@pytest.fixture(scope="session")
def dlt_key_reads() -> dict[str, list[str]]:
    """Keys the production code reads from ``dlt.config`` / ``dlt.secrets`` by name."""
    return _found_in_production(lambda tree: _reads(tree, {"dlt.config", "dlt.secrets"}, {"get"}))


def _shipped_text_files() -> Iterator[Path]:
    """What users read: READMEs, docs, .dlt, the Makefile and every shipped source file."""
    yield from (REPO_ROOT / name for name in ("README.md", "Makefile"))
    for folder in ("docs", ".dlt", "transforms", *PRODUCTION_PACKAGES):
        yield from (p for p in repo_files(folder, "*") if p.suffix in TEXT_SUFFIXES)


@pytest.fixture(scope="session")
def mentioned_variables() -> dict[str, str]:
    """Environment variable names of the pipeline's settings that a document or message names."""
    found: dict[str, str] = {}
    for path in _shipped_text_files():
        for name in VARIABLE_MENTION.findall(path.read_text()):
            found.setdefault(name, str(path.relative_to(REPO_ROOT)))
    return found


@pytest.fixture(scope="session")
def settings_tables_elsewhere() -> dict[str, str]:
    """Table rows outside docs/configuration.md whose second cell is an environment variable:
    the shape of a settings table, which would describe settings a second time."""
    rows: dict[str, str] = {}
    for path in _shipped_text_files():
        if path.suffix == ".md" and path != CONFIGURATION_DOC:
            for line in path.read_text().splitlines():
                if SETTINGS_TABLE_ROW.match(line):
                    rows[line] = str(path.relative_to(REPO_ROOT))
    return rows


def _section(text: str, heading: str) -> list[str]:
    body = text.split(f"\n## {heading}\n", 1)[1]
    return body.split("\n## ", 1)[0].splitlines()


@pytest.fixture(scope="session")
def documented_settings() -> dict[str, str]:
    """docs/configuration.md's settings table: dlt key -> environment variable."""
    rows = _section(CONFIGURATION_DOC.read_text(), "Settings")
    return {m[1]: m[2] for m in map(DOC_ROW.match, rows) if m}


@pytest.fixture(scope="session")
def documented_tool_variables() -> set[str]:
    """docs/configuration.md's variables read by the tools themselves (not dlt settings)."""
    rows = _section(CONFIGURATION_DOC.read_text(), "Read by the tools themselves")
    return {m[1] for m in map(ENV_DOC_ROW.match, rows) if m}


def commented_keys(path: Path) -> dict[str, Any]:
    """The ``# key = value`` lines of a dlt TOML file, by dotted key, values parsed as TOML."""
    keys, section = {}, ()
    for line in path.read_text().splitlines():
        if header := SECTION.match(line):
            section = tuple(header[1].split("."))
        elif commented := COMMENTED_KEY.match(line):
            value = tomllib.loads(f"value = {commented[2]}")["value"]
            keys[".".join((*section, commented[1]))] = value
    return keys


@pytest.fixture(scope="session")
def config_toml() -> dict[str, Any]:
    return commented_keys(CONFIG_TOML)


@pytest.fixture(scope="session")
def secrets_example() -> dict[str, Any]:
    return commented_keys(SECRETS_EXAMPLE)
