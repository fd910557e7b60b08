# expect: nothing of this check
FROM node:20-alpine
RUN npm ci && npm install -g npm@10.2.4
