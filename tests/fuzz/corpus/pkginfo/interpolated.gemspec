Gem::Specification.new do |s|
  s.name = "x#{VERSION}"
  s.version = VERSION
  s.name == "cmp"
  s.version = "unterminated
end
