"""Local Jira: a deterministic synthetic site (`site`), its REST rendering (`payloads`), the
JQL subset (`jql`) and the HTTP emulator (`emulator`) behind tests, demos and benchmarks."""
