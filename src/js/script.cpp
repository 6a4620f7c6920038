// load_script: reads a worker and its local imports, checks their syntax once on the loading
// thread and keeps V8 code caches for the server threads' isolates.
#include "js/script.h"

#include <atomic>
#include <memory>

#include <fmt/format.h>

#include "engine/v8/thread_isolate.h"
#include "js/runtime.h"
#include "js/v8_util.h"
#include "util/files.h"

namespace wws::js {
namespace {

namespace fs = std::filesystem;

std::atomic<uint64_t> next_script_id{1};

bool is_ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

// "<file>:<line>:<col>: <Exception>" from a failed compile.
std::string compile_error(v8::Isolate* isolate, v8::Local<v8::Context> context, const fs::path& file,
                          v8::TryCatch& tc) {
  std::string what = tc.HasCaught() ? to_std(isolate, tc.Exception()) : "could not compile";
  v8::Local<v8::Message> message = tc.Message();
  if (message.IsEmpty()) return fmt::format("{}: {}", file.string(), what);
  int line = message->GetLineNumber(context).FromMaybe(0);
  int column = message->GetStartColumn(context).FromMaybe(0) + 1;
  return fmt::format("{}:{}:{}: {}", file.string(), line, column, what);
}

std::vector<uint8_t> take_cache(v8::ScriptCompiler::CachedData* data) {
  std::unique_ptr<v8::ScriptCompiler::CachedData> owned(data);
  if (!owned || owned->length <= 0) return {};
  return std::vector<uint8_t>(owned->data, owned->data + owned->length);
}

bool inside(const fs::path& path, const fs::path& root) {
  fs::path rel = path.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

class Loader {
 public:
  Loader(v8::Isolate* isolate, v8::Local<v8::Context> context, Script& script)
      : isolate_(isolate), context_(context), script_(script) {}

  // Compiles files[index] as a module and, recursively, the modules it imports.
  bool load_module(size_t index, std::string* error) {
    v8::TryCatch tc(isolate_);
    v8::Local<v8::Module> module;
    {
      const ScriptFile& file = script_.files[index];
      v8::ScriptOrigin origin(isolate_, v8_str(isolate_, file.path.string()), 0, 0, false, -1, {}, false, false, true);
      v8::ScriptCompiler::Source source(v8_str(isolate_, file.source), origin);
      if (!v8::ScriptCompiler::CompileModule(isolate_, &source).ToLocal(&module)) {
        *error = compile_error(isolate_, context_, file.path, tc);
        return false;
      }
    }
    script_.files[index].code_cache = take_cache(v8::ScriptCompiler::CreateCodeCache(module->GetUnboundModuleScript()));

    v8::Local<v8::FixedArray> requests = module->GetModuleRequests();
    for (int i = 0; i < requests->Length(); ++i) {
      auto request = requests->Get(context_, i).As<v8::ModuleRequest>();
      std::string specifier = to_std(isolate_, request->GetSpecifier());
      v8::Location where = module->SourceOffsetToLocation(request->GetSourceOffset());
      std::string at = fmt::format("{}:{}:{}", script_.files[index].path.string(), where.GetLineNumber() + 1,
                                   where.GetColumnNumber() + 1);
      if (request->GetImportAssertions()->Length() > 0) {
        *error = fmt::format("{}: import \"{}\": import assertions are not supported", at, specifier);
        return false;
      }
      if (script_.files[index].imports.count(specifier)) continue;
      std::string why;
      auto target = resolve(script_.files[index].path, specifier, &why);
      if (!target) {
        *error = fmt::format("{}: import \"{}\": {}", at, specifier, why);
        return false;
      }
      size_t target_index = index_of(*target);
      bool is_new = target_index == script_.files.size();
      if (is_new) {
        ScriptFile file;
        file.path = *target;
        if (!util::read_file(*target, file.source)) {
          *error = fmt::format("{}: import \"{}\": cannot read {}", at, specifier, target->string());
          return false;
        }
        script_.files.push_back(std::move(file));
      }
      script_.files[index].imports[specifier] = target_index;
      if (is_new && !load_module(target_index, error)) return false;
    }
    return true;
  }

  bool load_classic(std::string* error) {
    v8::TryCatch tc(isolate_);
    const ScriptFile& file = script_.files[0];
    v8::ScriptOrigin origin(isolate_, v8_str(isolate_, file.path.string()));
    v8::ScriptCompiler::Source source(v8_str(isolate_, file.source), origin);
    v8::Local<v8::UnboundScript> unbound;
    if (!v8::ScriptCompiler::CompileUnboundScript(isolate_, &source).ToLocal(&unbound)) {
      *error = compile_error(isolate_, context_, file.path, tc);
      return false;
    }
    script_.files[0].code_cache = take_cache(v8::ScriptCompiler::CreateCodeCache(unbound));
    return true;
  }

 private:
  std::optional<fs::path> resolve(const fs::path& importer, const std::string& specifier, std::string* why) {
    if (!specifier.starts_with("./") && !specifier.starts_with("../")) {
      *why =
          "only relative imports of the project's own files are supported (\"./lib.js\", \"../lib/util.js\"); "
          "bundle packages into the worker (e.g. with esbuild)";
      return std::nullopt;
    }
    fs::path candidate = (importer.parent_path() / specifier).lexically_normal();
    if (!inside(candidate, script_.root)) {
      *why = fmt::format("resolves outside the project folder {}", script_.root.string());
      return std::nullopt;
    }
    std::error_code ec;
    if (!fs::is_regular_file(candidate, ec) && candidate.extension().empty() &&
        fs::is_regular_file(fs::path(candidate.string() + ".js"), ec))
      candidate += ".js";
    if (!fs::is_regular_file(candidate, ec)) {
      *why = fmt::format("no such file {}", candidate.string());
      return std::nullopt;
    }
    fs::path real = fs::canonical(candidate, ec);
    if (ec || !inside(real, script_.root)) {  // a symlink leading out of the project
      *why = fmt::format("resolves outside the project folder {}", script_.root.string());
      return std::nullopt;
    }
    return real;
  }

  size_t index_of(const fs::path& path) const {
    for (size_t i = 0; i < script_.files.size(); ++i)
      if (script_.files[i].path == path) return i;
    return script_.files.size();
  }

  v8::Isolate* isolate_;
  v8::Local<v8::Context> context_;
  Script& script_;
};

}  // namespace

namespace {

// Whether s[i] starts a statement: only spaces or tabs between it and the start, a newline, ';' or '}'.
bool at_statement_start(std::string_view s, size_t i) {
  size_t j = i;
  while (j > 0 && (s[j - 1] == ' ' || s[j - 1] == '\t')) --j;
  return j == 0 || s[j - 1] == '\n' || s[j - 1] == '\r' || s[j - 1] == ';' || s[j - 1] == '}';
}

// Whether `rest` starts with the keyword of an import or export declaration.
bool starts_with_module_keyword(std::string_view rest) {
  constexpr size_t len = 6;  // "import", "export"
  if ((!rest.starts_with("import") && !rest.starts_with("export")) || rest.size() == len) return false;
  char next = rest[len];
  if (is_ident_char(next) && rest[0] == 'e') return false;
  if (next == '(' || next == '.') return false;  // import("x"), import.meta: valid in scripts too
  return next == ' ' || next == '\t' || next == '\n' || next == '{' || next == '*' || next == '"' || next == '\'';
}

}  // namespace

bool looks_like_module(std::string_view s) {
  // An import/export keyword at the start of a statement: after the start, a newline, ';' or '}'.
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != 'i' && s[i] != 'e') continue;
    if (at_statement_start(s, i) && starts_with_module_keyword(s.substr(i))) return true;
  }
  return false;
}

std::shared_ptr<const Script> load_script(const fs::path& file, std::string* error) {
  return load_script(file, {}, error);
}

std::shared_ptr<const Script> load_script(const fs::path& file, const fs::path& project_root, std::string* error) {
  std::error_code ec;
  fs::path path = fs::canonical(file, ec);
  if (ec || !fs::is_regular_file(path)) {
    *error = fmt::format("{}: cannot read the file", file.string());
    return nullptr;
  }
  auto script = std::make_shared<Script>();
  script->id = next_script_id++;
  script->root = fs::canonical(project_root.empty() ? path.parent_path() : project_root, ec);
  if (ec) {
    *error = fmt::format("{}: the project folder {} does not exist", file.string(), project_root.string());
    return nullptr;
  }
  ScriptFile entry;
  entry.path = path;
  if (!util::read_file(path, entry.source)) {
    *error = fmt::format("{}: cannot read the file", file.string());
    return nullptr;
  }
  script->files.push_back(std::move(entry));

  auto& ti = engine::v8e::ThreadIsolate::current();
  v8::Isolate* isolate = ti.isolate();
  v8::HandleScope scope(isolate);
  v8::Local<v8::Context> context = ti.wasm_context();
  v8::Context::Scope context_scope(context);
  Loader loader(isolate, context, *script);

  if (looks_like_module(script->files[0].source)) {
    std::string module_error;
    if (loader.load_module(0, &module_error)) {
      script->is_module = true;
      return script;
    }
    // Only a syntax error in the worker itself may mean "this is a classic script after all".
    script->files.resize(1);
    script->files[0].imports.clear();
    std::string classic_error;
    if (!loader.load_classic(&classic_error)) {
      *error = module_error;
      return nullptr;
    }
    return script;
  }
  if (!loader.load_classic(error)) return nullptr;
  return script;
}

}  // namespace wws::js
