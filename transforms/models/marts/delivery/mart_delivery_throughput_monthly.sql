{{ config(**project_period_partitions('month')) }}

{{ throughput_per_period('month') }}
