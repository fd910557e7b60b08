# expect: VGL-DF-019 line 6
# expect: VGL-DF-019 line 7
# expect: VGL-DF-019 line 8
# expect: VGL-DF-019 line 9
FROM alpine:3.19
ARG DB_PASSWORD
ENV API_KEY=abc
ENV GITHUB_TOKEN ghp
ARG AWS_SECRET_ACCESS_KEY=x
