-- Throughput per project and week of the first move to done (sub-tasks left out); the
-- monthly mart is the same query by month.
{{ throughput('week') }}
