// http/request_rules: the checks a parsed request head must pass before wws reads its body or
// runs anything, where Beast's parser is more lenient than HTTP/1.1 allows (RFC 9112):
// message framing (Transfer-Encoding) and Host. Getting framing wrong is how request smuggling
// works: a body the server ignores is read as the next request.
#pragma once
#include <string_view>

#include <boost/beast/http/fields.hpp>

namespace wws::http {

// 0 when the head is acceptable, else the status to answer before closing the connection:
// - 400 for a Transfer-Encoding in HTTP/1.0, or one whose final coding is not "chunked";
// - 501 for a transfer coding other than chunked before it (wws decodes none, e.g. "gzip, chunked");
// - 400 for an HTTP/1.1 request without Host, with several Host fields, or whose Host is not a
//   valid authority (host[:port], RFC 3986 §3.2).
int check_request_head(unsigned version, const boost::beast::http::fields& fields);

// host [":" port], where host is a reg-name, an IPv4 address or a bracketed IP literal. Empty is
// valid (a URI without authority); userinfo, paths, queries and fragments are not.
bool is_valid_authority(std::string_view authority);

}  // namespace wws::http
