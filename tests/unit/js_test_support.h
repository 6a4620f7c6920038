// The fixture of the js::Runtime tests: workers written to a temp project folder, loaded with the
// real embedded prelude and run on one Runtime, as one server thread would.
#pragma once
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "js/runtime.h"
#include "kv/run_view.h"

namespace wws::js {

namespace fs = std::filesystem;
using engine::Outcome;

// Runs workers with the real, embedded prelude.
class JsRuntime : public ::testing::Test {
 protected:
  JsRuntime() {
    root_ = fs::temp_directory_path() / ("wws-js-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
  }
  ~JsRuntime() override { fs::remove_all(root_); }

  fs::path write(const std::string& relative, const std::string& text) {
    fs::path path = root_ / relative;
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::shared_ptr<const Script> load(const std::string& relative, const std::string& text) {
    std::string error;
    auto script = load_script(write(relative, text), root_, &error);
    EXPECT_TRUE(script) << error;
    return script;
  }
  Result run(const Script& script, std::string method = "GET", std::string body = "") {
    request_.method = method;
    request_.body = body;
    request_.url = url_;
    request_.headers = &headers_;
    request_.params = &params_;
    // A fresh view per run, as the runner makes: on store_ (null: local to the run).
    view_ = std::make_unique<kv::RunView>(store_.get(), "ns", kv::Limits{});
    env_.kv = view_.get();
    return runtime_.run(script, env_, request_);
  }

  fs::path root_;
  Runtime runtime_;
  Environment env_{.worker_name = "test"};
  Request request_;
  std::string url_ = "http://localhost/hello?x=1";
  http::HeaderList headers_{{"user-agent", "gtest"}};
  std::map<std::string, std::string> params_;
  std::unique_ptr<kv::Store> store_;
  std::unique_ptr<kv::RunView> view_;  // of the last run
};

}  // namespace wws::js
