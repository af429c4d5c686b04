"""Lake mode with its data on S3 (an S3-compatible server on loopback that checks signatures):
every process attaching the lake, ours, dlt's and dbt's, reaches the bucket with the one set of
credentials, and a wrong one is refused without being shown."""

from __future__ import annotations

from sandbox.warehouse_modes import checkout_environment
from tests.lake.lake_process import run_in_lake_process
from warehouse.settings import REPO_ROOT

DATA_PATH = "PMO_LAKE_DATA_PATH"
WRITE_THEN_READ = """
from warehouse.connection import execute, query
from warehouse.settings import warehouse_path
execute(warehouse_path(), "create table t as select 42 as answer")
print(query(warehouse_path(), "select answer from t")["answer"].tolist())
"""


def test_a_table_written_through_the_connection_is_read_back(written_lake_on_s3) -> None:
    assert written_lake_on_s3["answer"] == [42]


def test_the_table_s_parquet_files_are_objects_in_the_bucket(
    written_lake_on_s3, s3, lake_on_s3
) -> None:
    keys = s3.keys(f"{lake_on_s3[DATA_PATH]}marts/")
    assert keys
    assert all(key.endswith(".parquet") for key in keys)


def test_dlt_s_rows_are_read_back_through_the_connection(written_lake_on_s3) -> None:
    assert written_lake_on_s3["ids"] == [1, 2, 3]


def test_dlt_s_load_lands_in_the_bucket(written_lake_on_s3, s3, lake_on_s3) -> None:
    assert any(key.endswith(".parquet") for key in s3.keys(f"{lake_on_s3[DATA_PATH]}raw_probe/"))


def test_dbt_s_lake_target_reads_the_lake_on_s3(
    written_lake_on_s3, lake_on_s3, lake_python, dbt_probe_project
) -> None:
    result = run_in_lake_process(
        [
            str(lake_python.parent / "dbt"),
            *("show", "--target", "lake", "--inline", "select answer from marts.t"),
            *("--profiles-dir", str(REPO_ROOT / "transforms")),
        ],
        checkout_environment(lake_on_s3),
        cwd=dbt_probe_project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "|     42 |" in result.stdout


def test_without_a_key_duckdb_s_credential_chain_finds_an_aws_profile(
    run_in_lake, s3, s3_folder, tmp_path
) -> None:
    """The key in a shared credentials file (``~/.aws/credentials``), none in the settings."""
    profile = tmp_path / "aws-credentials"
    profile.write_text(
        f"[default]\naws_access_key_id = {s3.key_id}\naws_secret_access_key = {s3.secret}\n"
    )
    chain = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}
    chain |= {"AWS_SHARED_CREDENTIALS_FILE": str(profile), "AWS_CONFIG_FILE": str(tmp_path)}
    result = run_in_lake(WRITE_THEN_READ, {**s3_folder, **chain})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[42]"


def test_a_wrong_secret_key_is_refused_by_name_never_shown(run_in_lake, s3_folder) -> None:
    wrong = "wrong-secret-do-not-print"
    result = run_in_lake(WRITE_THEN_READ, {**s3_folder, "AWS_SECRET_ACCESS_KEY": wrong})
    assert result.returncode != 0
    assert "SignatureDoesNotMatch" in result.stderr
    assert wrong not in result.stderr + result.stdout
