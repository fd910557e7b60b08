# expect: nothing of this check
FROM golang:1.22
RUN go install github.com/go-delve/delve/cmd/dlv@v1.22.0
RUN go install golang.org/x/tools/cmd/goimports@v0.16.1
RUN go install ./cmd/app
RUN go install
RUN go install github.com/a/b@${VERSION}
RUN go build ./...
