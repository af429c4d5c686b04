"""The DuckDB warehouse: where it lives and how the pipeline opens it (``settings``,
``connection``), the serving snapshot published from it (``publishing``) and the KPI report
rendered from that snapshot (``report``)."""
