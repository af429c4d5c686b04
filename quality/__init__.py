"""Great Expectations suites for the warehouse tables, built in code, and the validator."""
