# expect: nothing of this check
# A Gemfile (and its lock) pins what it installs: kubernetes' fluentd-es-image pattern.
FROM ruby:2.7-slim-buster
COPY Gemfile Gemfile.lock /
RUN gem install --file Gemfile
RUN gem install -g /Gemfile
RUN gem install --file=/Gemfile --no-document
RUN gem install --platform ruby nokogiri:1.16.5
