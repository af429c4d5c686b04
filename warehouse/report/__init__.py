"""The HTML KPI report, rendered from the serving snapshot."""
