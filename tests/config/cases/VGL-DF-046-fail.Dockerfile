# expect: VGL-DF-046 line 8
# expect: VGL-DF-046 line 9
# expect: VGL-DF-046 line 10
# expect: VGL-DF-046 line 11
# expect: VGL-DF-046 line 12
FROM node:20-alpine
WORKDIR /app
RUN yarn install --frozen-lockfile
RUN yarn
RUN yarn add left-pad@1.3.0
RUN yarn install --production && yarn build
RUN cd /other && yarn install
