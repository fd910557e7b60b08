# expect: nothing of this check
# Case patterns (amd64|armhf) are no pipes; PowerShell and cmd are no POSIX shells
# (docker's Dockerfile.windows and busybox-for-Windows patterns).
FROM golang:1.22-bookworm AS registry
RUN case $(dpkg --print-architecture) in \
      amd64|armhf|ppc64*|s390x) go build -o /build/registry ./cmd/registry ;; \
      *) echo "skipping" ;; \
    esac
RUN set -e; case "$(uname -m)" in (x86_64|amd64) A=amd64 ;; (aarch64|arm64) A=arm64 ;; esac; echo $A
FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win
RUN powershell -Command Get-ChildItem C:\ | Select-Object Name
FROM win AS win2
RUN powershell busybox.exe --list ^| %{ cmd /c mklink C:\bin\$_.exe busybox.exe }
FROM debian:12 AS ps
SHELL ["pwsh", "-Command", "$ErrorActionPreference = 'Stop';"]
RUN Get-Process | Sort-Object CPU
FROM debian:12
SHELL ["cmd.exe", "/S", "/C"]
RUN dir | findstr foo
