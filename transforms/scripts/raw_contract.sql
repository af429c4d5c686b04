-- Empty raw tables shaped like the connectors' declared columns, for tests, benchmarks and
-- local development before the connectors have loaded anything. Idempotent. Generated from
-- the dlt resources by transforms/scripts/raw_contract.py: do not edit by hand.
create schema if not exists "raw_jira";
create table if not exists "raw_jira"."projects" (
    "id" VARCHAR,
    "key" VARCHAR,
    "name" VARCHAR,
    "project_type_key" VARCHAR,
    "lead_account_id" VARCHAR,
    "is_private" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."statuses" (
    "id" VARCHAR,
    "name" VARCHAR,
    "untranslated_name" VARCHAR,
    "status_category_id" BIGINT,
    "status_category_key" VARCHAR,
    "status_category_name" VARCHAR,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."fields" (
    "id" VARCHAR,
    "name" VARCHAR,
    "custom" BOOLEAN,
    "schema_type" VARCHAR,
    "schema_custom" VARCHAR,
    "schema_items" VARCHAR,
    "role" VARCHAR,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."issues" (
    "id" VARCHAR,
    "key" VARCHAR,
    "project_id" VARCHAR,
    "project_key" VARCHAR,
    "summary" VARCHAR,
    "issue_type" VARCHAR,
    "is_subtask" BOOLEAN,
    "status_id" VARCHAR,
    "status_name" VARCHAR,
    "status_category_key" VARCHAR,
    "priority" VARCHAR,
    "resolution" VARCHAR,
    "created" TIMESTAMP WITH TIME ZONE,
    "updated" TIMESTAMP WITH TIME ZONE,
    "resolution_date" TIMESTAMP WITH TIME ZONE,
    "due_date" DATE,
    "start_date" DATE,
    "story_points" DOUBLE,
    "parent_key" VARCHAR,
    "labels" JSON,
    "components" JSON,
    "fix_versions" JSON,
    "sprint_ids" JSON,
    "assignee_account_id" VARCHAR,
    "reporter_account_id" VARCHAR,
    "raw" JSON,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."changelog_items" (
    "history_id" VARCHAR,
    "item_index" BIGINT,
    "issue_id" VARCHAR,
    "issue_key" VARCHAR,
    "changed_at" TIMESTAMP WITH TIME ZONE,
    "author_account_id" VARCHAR,
    "field" VARCHAR,
    "field_id" VARCHAR,
    "field_type" VARCHAR,
    "from_value" VARCHAR,
    "from_string" VARCHAR,
    "to_value" VARCHAR,
    "to_string" VARCHAR,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."issue_sprints" (
    "issue_id" VARCHAR,
    "sprint_id" BIGINT,
    "issue_key" VARCHAR,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."boards" (
    "id" BIGINT,
    "name" VARCHAR,
    "type" VARCHAR,
    "project_id" VARCHAR,
    "project_key" VARCHAR,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."sprints" (
    "id" BIGINT,
    "board_id" BIGINT,
    "name" VARCHAR,
    "state" VARCHAR,
    "start_date" TIMESTAMP WITH TIME ZONE,
    "end_date" TIMESTAMP WITH TIME ZONE,
    "complete_date" TIMESTAMP WITH TIME ZONE,
    "goal" VARCHAR,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."worklogs" (
    "id" VARCHAR,
    "issue_id" VARCHAR,
    "author_account_id" VARCHAR,
    "started" TIMESTAMP WITH TIME ZONE,
    "time_spent_seconds" BIGINT,
    "created" TIMESTAMP WITH TIME ZONE,
    "updated" TIMESTAMP WITH TIME ZONE,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_jira"."users" (
    "account_id" VARCHAR,
    "account_type" VARCHAR,
    "display_name" VARCHAR,
    "active" BOOLEAN,
    "time_zone" VARCHAR,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);

create schema if not exists "raw_spreadsheets";
create table if not exists "raw_spreadsheets"."survey_responses" (
    "response_id" VARCHAR,
    "wave" VARCHAR,
    "submitted_at" TIMESTAMP WITH TIME ZONE,
    "stakeholder_group" VARCHAR,
    "business_unit" VARCHAR,
    "overall_value" BIGINT,
    "likelihood_to_recommend" BIGINT,
    "comment" VARCHAR,
    "respondent_token" VARCHAR,
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."survey_answers" (
    "response_id" VARCHAR,
    "service_id" VARCHAR,
    "dimension" VARCHAR,
    "score" BIGINT,
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."service_catalogue" (
    "service_id" VARCHAR,
    "service_name" VARCHAR,
    "value_ring_function" VARCHAR,
    "customer_groups" VARCHAR,
    "owner" VARCHAR,
    "start_date" DATE,
    "target_satisfaction" DOUBLE,
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."needs_register" (
    "need_id" VARCHAR,
    "customer_group" VARCHAR,
    "need" VARCHAR,
    "priority" VARCHAR,
    "service_ids" VARCHAR,
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."maturity_assessments" (
    "assessed_on" DATE,
    "domain" VARCHAR,
    "level" BIGINT,
    "target_level" BIGINT,
    "assessor" VARCHAR,
    "evidence" VARCHAR,
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."project_register" (
    "project_key" VARCHAR,
    "project_name" VARCHAR,
    "strategic_objective_id" VARCHAR,
    "sponsor" VARCHAR,
    "budget" DOUBLE,
    "actual_cost_to_date" DOUBLE,
    "baseline_start" DATE,
    "baseline_end" DATE,
    "forecast_end" DATE,
    "planned_benefits" DOUBLE,
    "realised_benefits" DOUBLE,
    "rag" VARCHAR,
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."strategic_objectives" (
    "objective_id" VARCHAR,
    "objective_name" VARCHAR,
    "weight" DOUBLE,
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."survey_question_map" (
    "question" VARCHAR,
    "service_id" VARCHAR,
    "dimension" VARCHAR,
    "scale" VARCHAR,
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."quarantine" (
    "source_file" VARCHAR,
    "source_sheet" VARCHAR,
    "source_row" BIGINT,
    "file_hash" VARCHAR,
    "source_column" VARCHAR,
    "value" VARCHAR,
    "reason" VARCHAR,
    "field" VARCHAR,
    "scope" VARCHAR,
    "response_id" VARCHAR,
    "quarantined_at" TIMESTAMP WITH TIME ZONE,
    "is_replace_marker" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_spreadsheets"."source_files" (
    "file_hash" VARCHAR,
    "source_file" VARCHAR,
    "workbook" VARCHAR,
    "status" VARCHAR,
    "error" VARCHAR,
    "rows_loaded" BIGINT,
    "rows_quarantined" BIGINT,
    "rows_skipped" BIGINT,
    "answers_quarantined" BIGINT,
    "size_bytes" BIGINT,
    "seen_at" TIMESTAMP WITH TIME ZONE,
    "deleted_at" TIMESTAMP WITH TIME ZONE,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);

create schema if not exists "raw_smartsheet";
create table if not exists "raw_smartsheet"."sheets" (
    "sheet_id" BIGINT,
    "name" VARCHAR,
    "version" BIGINT,
    "column_map" VARCHAR,
    "project_id" VARCHAR,
    "workspace_name" VARCHAR,
    "total_row_count" BIGINT,
    "created_at" TIMESTAMP WITH TIME ZONE,
    "modified_at" TIMESTAMP WITH TIME ZONE,
    "permalink" VARCHAR,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_smartsheet"."columns" (
    "sheet_id" BIGINT,
    "column_id" BIGINT,
    "title" VARCHAR,
    "type" VARCHAR,
    "symbol" VARCHAR,
    "column_index" BIGINT,
    "is_primary" BOOLEAN,
    "role" VARCHAR,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_smartsheet"."rows" (
    "row_id" BIGINT,
    "sheet_id" BIGINT,
    "parent_row_id" BIGINT,
    "row_number" BIGINT,
    "project_id" VARCHAR,
    "task_name" VARCHAR,
    "start_date" DATE,
    "finish_date" DATE,
    "baseline_start" DATE,
    "baseline_finish" DATE,
    "duration_days" DOUBLE,
    "percent_complete" DOUBLE,
    "status" VARCHAR,
    "rag" VARCHAR,
    "is_milestone" BOOLEAN,
    "predecessors" VARCHAR,
    "budget" DOUBLE,
    "actual_cost" DOUBLE,
    "owner_token" VARCHAR,
    "extra" VARCHAR,
    "created_at" TIMESTAMP WITH TIME ZONE,
    "modified_at" TIMESTAMP WITH TIME ZONE,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_smartsheet"."summary_fields" (
    "sheet_id" BIGINT,
    "field_id" BIGINT,
    "title" VARCHAR,
    "type" VARCHAR,
    "role" VARCHAR,
    "value" VARCHAR,
    "number_value" DOUBLE,
    "modified_at" TIMESTAMP WITH TIME ZONE,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
create table if not exists "raw_smartsheet"."cell_history" (
    "row_id" BIGINT,
    "sheet_id" BIGINT,
    "column_id" BIGINT,
    "role" VARCHAR,
    "value" VARCHAR,
    "modified_at" TIMESTAMP WITH TIME ZONE,
    "modified_by_token" VARCHAR,
    "is_deleted" BOOLEAN,
    "_dlt_load_id" VARCHAR,
    "_dlt_id" VARCHAR
);
