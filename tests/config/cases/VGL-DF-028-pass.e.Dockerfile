# expect: nothing of this check
FROM debian:12 AS a
FROM debian:12
healthcheck cmd ["true"]
