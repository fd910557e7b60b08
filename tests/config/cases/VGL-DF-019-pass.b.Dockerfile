# expect: nothing of this check
FROM alpine:3.19
ARG DB_PASSWORD_FILE=/run/secrets/db
ENV TOKEN_URL=https://auth.example.com
ENV SECRET_NAME=app-secret
ARG VERSION=1.0
ENV KEY_PATH=/etc/keys
