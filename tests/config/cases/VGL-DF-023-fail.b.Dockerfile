# expect: VGL-DF-023 line 7
# expect: VGL-DF-023 line 9
# expect: VGL-DF-023 line 11
# expect: VGL-DF-023 line 14
FROM alpine:3.19
CMD ["a"]
CMD ["b"]
ENTRYPOINT ["x"]
ENTRYPOINT ["y"]
HEALTHCHECK CMD ["true"]
HEALTHCHECK CMD ["false"]
FROM alpine:3.19
CMD ["a"]
CMD ["b"]
