# expect: VGL-DF-025 line 6
# expect: VGL-DF-025 line 7
# expect: VGL-DF-025 line 9
# expect: VGL-DF-025 line 10
FROM alpine:3.19
EXPOSE 22
EXPOSE 8080/tcp 70000
ARG PORT=99999
EXPOSE ${PORT}
EXPOSE 20-30/udp
