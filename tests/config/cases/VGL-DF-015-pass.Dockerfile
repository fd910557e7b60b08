# expect: nothing of this check
FROM node:20-alpine
RUN npm ci && npm install -g npm@10.2.4
RUN npm install --loglevel verbose x@1
RUN npm install @scope/pkg@2.1.0
RUN npm install ./vendor/tool-1.0.0.tgz /tmp/pkg.tar.gz
RUN npm install --registry https://npm.example.com -g yarn@1.22.19
RUN npm install --save-exact=true typescript@5.3.3
