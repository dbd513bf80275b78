# Renders a job's templates the way the BOSH director does: ERB (trim mode '-') evaluated with
# p(), if_p() and spec in scope.
#   ruby render-templates.rb CONTEXT.json TEMPLATES_DIR OUT_DIR
# CONTEXT.json: {"templates": {src: dest}, "properties": {...}, "spec": {...}}; properties hold
# the job spec's defaults merged with the deployment's values, dotted names as nested maps.
require 'erb'
require 'json'
require 'fileutils'
require 'ostruct'

class RenderContext
  UNSET = Object.new

  def initialize(properties, spec)
    @properties = properties
    @spec = JSON.parse(JSON.generate(spec), object_class: OpenStruct)
  end

  attr_reader :spec

  def lookup(name)
    name.split('.').reduce(@properties) do |node, key|
      return UNSET unless node.is_a?(Hash) && node.key?(key)
      node[key]
    end
  end

  def p(name, default = UNSET)
    value = lookup(name)
    return value unless value.equal?(UNSET)
    return default unless default.equal?(UNSET)
    raise "Can't find property '#{name}'"
  end

  def if_p(*names)
    values = names.map { |n| lookup(n) }
    yield(*values) unless values.any? { |v| v.equal?(UNSET) }
  end

  def render(text)
    ERB.new(text, trim_mode: '-').result(binding)
  end
end

context_file, templates_dir, out_dir = ARGV
context = JSON.parse(File.read(context_file))
renderer = RenderContext.new(context['properties'], context['spec'])
context['templates'].each do |src, dest|
  out = File.join(out_dir, dest)
  FileUtils.mkdir_p(File.dirname(out))
  File.write(out, renderer.render(File.read(File.join(templates_dir, src))))
end
