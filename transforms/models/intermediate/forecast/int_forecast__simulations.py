"""Monte Carlo delivery forecast per as-of day, subject (project or epic) and scope basis
(issues, story points): the simulation in warehouse.forecasting on the remaining scope and
throughput samples; the settings are dbt vars (see _int_forecast__models.yml)."""

from warehouse.forecasting import Settings, forecast_subjects, typed_columns


def model(dbt, session):
    dbt.config(materialized="table")
    settings = Settings(
        trials=int(dbt.config.get("forecast_trials")),
        seed=int(dbt.config.get("forecast_seed")),
        max_weeks=int(dbt.config.get("forecast_max_weeks")),
    )
    scope = dbt.ref("int_forecast__remaining_scope").df()
    samples = dbt.ref("int_forecast__throughput_samples").df()
    forecasts = forecast_subjects(scope, samples, settings)
    return session.from_df(forecasts).project(typed_columns())
