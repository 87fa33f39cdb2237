"""Privacy-guarded reporting: aggregation in SQL, the privacy guard, trends, alerts, rendering."""
