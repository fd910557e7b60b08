# expect: VGL-DF-025 line 4
# expect: VGL-DF-025 line 5
FROM alpine:3.19
EXPOSE 22
EXPOSE 8080/tcp 70000
