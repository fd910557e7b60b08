# expect: VGL-DF-001 line 5
FROM node:20 AS base
USER node
FROM base
USER root:root
