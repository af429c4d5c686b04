{{ throughput_per_period('month') }}
