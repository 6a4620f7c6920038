// config/http_requests_feature: `[features.http_requests]`, the rules for the worker's outbound HTTP calls (§1.5).
#pragma once
#include <toml++/toml.h>

#include "config/worker_config.h"

namespace wws::config::detail {

// Keys absent from `table` keep the defaults of HttpRequestsFeature. Throws FieldError.
HttpRequestsFeature read_http_requests(const toml::table& table);

}  // namespace wws::config::detail
