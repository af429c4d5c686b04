-- Throughput per project and month of the first move to done (sub-tasks left out); the
-- weekly mart is the same query by week.
{{ throughput('month') }}
