# expect: VGL-DF-041 line 5
# expect: VGL-DF-041 line 6
# An option's value is no gem; the gem after it still needs a version.
FROM ruby:3.3
RUN gem install --platform ruby nokogiri
RUN gem install -N --install-dir /usr/local/bundle fluentd
