# expect: nothing of this check
# Installing a download tool as a package, or naming one in text, is not using it.
FROM debian:12
RUN curl -fsSLo /etc/apt/keyrings/x.asc https://example.com/key.asc
RUN apt-get install -y --no-install-recommends wget=1.21.3-1+b2
RUN echo "wget is available" > /motd
