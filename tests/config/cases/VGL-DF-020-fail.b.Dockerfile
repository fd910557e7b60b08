# expect: VGL-DF-020 line 6
# expect: VGL-DF-020 line 7
# expect: VGL-DF-020 line 9
# expect: VGL-DF-020 line 10
FROM alpine:3.19
CMD python app.py
ENTRYPOINT /usr/local/bin/app --serve
FROM alpine:3.19
CMD exec nginx -g 'daemon off;'
ENTRYPOINT ["/bin/sh", "-c"
