# expect: nothing of this check
FROM alpine:3.19
CMD ["python", "app.py"]
ENTRYPOINT ["/usr/local/bin/app", "--serve"]
FROM alpine:3.19
CMD []
ENTRYPOINT ["/bin/sh", "-c", "exec app"]
