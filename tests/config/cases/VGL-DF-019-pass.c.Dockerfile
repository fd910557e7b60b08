# expect: nothing of this check
# Switches and paths under secret-looking names (official mysql / postgres image docs,
# Google's client libraries) hold no secret; a reference to another variable neither.
FROM mysql:8.4
ENV MYSQL_ALLOW_EMPTY_PASSWORD=yes
ENV MYSQL_RANDOM_ROOT_PASSWORD 1
ENV GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json
ENV POSTGRES_PASSWORD_FILE=/run/secrets/postgres-passwd
ARG CREDENTIALS_DIR=/run/creds
ENV ACCESS_KEY=${ACCESS_KEY_FROM_VAULT}
ENV CLIENT_SECRET="false"
