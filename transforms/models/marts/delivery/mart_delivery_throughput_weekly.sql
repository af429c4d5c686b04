{{ throughput_per_period('week') }}
