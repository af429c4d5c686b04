"""Every setting the code reads is documented once (docs/configuration.md) and listed in
.dlt/config.toml (or, for secrets, .dlt/example.secrets.toml), and nothing else is."""

from __future__ import annotations

import pytest

# Variables of the operating system itself, not of the pipeline or its tools.
OS_VARIABLES = {"PATH"}


def test_every_setting_in_code_is_documented(code_settings, documented_settings) -> None:
    missing = {k: s.where for k, s in code_settings.items() if k not in documented_settings}
    assert not missing, f"add to docs/configuration.md: {missing}"


def test_every_documented_setting_is_read_in_code(code_settings, documented_settings) -> None:
    assert not set(documented_settings) - set(code_settings)


def test_documented_environment_variables_are_the_ones_dlt_reads(
    code_settings, documented_settings
) -> None:
    wrong = {
        key: (env, code_settings[key].env_var)
        for key, env in documented_settings.items()
        if key in code_settings and env != code_settings[key].env_var
    }
    assert not wrong


def test_config_toml_lists_exactly_the_settings_that_are_not_secret(
    code_settings, config_toml
) -> None:
    expected = {key for key, setting in code_settings.items() if not setting.secret}
    assert set(config_toml) == expected


def test_config_toml_comments_show_the_defaults_in_code(code_settings, config_toml) -> None:
    stale = {
        key: (value, code_settings[key].default)
        for key, value in config_toml.items()
        if key in code_settings
        and code_settings[key].default is not None
        and value != code_settings[key].default
    }
    assert not stale


def test_secrets_example_lists_exactly_the_secret_settings(code_settings, secrets_example) -> None:
    expected = {key for key, setting in code_settings.items() if setting.secret}
    assert set(secrets_example) == expected


def test_keys_read_by_name_are_declared_settings(code_settings, dlt_key_reads) -> None:
    undeclared = {k: where for k, where in dlt_key_reads.items() if k not in code_settings}
    assert not undeclared


def test_the_environment_is_read_directly_only_for_the_tools_variables(
    environment_reads, documented_tool_variables
) -> None:
    """Everything else goes through dlt's providers (env, secrets.toml, config.toml).
    Computed names are environments saved and restored, not settings."""
    read = {n: w for n, w in environment_reads.items() if not n.startswith("<computed")}
    undocumented = {n: w for n, w in read.items() if n not in documented_tool_variables}
    assert not {n: w for n, w in undocumented.items() if n not in OS_VARIABLES}


def test_every_documented_tool_variable_is_read_in_code(
    environment_reads, documented_tool_variables
) -> None:
    assert documented_tool_variables <= set(environment_reads)


def test_every_dagster_env_var_is_a_documented_variable(
    dagster_env_vars, documented_settings, documented_tool_variables
) -> None:
    known = set(documented_settings.values()) | documented_tool_variables
    assert not {name: where for name, where in dagster_env_vars.items() if name not in known}


def test_every_variable_a_document_or_message_names_is_documented(
    mentioned_variables, documented_settings, documented_tool_variables
) -> None:
    """A renamed or retired setting cannot live on in a README, a docstring or an error."""
    known = set(documented_settings.values()) | documented_tool_variables
    assert not {name: where for name, where in mentioned_variables.items() if name not in known}


def test_no_other_document_keeps_a_settings_table(settings_tables_elsewhere) -> None:
    """Other documents link to docs/configuration.md instead of repeating its rows."""
    assert not settings_tables_elsewhere


@pytest.mark.parametrize(
    "key", ["pmo_warehouse_path", "sources.jira.base_url", "quality.volume_drop"]
)
def test_discovery_finds_each_kind_of_setting(code_settings, key) -> None:
    """A top-level key, a source argument and a sectioned spec field: an empty discovery would
    make every test above pass."""
    assert key in code_settings
