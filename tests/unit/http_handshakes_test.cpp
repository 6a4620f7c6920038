// http/handshakes: a listener that refuses new handshakes still completes the ones it queued
// and lets their data in, on IPv4 and IPv6 (the socket filter reads the TCP header's flags).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "http/handshakes.h"

namespace wws::http {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

sockaddr_storage loopback(int family, uint16_t port) {
  sockaddr_storage a{};
  if (family == AF_INET) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    v6->sin6_addr = in6addr_loopback;
  }
  return a;
}

socklen_t length(int family) { return family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6); }

// A non-blocking connect; true if it completed within `ms`.
bool connects_within(int fd, const sockaddr_storage& to, int family, int ms) {
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&to), length(family)) == 0) return true;
  if (errno != EINPROGRESS) return false;
  pollfd p{fd, POLLOUT, 0};
  if (::poll(&p, 1, ms) != 1) return false;
  int error = 0;
  socklen_t n = sizeof error;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &n);
  return error == 0;
}

void check_family(int family) {
  Fd listener{::socket(family, SOCK_STREAM, 0)};
  sockaddr_storage any = loopback(family, 0);
  if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&any), length(family)) != 0) GTEST_SKIP() << "no loopback";
  ASSERT_EQ(::listen(listener.fd, 16), 0);
  sockaddr_storage bound{};
  socklen_t n = sizeof bound;
  ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&bound), &n);

  Fd queued{::socket(family, SOCK_STREAM, 0)};
  ASSERT_TRUE(connects_within(queued.fd, bound, family, 5000));  // completed, not accepted yet
  ASSERT_TRUE(refuse_new_handshakes(listener.fd));
  ASSERT_EQ(::send(queued.fd, "GET", 3, 0), 3);  // its data is still let in

  Fd late{::socket(family, SOCK_STREAM, 0)};
  EXPECT_FALSE(connects_within(late.fd, bound, family, 300)) << "a new handshake got through";

  Fd accepted{::accept(listener.fd, nullptr, nullptr)};
  ASSERT_GE(accepted.fd, 0);
  char got[4] = {};
  pollfd p{accepted.fd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1) << "the queued connection's data was dropped";
  EXPECT_EQ(::recv(accepted.fd, got, 3, 0), 3);
  EXPECT_STREQ(got, "GET");
}

TEST(Handshakes, RefusingListenerStillServesItsQueueIPv4) { check_family(AF_INET); }
TEST(Handshakes, RefusingListenerStillServesItsQueueIPv6) { check_family(AF_INET6); }

}  // namespace
}  // namespace wws::http
