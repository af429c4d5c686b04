{#- Fails (or warns, with severity warn) with every row of the model: for models that list
    problems, such as int_jira__unknown_statuses. -#}
{% test has_no_rows(model) %}
select * from {{ model }}
{% endtest %}
