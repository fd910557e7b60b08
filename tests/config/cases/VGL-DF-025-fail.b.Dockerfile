# expect: VGL-DF-025 line 5
# expect: VGL-DF-025 line 6
# expect: VGL-DF-025 line 7
FROM debian:12
EXPOSE 0
EXPOSE 8080/http
EXPOSE 22/tcp
