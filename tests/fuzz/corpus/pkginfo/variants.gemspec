Gem::Specification.new { |spec|
  spec.name = %q{nested {braces} \} }
  spec.version = Gem::Version.new('1.0.0.rc1')
  spec.license = %Q<caf\u{E9} \x41>
  spec.licenses = ["A", 'B', %q(C)]
}
