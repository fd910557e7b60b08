# expect: VGL-DF-051 line 7
# expect: VGL-DF-051 line 8
# expect: VGL-DF-051 line 9
# expect: VGL-DF-051 line 10
# expect: VGL-DF-051 line 11
FROM debian:12
RUN ln -sf /bin/bash /bin/sh
RUN ln -s /bin/bash /bin/sh
RUN rm /bin/sh && ln -s /bin/dash /bin/sh
RUN ln -snf /bin/zsh /usr/bin/sh
RUN ln -fs /usr/bin/bash /bin/sh
