# expect: VGL-DF-039 line 7
# expect: VGL-DF-039 line 8
# expect: VGL-DF-039 line 9
# expect: VGL-DF-039 line 11
# expect: VGL-DF-039 line 12
FROM golang:1.22 AS build
FROM golang:1.22 AS build
FROM alpine:3.19 AS scratch
FROM alpine:3.19 AS context
FROM node:20 AS web
FROM node:20 AS WEB
FROM alpine:3.19 AS web
