# expect: nothing of this check
FROM debian:12
SHELL ["/bin/bash", "-c"]
RUN ln -s /usr/bin/python3 /usr/bin/python
RUN ln -sf /bin/sh /usr/local/bin/mysh
RUN ln /bin/a /bin/b
RUN echo ln -s /bin/bash /bin/sh
