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

-- name: claim_host
-- This worker may send its request to the host now: the delay since the last answer has passed and no
-- other worker has a request in flight there. One row back when claimed, none otherwise.
INSERT INTO crawl_hosts AS h (host, in_flight_until)
VALUES (:host, clock_timestamp() + make_interval(secs => :lease_s))
ON CONFLICT (host) DO UPDATE
SET in_flight_until = excluded.in_flight_until
WHERE h.next_request_at <= clock_timestamp()
  AND (h.in_flight_until IS NULL OR h.in_flight_until < clock_timestamp())
RETURNING host

-- name: host_wait
-- How long until the host may be claimed (0 while only another worker's request is in flight).
SELECT greatest(extract(epoch FROM next_request_at - clock_timestamp()), 0)::float8 AS wait_s
FROM crawl_hosts
WHERE host = :host

-- name: request_done
-- The request is answered (or failed): the next one, from any worker, starts `delay_s` from now at
-- the earliest.
UPDATE crawl_hosts
SET next_request_at = greatest(next_request_at, clock_timestamp() + make_interval(secs => :delay_s)),
    in_flight_until = NULL
WHERE host = :host
