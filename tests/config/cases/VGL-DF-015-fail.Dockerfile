# expect: VGL-DF-015 line 7
# expect: VGL-DF-015 line 8
# expect: VGL-DF-015 line 9
# expect: VGL-DF-015 line 10
# expect: VGL-DF-015 line 11
FROM node:20-alpine
RUN npm install express
RUN npm install @scope/pkg
RUN npm install --loglevel verbose lodash
RUN npm i -g @angular/cli
RUN npm install
