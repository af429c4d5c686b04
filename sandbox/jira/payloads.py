"""Render site objects as Jira REST JSON, shaped like Atlassian's specs and recorded responses.

Cloud (REST v3) and Data Center (REST v2) differ where it matters to a connector: ADF vs wiki
descriptions, `accountId` vs user `key`/`name`, sprint objects vs the legacy sprint strings.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.jira.site import (
    FieldDef,
    History,
    Issue,
    JiraSite,
    Project,
    Sprint,
    Status,
    User,
    Worklog,
)

JsonDict = dict[str, Any]


def jira_datetime(at: datetime, tz: ZoneInfo) -> str:
    """Jira's timestamp format, e.g. 2022-06-09T16:29:31.871-0700, in the caller's timezone."""
    local = at.astimezone(tz)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond // 1000:03d}{local:%z}"


def agile_datetime(at: datetime) -> str:
    """The agile API's UTC format, e.g. 2022-05-17T11:25:59.072Z."""
    return f"{at.astimezone(ZoneInfo('UTC')):%Y-%m-%dT%H:%M:%S}.{at.microsecond // 1000:03d}Z"


def adf(text: str) -> JsonDict:
    return {
        "version": 1,
        "type": "doc",
        "content": [{"type": "paragraph", "content": [{"type": "text", "text": text}]}],
    }


class Renderer:
    """Turns domain objects into API payloads for one site, base URL and API version."""

    def __init__(self, site: JiraSite, base_url: str, api_version: int) -> None:
        self.site = site
        self.base_url = base_url
        self.api_version = api_version
        self.api = f"{base_url}/rest/api/{api_version}"
        self.tz = ZoneInfo(site.api_user.time_zone)
        self.cloud = site.deployment == "Cloud"

    def datetime(self, at: datetime | None) -> str | None:
        return None if at is None else jira_datetime(at, self.tz)

    def server_info(self, now: datetime) -> JsonDict:
        return {
            "baseUrl": self.base_url,
            "displayUrl": self.base_url,
            "version": "1001.0.0-SNAPSHOT" if self.cloud else "9.12.4",
            "versionNumbers": [1001, 0, 0] if self.cloud else [9, 12, 4],
            "deploymentType": "Cloud" if self.cloud else "Server",
            "buildNumber": 100285,
            "buildDate": "2026-09-24T00:00:00.000+0000",
            "serverTime": self.datetime(now),
            "scmInfo": "c5d1ab7f0e7bbcf1b0a5e0b9ec4a3c4c5e3a1f2b",
            "serverTitle": "Synthetic PMO Jira",
            "serverTimeZone": "Etc/UTC",
        }

    def user(self, user: User | None, with_email: bool = False) -> JsonDict | None:
        """A user in Jira's member order (the email, when shown, before the avatars)."""
        if user is None:
            return None
        if self.cloud:
            payload: JsonDict = {
                "self": f"{self.api}/user?accountId={user.account_id}",
                "accountId": user.account_id,
                "accountType": user.account_type,
            }
        else:
            payload = {
                "self": f"{self.api}/user?key={user.account_id}",
                "key": user.account_id,
                "name": user.email.split("@")[0],
            }
        if with_email:
            payload["emailAddress"] = user.email
        return payload | {
            "avatarUrls": {"48x48": f"{self.base_url}/avatar/{user.account_id}.png"},
            "displayName": user.display_name,
            "active": user.active,
            "timeZone": user.time_zone,
        }

    def listed_user(self, user: User) -> JsonDict:
        """A user as `/users/search` lists it; without details when the site's quirks say so
        (as the recorded sample: no displayName, active or timeZone)."""
        payload = self.user(user, with_email=True)
        assert payload is not None
        if self.site.quirks.user_details:
            return payload
        return {k: v for k, v in payload.items() if k not in ("displayName", "active", "timeZone")}

    def myself(self) -> JsonDict:
        me = self.user(self.site.api_user, with_email=True)
        assert me is not None
        return me | {"locale": "en_US", "groups": {"size": 1, "items": []}}

    def project(self, project: Project, expand: list[str] | None = None) -> JsonDict:
        """A project of `/project/search`; `lead` as the site's quirks say (Jira Cloud sends it
        only with `expand=lead`)."""
        payload = {
            "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
            "self": f"{self.api}/project/{project.id}",
            "id": project.id,
            "key": project.key,
            "name": project.name,
            "description": "",
            "lead": self.user(self.site.user(project.lead_account_id)),
            "avatarUrls": {"48x48": f"{self.base_url}/avatar/project/{project.id}.png"},
            "projectTypeKey": project.project_type_key,
            "simplified": False,
            "style": "classic",
            "isPrivate": False,
            "properties": {},
        }
        wanted = {
            "always": True,
            "expanded": "lead" in (expand or []),
            "never": False,
        }[self.site.quirks.project_lead]
        if not wanted:
            del payload["lead"]
        return payload

    def status(self, status: Status, embedded: bool = False) -> JsonDict:
        """A status as `/status` lists it, or as issues embed it (`embedded`), where a status
        recategorised since may still carry its old category (`Quirks.stale_categories`)."""
        category = status.category
        if embedded:
            category = dict(self.site.quirks.stale_categories).get(status.id, category)
        return {
            "self": f"{self.api}/status/{status.id}",
            "description": "",
            "iconUrl": f"{self.base_url}/images/icons/statuses/generic.png",
            "name": status.name,
            "untranslatedName": status.name,
            "id": status.id,
            "statusCategory": {
                "self": f"{self.api}/statuscategory/{category.id}",
                "id": category.id,
                "key": category.key,
                "colorName": category.color_name,
                "name": category.name,
            },
        }

    def field(self, field: FieldDef) -> JsonDict:
        payload: JsonDict = {
            "id": field.id,
            "key": field.id,
            "name": field.name,
            "custom": field.custom,
            "orderable": True,
            "navigable": True,
            "searchable": True,
            "clauseNames": [field.id if not field.custom else f"cf[{field.id.split('_')[1]}]"],
        }
        if field.schema_type is not None:
            schema: JsonDict = {"type": field.schema_type}
            if field.schema_items:
                schema["items"] = field.schema_items
            if field.custom:
                schema |= {
                    "custom": field.schema_custom,
                    "customId": int(field.id.split("_")[1]),
                }
            else:
                schema["system"] = field.schema_system
            payload["schema"] = schema
        return payload

    def sprint(self, sprint: Sprint) -> JsonDict:
        payload: JsonDict = {
            "id": sprint.id,
            "self": f"{self.base_url}/rest/agile/1.0/sprint/{sprint.id}",
            "state": sprint.state,
            "name": sprint.name,
            "originBoardId": sprint.board_id,
            "goal": sprint.goal,
        }
        for key, value in (
            ("startDate", sprint.start),
            ("endDate", sprint.end),
            ("completeDate", sprint.complete),
        ):
            if value is not None:
                payload[key] = agile_datetime(value)
        return payload

    def _sprint_field_value(self, sprint: Sprint) -> JsonDict | str:
        if self.cloud:
            value = self.sprint(sprint)
            value.pop("self")
            value["boardId"] = value.pop("originBoardId")
            return value
        dates = {
            name: (agile_datetime(v) if v else "<null>")
            for name, v in (("startDate", sprint.start), ("endDate", sprint.end))
        }
        return (
            f"com.atlassian.greenhopper.service.sprint.Sprint@{sprint.id:x}[id={sprint.id},"
            f"rapidViewId={sprint.board_id},state={sprint.state.upper()},name={sprint.name},"
            f"startDate={dates['startDate']},endDate={dates['endDate']},sequence={sprint.id},"
            f"goal={sprint.goal}]"
        )

    def history(self, history: History) -> JsonDict:
        author = self.site.user(history.author_account_id)
        return {
            "id": history.id,
            "author": self.user(author),
            "created": self.datetime(history.created),
            "items": [
                {
                    "field": item.field,
                    "fieldtype": item.field_type,
                    "fieldId": item.field_id,
                    "from": item.from_value,
                    "fromString": item.from_string,
                    "to": item.to_value,
                    "toString": item.to_string,
                }
                for item in history.items
            ],
        }

    def issue_fields(self, issue: Issue) -> JsonDict:
        site = self.site
        project = issue.project
        issue_type = project.shown_type(issue.issue_type)
        sprints = {s.id: s for s in site.sprints}
        last_category_change = next(
            (
                c.at
                for c in reversed(issue.status_changes)
                if c.from_status.category is not c.to_status.category
            ),
            issue.created,
        )
        user = self._user_by_id
        fields: JsonDict = {
            "summary": issue.summary,
            "issuetype": {
                "self": f"{self.api}/issuetype/{issue_type.id}",
                "id": issue_type.id,
                "description": "",
                "iconUrl": f"{self.base_url}/images/icons/issuetypes/{issue.issue_type.name}.svg",
                "name": issue_type.name,
                "subtask": issue_type.subtask,
                "hierarchyLevel": issue_type.hierarchy_level,
            },
            "project": {
                "self": f"{self.api}/project/{project.id}",
                "id": project.id,
                "key": project.key,
                "name": project.name,
                "projectTypeKey": project.project_type_key,
                "simplified": False,
                "avatarUrls": {"48x48": f"{self.base_url}/avatar/project/{project.id}.png"},
            },
            "status": {
                k: v
                for k, v in self.status(issue.status, embedded=True).items()
                if k != "untranslatedName"
            },
            "statuscategorychangedate": self.datetime(last_category_change),
            "priority": {
                "self": f"{self.api}/priority/{issue.priority[0]}",
                "iconUrl": f"{self.base_url}/images/icons/priorities/{issue.priority[1]}.svg",
                "name": issue.priority[1],
                "id": issue.priority[0],
            },
            "created": self.datetime(issue.created),
            "updated": self.datetime(issue.updated),
            "resolutiondate": self.datetime(issue.resolution_date),
            "resolution": (
                {"self": f"{self.api}/resolution/10000", "id": "10000", "name": "Done"}
                if issue.resolution_date
                else None
            ),
            "duedate": _date(issue.due_date),
            "labels": list(issue.labels),
            "components": [
                {"self": f"{self.api}/component/{n}", "id": str(n), "name": name}
                for n, name in enumerate(issue.components, start=10100)
            ],
            "fixVersions": [],
            "assignee": user(issue.assignee_account_id),
            "reporter": user(issue.reporter_account_id),
            "creator": user(issue.reporter_account_id),
            "description": adf(issue.summary) if self.cloud else f"h1. {issue.summary}",
            "subtasks": [],
            "issuelinks": [],
            "watches": {"self": f"{self.api}/issue/{issue.key}/watchers", "watchCount": 1},
            site.field_for("story_points").id: issue.story_points,
            site.field_for("sprint").id: (
                [self._sprint_field_value(sprints[i]) for i in issue.sprint_ids]
                if issue.sprint_ids
                else None
            ),
            site.field_for("start_date").id: _date(issue.start_date),
            **issue.custom_values,
        }
        if issue.parent_key is not None and issue.parent_key in site.issues:
            parent = site.issues[issue.parent_key]
            fields["parent"] = {
                "id": parent.id,
                "key": parent.key,
                "self": f"{self.api}/issue/{parent.id}",
                "fields": {
                    "summary": parent.summary,
                    "status": self.status(parent.status, embedded=True),
                },
            }
        if self.site.quirks.omit_empty:
            return {k: v for k, v in fields.items() if v is not None}
        return fields

    def _user_by_id(self, account_id: str | None) -> JsonDict | None:
        """Users embedded in issues, with the email Jira shows when the profile allows it."""
        return None if account_id is None else self.user(self.site.user(account_id), True)

    def issue(
        self,
        issue: Issue,
        fields: list[str] | None,
        changelog_limit: int | None,
    ) -> JsonDict:
        """One issue as search returns it; `fields=None` means all, `changelog_limit` embeds."""
        payload: JsonDict = {
            "expand": "operations,versionedRepresentations,editmeta,changelog,renderedFields",
            "id": issue.id,
            "self": f"{self.api}/issue/{issue.id}",
            "key": issue.key,
        }
        all_fields = self.issue_fields(issue)
        selected = (
            all_fields if fields is None else {f: all_fields[f] for f in fields if f in all_fields}
        )
        if selected:
            payload["fields"] = selected
        if changelog_limit is not None:
            newest_first = list(reversed(issue.histories))[:changelog_limit]
            payload["changelog"] = {
                "startAt": 0,
                "maxResults": len(newest_first),
                "total": len(issue.histories),
                "histories": [self.history(h) for h in newest_first],
            }
        return payload

    def worklog(self, worklog: Worklog) -> JsonDict:
        author = self._user_by_id(worklog.author_account_id)
        return {
            "self": f"{self.api}/issue/{worklog.issue_id}/worklog/{worklog.id}",
            "author": author,
            "updateAuthor": author,
            "comment": adf("Worked on it.") if self.cloud else "Worked on it.",
            "created": self.datetime(worklog.created),
            "updated": self.datetime(worklog.updated),
            "started": self.datetime(worklog.started),
            "timeSpent": f"{worklog.time_spent_seconds // 60}m",
            "timeSpentSeconds": worklog.time_spent_seconds,
            "id": str(worklog.id),
            "issueId": worklog.issue_id,
        }


def _date(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
