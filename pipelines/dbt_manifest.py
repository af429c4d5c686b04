"""The dbt manifest the code location is built from, parsed again when the project changed.

``make`` prepares the manifest, but ``pmo`` also runs from cron or systemd after a ``git pull``
with no ``make`` in between. Assets come from the manifest, so an old one would leave a new model
out of every run without a word: ``pmo refresh`` parses the project first when a model, macro,
seed, test or setting is newer than the manifest.
"""

from __future__ import annotations

from dagster_dbt import DbtCliResource, DbtProject

PROJECT_SOURCES = ("models", "macros", "seeds", "tests")
PROJECT_SETTINGS = ("dbt_project.yml", "profiles.yml")


def manifest_is_stale(project: DbtProject) -> bool:
    """True when the manifest is missing or older than a file of the project."""
    if not project.manifest_path.exists():
        return True
    built = project.manifest_path.stat().st_mtime
    folders = [project.project_dir / name for name in PROJECT_SOURCES]
    files = [f for folder in folders if folder.exists() for f in folder.rglob("*") if f.is_file()]
    files += [project.project_dir / name for name in PROJECT_SETTINGS]
    return any(f.exists() and f.stat().st_mtime > built for f in files)


def prepare_if_stale(project: DbtProject, dbt_executable: str) -> bool:
    """Parse the project when its manifest is stale; True when it did."""
    if not manifest_is_stale(project):
        return False
    DbtCliResource(project_dir=project, dbt_executable=dbt_executable).cli(
        ["parse", "--quiet"], target_path=project.target_path
    ).wait()
    return True
