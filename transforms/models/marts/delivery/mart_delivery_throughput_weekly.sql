{{ config(**project_period_partitions('week')) }}

{{ throughput_per_period('week') }}
