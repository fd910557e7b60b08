# expect: VGL-DF-003 line 5
# expect: VGL-DF-003 line 6
# expect: VGL-DF-003 line 7
# expect: VGL-DF-003 line 8
FROM ubuntu:22.04
FROM node:20-alpine AS web
FROM registry.example.com:5000/team/app:1.2
FROM gcr.io/distroless/static:nonroot
