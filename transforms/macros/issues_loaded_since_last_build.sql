{#- Filter of the incremental status history (a where clause on stg_jira__issues): the issues
    loaded since the newest load the model holds, minus var jira_history_lookback_minutes (a
    load that committed after a newer one started is still seen); every issue on a full
    build. The connector reloads a changed issue with its whole changelog, so these are the
    issues whose history may differ. -#}
{% macro issues_loaded_since_last_build() -%}
    {%- if is_incremental() -%}
    loaded_at > (
        select coalesce(max(loaded_at), timestamp '1970-01-01')
            - interval ({{ var('jira_history_lookback_minutes') }}) minute
        from {{ this }}
    )
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}
