-- name: robots_cached
-- The host's robots.txt if it was fetched less than a day ago (RFC 9309 2.4: cache at most 24 hours).
SELECT robots_status, robots_txt
FROM crawl_hosts
WHERE host = :host AND robots_fetched_at > clock_timestamp() - interval '1 day'

-- name: claim_robots
-- This worker may fetch the host's robots.txt: none fresh is cached and no other worker is fetching
-- it (its lease has not run out). One row back when claimed, none otherwise.
INSERT INTO crawl_hosts AS h (host, robots_lease_until)
VALUES (:host, clock_timestamp() + make_interval(secs => :lease_s))
ON CONFLICT (host) DO UPDATE
SET robots_lease_until = excluded.robots_lease_until
WHERE (h.robots_fetched_at IS NULL OR h.robots_fetched_at <= clock_timestamp() - interval '1 day')
  AND (h.robots_lease_until IS NULL OR h.robots_lease_until < clock_timestamp())
RETURNING host

-- name: store_robots
UPDATE crawl_hosts
SET robots_status = :status, robots_txt = :robots_txt, robots_fetched_at = clock_timestamp(),
    robots_lease_until = NULL
WHERE host = :host

-- name: release_robots
-- robots.txt could not be fetched: nothing is cached, the next worker tries again.
UPDATE crawl_hosts SET robots_lease_until = NULL WHERE host = :host

-- name: reserve_slot
-- The next free moment to send a request to the host, reserved in one statement (the row lock
-- makes two workers take turns): the later of the host's next free moment and now; the one after
-- it is `delay_s` later. Answers how long to wait for it.
INSERT INTO crawl_hosts AS h (host, next_request_at)
VALUES (:host, clock_timestamp() + make_interval(secs => :delay_s))
ON CONFLICT (host) DO UPDATE
SET next_request_at = greatest(h.next_request_at, clock_timestamp()) + make_interval(secs => :delay_s)
RETURNING extract(epoch FROM h.next_request_at - make_interval(secs => :delay_s) - clock_timestamp())::float8
          AS wait_s

-- name: request_done
-- A request to the host has been answered: the next one waits `delay_s` from now at least, so a
-- slow answer never lets the next request follow it closer than the delay.
UPDATE crawl_hosts
SET next_request_at = greatest(next_request_at, clock_timestamp() + make_interval(secs => :delay_s))
WHERE host = :host
