# expect: nothing of this check
FROM ubuntu:22.04
