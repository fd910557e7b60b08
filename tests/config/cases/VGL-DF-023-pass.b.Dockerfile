# expect: nothing of this check
FROM alpine:3.19 AS a
CMD ["a"]
FROM alpine:3.19 AS b
CMD ["b"]
ENTRYPOINT ["x"]
HEALTHCHECK CMD ["true"]
FROM b
CMD ["c"]
