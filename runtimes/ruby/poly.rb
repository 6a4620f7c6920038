# The API of Ruby workers on wws, and the method that serves one request.
#
# A worker defines `worker(req)` and returns a Response:
#
#   def worker(req)
#     count = (Cache.get("count") || "0").to_i + 1
#     Cache.set("count", count)
#     Response.new("Hello #{req.params["id"]}, visit #{count}", 200, {"content-type" => "text/plain"})
#   end
#
# Request, Response and Cache are there without a require, as in the original wws. What puts
# writes goes to the server log: stdout carries only the response. An exception or a syntax
# error answers 500 and its backtrace is logged.
require "json"
require "base64"

WWS_WORKER = "/src/worker.rb"

# The worker's K/V namespace ([data.kv] in its TOML). Values are strings.
class Cache
  @state = {}
  class << self
    attr_reader :state

    def init(state) = @state = (state || {}).dup
    def get(key) = @state[key.to_s]
    def set(key, value) = @state[key.to_s] = value.to_s
    def delete(key) = @state.delete(key.to_s)
  end
end

# method, url, headers (Hash, lower-case names), params (route parameters) and body: a String,
# binary (ASCII-8BIT) when the client sent bytes that are not UTF-8.
class Request
  attr_reader :method, :url, :headers, :params, :body

  def initialize(data)
    @method = data["method"] || "GET"
    @url = data["url"] || ""
    @headers = data["headers"] || {}
    @params = data["params"] || {}
    body = data["body"] || ""
    @body = data["base64"] ? Base64.strict_decode64(body) : body
    Cache.init(data["kv"])
  end

  def json = JSON.parse(@body)
end

# Response.new(body, status = 200, headers = {}). A body that is not valid UTF-8 (e.g. read
# in binary mode) is sent as bytes; a Hash or Array is sent as JSON.
class Response
  attr_accessor :body, :status_code, :headers
  alias status status_code
  alias status= status_code=

  def initialize(body = "", status_code = 200, headers = {})
    @body = body
    @status_code = status_code
    @headers = headers.dup
  end

  def self.ok(body = "", headers = {}) = new(body, 200, headers)
  def self.created(body = "", headers = {}) = new(body, 201, headers)
  def self.not_found(body = "", headers = {}) = new(body, 404, headers)

  def to_json(*)
    body = @body
    headers = @headers.to_h { |k, v| [k.to_s, v.to_s] }
    if body.is_a?(Hash) || body.is_a?(Array)
      body = JSON.generate(body)
      headers["content-type"] = "application/json" unless headers.keys.any? { |k| k.casecmp?("content-type") }
    end
    body = body.to_s
    binary = body.encoding == Encoding::BINARY ? !body.dup.force_encoding("UTF-8").valid_encoding? : !body.valid_encoding?
    data = binary ? Base64.strict_encode64(body) : body
    JSON.generate({ "data" => data, "status" => @status_code.to_i, "headers" => headers, "kv" => Cache.state,
                    "base64" => binary })
  end
end

def wws_apply_env(env)
  ENV.replace(env)
end

def wws_run(source, filename, request)
  TOPLEVEL_BINDING.eval(source, filename, 1)
  response = TOPLEVEL_BINDING.receiver.send(:worker, request)
  (response.is_a?(Response) ? response : Response.new(response)).to_json
end

# Runs the request path once at boot, so what CRuby sets up on first use is in the snapshot
# instead of being redone by every request.
def wws_warm_up
  request = Request.new(JSON.parse('{"url":"http://localhost/","method":"GET","headers":{},"body":"","kv":{},"params":{}}'))
  wws_run("def worker(req) = Response.new(\"\#{req.method} \#{req.body}\", 200, {\"x\" => \"y\"})", "<warm-up>", request)
  Object.send(:remove_method, :worker)
  Cache.init({})
end

def wws_serve
  data = STDIN.read
  if data.start_with?('{"env":')
    line, data = data.split("\n", 2)
    wws_apply_env(JSON.parse(line)["env"])
  end
  $stdout = $stderr # puts in a worker goes to the log
  begin
    output = wws_run(File.read(WWS_WORKER), WWS_WORKER, Request.new(JSON.parse(data)))
  rescue Exception => e
    $stderr.puts e.full_message(highlight: false)
    $stderr.flush
    raise
  ensure
    $stdout = STDOUT
  end
  STDOUT.write(output)
  STDOUT.flush
end

wws_warm_up
