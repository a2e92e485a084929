"""SLA monitoring: figures read from the graph at scrape time, Prometheus exposition, periodic
snapshots and alerts, and the dashboard's data."""
