// runtimes/fetch: getting a repository's index and files. `https://` and `http://` go through
// libcurl (redirects followed, failures and HTTP errors reported with the URL); `file://` URLs
// and plain paths are read from disk. A file's URL may be relative to its index's URL.
#pragma once
#include <optional>
#include <string>

namespace wws::runtimes {

// On failure returns nullopt and a message naming the URL and what went wrong.
std::optional<std::string> fetch_url(const std::string& url, std::string* error);

// `url` resolved against `base` (the index's URL) when it has no scheme and is not absolute.
std::string resolve_url(const std::string& base, const std::string& url);

constexpr const char* kUserAgent = "Wasm Workers Server/" WWS_VERSION;

}  // namespace wws::runtimes
