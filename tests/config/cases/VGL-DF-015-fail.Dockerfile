# expect: VGL-DF-015 line 3
FROM node:20-alpine
RUN npm install express
