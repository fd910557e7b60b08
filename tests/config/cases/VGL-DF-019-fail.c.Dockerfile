# expect: VGL-DF-019 line 6
# expect: VGL-DF-019 line 7
# expect: VGL-DF-019 line 8
# expect: VGL-DF-019 line 9
FROM postgres:16
ENV POSTGRES_PASSWORD=example
ENV MYSQL_ROOT_PASSWORD my-secret-pw
ARG NPM_TOKEN
ARG GITHUB_TOKEN="not-a-real-token-value"
