# expect: VGL-DF-055 line 3
FROM node:20 AS base
USER node:node
FROM base
RUN echo inherits the USER of base
