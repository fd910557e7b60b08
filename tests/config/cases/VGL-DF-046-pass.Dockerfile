# expect: nothing of this check
FROM node:20-alpine
WORKDIR /app
RUN yarn install --frozen-lockfile && yarn cache clean
RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install
RUN yarn build
RUN yarn add left-pad@1.3.0 && yarn cache clean --all
RUN yarn --version
