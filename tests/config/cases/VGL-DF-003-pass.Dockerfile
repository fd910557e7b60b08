# expect: nothing of this check
FROM ubuntu:22.04@sha256:abababababababababababababababababababababababababababababababab
