# expect: VGL-DF-040 line 6
# expect: VGL-DF-040 line 7
# expect: VGL-DF-040 line 8
# expect: VGL-DF-040 line 9
# expect: VGL-DF-040 line 10
FROM --platform=linux/amd64 golang:1.22 AS build
FROM --platform=linux/arm64 alpine:3.19
FROM --platform=linux/amd64,linux/arm64 debian:12
FROM --platform=windows/amd64 mcr.microsoft.com/windows/nanoserver:ltsc2022
FROM --platform=linux/arm/v7 busybox:1.36
