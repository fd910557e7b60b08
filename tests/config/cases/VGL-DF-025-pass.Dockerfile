# expect: nothing of this check
FROM alpine:3.19
EXPOSE 8080/tcp 53/udp
