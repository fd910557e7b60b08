# expect: VGL-DF-023 line 4
FROM alpine:3.19
CMD ["a"]
CMD ["b"]
