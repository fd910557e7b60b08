# expect: nothing of this check
FROM debian:12
USER 65532:0
