-- Empty raw tables shaped like docs/raw-tables.md, for tests, benchmarks and local
-- development before the connectors have loaded anything. Idempotent.
create schema if not exists raw_jira;
create schema if not exists raw_spreadsheets;

create table if not exists raw_jira.projects (
    id varchar, key varchar, name varchar, project_type_key varchar, lead_account_id varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_jira.statuses (
    id varchar, name varchar, status_category_key varchar, status_category_name varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_jira.fields (
    id varchar, name varchar, custom boolean, schema_type varchar, schema_custom varchar,
    role varchar, _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_jira.issues (
    id varchar, key varchar, project_id varchar, project_key varchar, summary varchar,
    issue_type varchar, is_subtask boolean, status_id varchar, status_name varchar,
    status_category_key varchar, priority varchar, created timestamptz, updated timestamptz,
    resolution_date timestamptz, due_date date, story_points double, parent_key varchar,
    labels json, components json, fix_versions json, sprint_ids json,
    assignee_account_id varchar, reporter_account_id varchar, raw json,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_jira.changelog_items (
    history_id varchar, item_index bigint, issue_id varchar, issue_key varchar,
    changed_at timestamptz, author_account_id varchar, field varchar, field_id varchar,
    from_value varchar, from_string varchar, to_value varchar, to_string varchar,
    _dlt_load_id varchar, _dlt_id varchar
);

create table if not exists raw_spreadsheets.survey_responses (
    response_id varchar, wave varchar, submitted_at timestamptz, respondent_token varchar,
    stakeholder_group varchar, business_unit varchar, overall_value bigint,
    likelihood_to_recommend bigint, comment varchar,
    source_file varchar, source_sheet varchar, source_row bigint, file_hash varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_spreadsheets.survey_answers (
    response_id varchar, service_id varchar, dimension varchar, score bigint,
    source_file varchar, source_sheet varchar, source_row bigint, file_hash varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_spreadsheets.service_catalogue (
    service_id varchar, service_name varchar, value_ring_function varchar,
    customer_groups varchar, owner varchar, start_date date, target_satisfaction double,
    source_file varchar, source_sheet varchar, source_row bigint, file_hash varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_spreadsheets.needs_register (
    need_id varchar, customer_group varchar, need varchar, priority varchar,
    service_ids varchar,
    source_file varchar, source_sheet varchar, source_row bigint, file_hash varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_spreadsheets.maturity_assessments (
    assessed_on date, domain varchar, level bigint, target_level bigint, assessor varchar,
    evidence varchar,
    source_file varchar, source_sheet varchar, source_row bigint, file_hash varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_spreadsheets.project_register (
    project_key varchar, project_name varchar, strategic_objective_id varchar,
    sponsor varchar, budget double, actual_cost_to_date double, baseline_start date,
    baseline_end date, forecast_end date, planned_benefits double, realised_benefits double,
    rag varchar,
    source_file varchar, source_sheet varchar, source_row bigint, file_hash varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_spreadsheets.strategic_objectives (
    objective_id varchar, objective_name varchar, weight double,
    source_file varchar, source_sheet varchar, source_row bigint, file_hash varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_spreadsheets.quarantine (
    source_file varchar, source_sheet varchar, source_row bigint, source_column varchar,
    value varchar, reason varchar, field varchar, scope varchar, response_id varchar,
    quarantined_at timestamptz, file_hash varchar, _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_spreadsheets.source_files (
    file_hash varchar, source_file varchar, workbook varchar, status varchar, error varchar,
    rows_loaded bigint, rows_quarantined bigint, answers_quarantined bigint, seen_at timestamptz,
    _dlt_load_id varchar, _dlt_id varchar
);

create table if not exists raw_jira.boards (
    id bigint, name varchar, type varchar, project_id varchar, project_key varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_jira.sprints (
    id bigint, board_id bigint, name varchar, state varchar, start_date timestamptz,
    end_date timestamptz, complete_date timestamptz, goal varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
create table if not exists raw_jira.issue_sprints (
    issue_id varchar, sprint_id bigint, issue_key varchar, is_deleted boolean,
    _dlt_load_id varchar, _dlt_id varchar
);
