# expect: nothing of this check
# Windows images (kubernetes' test/images/nonroot/Dockerfile_windows): accounts have no
# UID; Kubernetes checks them with runAsUserName.
ARG BASEIMAGE
FROM $BASEIMAGE
COPY nonroot.exe /nonroot.exe
USER ContainerUser
ENTRYPOINT ["/nonroot.exe"]
