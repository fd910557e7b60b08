# expect: VGL-DF-001 line 6
# ContainerAdministrator is the Windows containers' administrator (kubernetes'
# test/images/busybox/Dockerfile_windows ends with it).
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
COPY busybox.exe /bin/
USER ContainerAdministrator
ENTRYPOINT ["/bin/busybox.exe", "sh"]
