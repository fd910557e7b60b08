# expect: VGL-DF-021 line 12
# expect: VGL-DF-021 line 15
# expect: VGL-DF-021 line 20
# A pipe inside a case branch is a pipe (moby's Dockerfile pattern), and a Linux stage
# after a Windows one has sh again.
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win
RUN powershell -Command Get-ChildItem | Select-Object Name
FROM debian:12 AS registry
RUN case $(dpkg --print-architecture) in \
      amd64|arm64) echo ok ;; \
    esac
RUN case $(dpkg --print-architecture) in \
      amd64|arm64) curl -fsSL https://example.com/x.tgz | tar -xz ;; \
    esac
RUN set -x && case "$TARGETARCH" in \
      amd64) ARCH=x86_64 ;; \
      arm64) ARCH=aarch64 ;; \
    esac && curl -fsSL "https://example.com/$ARCH.tgz" | tar -xz
FROM debian:12
RUN dpkg -l | grep -c ^ii
