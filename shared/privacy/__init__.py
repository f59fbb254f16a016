"""Privacy and data lifecycle: erasure and export of what a client holds about one email (erasure,
export), and the nightly maintenance that archives stale leads and purges what has expired
(maintenance)."""
