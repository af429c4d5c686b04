{#- Filter of the incremental status history (a where clause on stg_jira__issues): on a full
    build every issue; on an incremental one, the issues of the dlt loads the model has not
    seen yet among those that started since its newest minus var
    jira_history_lookback_minutes (a load that committed after a newer one had started is
    still seen). The connector reloads a changed issue with its whole changelog, so these are
    the issues whose history may differ. Issues without a load time (hand-made raw rows) are
    always rebuilt. -#}
{% macro issues_loaded_since_last_build() -%}
    {%- if is_incremental() -%}
    {%- set window_start -%}
        (
            select coalesce(max(loaded_at), timestamp '1970-01-01')
                - interval ({{ var('jira_history_lookback_minutes') }}) minute
            from {{ this }}
        )
    {%- endset -%}
    (
        loaded_at is null
        or (
            loaded_at > {{ window_start }}
            and loaded_at not in (
                select distinct loaded_at from {{ this }}
                where loaded_at > {{ window_start }}
            )
        )
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}
