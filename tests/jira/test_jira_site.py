"""The synthetic site: deterministic, varied and faithful where connectors usually break."""

from datetime import timedelta

from sandbox.jira.site import DONE, IN_PROGRESS, NEW, JiraSite, generate_site


def test_same_seed_gives_the_same_site_down_to_timestamps() -> None:
    first, second = generate_site(seed=3), generate_site(seed=3)
    assert [(i.key, i.updated, i.status.id) for i in first.issues.values()] == [
        (i.key, i.updated, i.status.id) for i in second.issues.values()
    ]


def test_another_seed_gives_another_site() -> None:
    first, second = generate_site(seed=3), generate_site(seed=4)
    assert [i.updated for i in first.issues.values()] != [i.updated for i in second.issues.values()]


def test_size_follows_the_arguments() -> None:
    site = generate_site(projects=6, issues_per_project=10)
    assert len(site.projects) == 6
    assert len(site.issues) == 60


def test_workflows_cover_every_status_category_with_non_english_names(site: JiraSite) -> None:
    categories = {s.category for s in site.statuses}
    names = {s.name for s in site.statuses}
    assert categories == {NEW, IN_PROGRESS, DONE}
    assert {"En cours", "Erledigt"} <= names


def test_story_points_live_on_a_site_specific_custom_field(site: JiraSite) -> None:
    story_points = site.field_for("story_points")
    assert story_points.id.startswith("customfield_")
    assert story_points.id != "customfield_10016"
    assert story_points.id != generate_site(seed=99).field_for("story_points").id


def test_some_changelogs_are_longer_than_jira_embeds(site: JiraSite) -> None:
    assert sum(len(i.histories) > 40 for i in site.issues.values()) >= 3


def test_every_issue_lives_within_twenty_months_before_as_of(site: JiraSite) -> None:
    earliest = site.as_of - timedelta(days=610)
    for issue in site.issues.values():
        assert earliest <= issue.created <= issue.updated < site.as_of
        assert all(issue.created <= h.created <= issue.updated for h in issue.histories)


def test_done_issues_were_done_after_being_in_progress(site: JiraSite) -> None:
    done = [i for i in site.issues.values() if i.status_category_key == "done"]
    assert done
    for issue in done:
        assert issue.first_in_progress_at is not None and issue.first_done_at is not None
        assert issue.created < issue.first_in_progress_at < issue.first_done_at
        assert issue.resolution_date is not None


def test_some_issues_are_reopened_and_some_never_started(site: JiraSite) -> None:
    issues = site.issues.values()
    assert any(i.was_reopened for i in issues)
    assert any(i.status_category_key == "new" and not i.status_changes for i in issues)


def test_users_have_account_ids_and_several_timezones(site: JiraSite) -> None:
    assert len({u.account_id for u in site.users}) == len(site.users)
    assert len({u.time_zone for u in site.users}) >= 5


def test_transition_records_a_status_history_and_bumps_updated(site: JiraSite) -> None:
    issue = next(i for i in site.issues.values() if i.status_category_key == "new")
    at = site.as_of + timedelta(hours=1)
    site.transition(issue.key, issue.project.workflow.done.id, at)
    assert issue.updated == at
    assert issue.resolution_date == at
    assert issue.histories[-1].items[0].to_value == issue.project.workflow.done.id


def test_delete_issue_removes_it_and_its_worklogs(site: JiraSite) -> None:
    issue = next(iter(site.issues.values()))
    site.delete_issue(issue.key)
    assert issue.key not in site.issues
    assert all(w.issue_id != issue.id for w in site.worklogs)


def test_delete_issue_lists_its_worklogs_as_deleted(site: JiraSite) -> None:
    worklog = site.worklogs[0]
    issue = next(i for i in site.issues.values() if i.id == worklog.issue_id)
    site.delete_issue(issue.key, at=site.as_of + timedelta(hours=1))
    assert site.deleted_worklogs[worklog.id] == site.as_of + timedelta(hours=1)


def test_worklog_revision_moves_with_worklog_changes_only(site: JiraSite) -> None:
    """The emulator rebuilds its worklog index on this revision, not on every issue edit."""
    key = next(iter(site.issues))
    at = site.as_of + timedelta(hours=1)
    before = site.worklog_revision
    site.edit_summary(key, "renamed", at)
    assert site.worklog_revision == before
    worklog = site.log_work(key, 600, at)
    site.delete_worklog(worklog.id, at)
    assert site.worklog_revision == before + 2
