"""Results: statistics with confidence intervals, the event log, atomic output."""

from iads.results.outcomes import EVENT_KINDS, EVENT_SCHEMA, event_table, mean_ci95, summarise

__all__ = ["EVENT_KINDS", "EVENT_SCHEMA", "event_table", "mean_ci95", "summarise"]
