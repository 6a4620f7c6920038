#include "runtimes/fetch.h"

#include <curl/curl.h>

#include <fmt/format.h>

#include "util/files.h"
#include "util/sha256.h"

namespace wws::runtimes {
namespace {

constexpr size_t kMaxDownloadBytes = size_t{2} << 30;  // a runtime larger than 2 GiB is not a runtime

bool has_scheme(const std::string& url) {
  auto colon = url.find("://");
  return colon != std::string::npos && colon > 0 && url.find('/') > colon;
}

std::string percent_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

size_t on_data(char* data, size_t size, size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  size_t n = size * count;
  if (out->size() + n > kMaxDownloadBytes) return 0;  // aborts the transfer
  out->append(data, n);
  return n;
}

std::optional<std::string> fetch_http(const std::string& url, std::string* error) {
  CURL* curl = curl_easy_init();
  if (!curl) {
    *error = "cannot start libcurl";
    return std::nullopt;
  }
  std::string body;
  char curl_error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_USERAGENT, kUserAgent);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 15L);
  // Stalled transfers stop; slow but moving ones of a large interpreter do not.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 30L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    *error = fmt::format("cannot download {}: {}", url, curl_error[0] ? curl_error : curl_easy_strerror(rc));
    return std::nullopt;
  }
  if (status < 200 || status > 299) {
    *error = fmt::format("cannot download {}: the server answered HTTP {}", url, status);
    return std::nullopt;
  }
  return body;
}

}  // namespace

std::string resolve_url(const std::string& base, const std::string& url) {
  if (has_scheme(url) || url.empty() || url.front() == '/') return url;
  auto slash = base.rfind('/');
  if (slash == std::string::npos) return url;
  return base.substr(0, slash + 1) + url;
}

std::optional<std::string> fetch_url(const std::string& url, std::string* error) {
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0) return fetch_http(url, error);
  std::string path = url;
  if (url.rfind("file://", 0) == 0) {
    path = percent_decode(url.substr(7));
    if (!path.empty() && path.front() != '/') {  // file://host/path: only the local host is reachable
      auto slash = path.find('/');
      std::string host = path.substr(0, slash);
      if (host != "localhost" || slash == std::string::npos) {
        *error = fmt::format("cannot read {}: only file:///absolute/path URLs are supported", url);
        return std::nullopt;
      }
      path = path.substr(slash);
    }
  } else if (has_scheme(url)) {
    *error = fmt::format("cannot download {}: use an http://, https:// or file:// URL", url);
    return std::nullopt;
  }
  std::string data;
  if (!util::read_file(path, data)) {
    *error = fmt::format("cannot read {}: {}", url, std::strerror(errno ? errno : ENOENT));
    return std::nullopt;
  }
  return data;
}

}  // namespace wws::runtimes
