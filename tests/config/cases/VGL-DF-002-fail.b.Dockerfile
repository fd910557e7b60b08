# expect: VGL-DF-002 line 6
# expect: VGL-DF-002 line 7
# expect: VGL-DF-002 line 8
# expect: VGL-DF-002 line 9
# expect: VGL-DF-002 line 10
FROM ubuntu
FROM node:latest AS web
FROM docker.io/library/python
FROM registry.example.com:5000/team/app
FROM quay.io/prometheus/node-exporter:latest
