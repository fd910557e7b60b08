# expect: VGL-DF-047 line 7
# expect: VGL-DF-047 line 8
# expect: VGL-DF-047 line 9
# expect: VGL-DF-047 line 10
# expect: VGL-DF-047 line 11
FROM golang:1.22
RUN go install github.com/go-delve/delve/cmd/dlv
RUN go install golang.org/x/tools/cmd/goimports
RUN go install -v honnef.co/go/tools/cmd/staticcheck
RUN CGO_ENABLED=0 go install github.com/a/b/cmd/c
RUN go install -ldflags=-s github.com/x/y
