"""Volume anomalies: a table that suddenly shrinks or grows is suspicious even when valid."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VolumeChange:
    """Row count now against the last check's."""

    previous: int | None
    current: int
    max_change_pct: float

    @property
    def change_pct(self) -> float | None:
        if self.previous is None:
            return None
        if self.previous == 0:
            return 0.0 if self.current == 0 else 100.0
        return 100.0 * (self.current - self.previous) / self.previous

    @property
    def is_anomaly(self) -> bool:
        """A move beyond the limit; the first rows of a table that had none are not one (a
        source that starts delivering, e.g. the first workbook after an empty landing)."""
        change = self.change_pct
        return bool(self.previous) and change is not None and abs(change) > self.max_change_pct

    @property
    def is_drop(self) -> bool:
        """An anomaly that lost rows: what an unmounted share or a truncated file looks like."""
        return self.is_anomaly and self.current < (self.previous or 0)

    def describe(self) -> str:
        if self.previous is None:
            return f"{self.current} rows (first check, nothing to compare)"
        return (
            f"{self.previous} -> {self.current} rows ({self.change_pct:+.1f}%, "
            f"limit ±{self.max_change_pct:g}%)"
        )
