# expect: nothing of this check
# ADD of a URL or an archive is VGL-DF-005's; COPY everywhere else (official images).
FROM debian:12-slim
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
ADD rootfs.tar.xz /
COPY --chown=app:app docker-entrypoint.sh /usr/local/bin/
COPY --from=build /out/app /usr/local/bin/app
RUN echo "ADD is not used here" > /README
