// http/handshakes: closing a listener without losing requests. A listener's queue of connections
// the kernel completed but nobody accepted yet is reset when it closes, though their clients may
// already have sent a request (wrk at 64 connections lost one of ~90,000 on SIGTERM). So on stop
// the listener first refuses new handshakes, lets those under way complete, accepts everything
// queued, and only then closes (Worker::begin_stop in server.cpp).
#pragma once

namespace wws::http {

// Makes the listening socket `fd` drop every new handshake (a SYN without ACK) and let in all
// else: the ACKs that complete handshakes under way, and the data behind them. A dropped SYN's
// client has sent nothing yet; it retries about a second later and finds the port closed.
// False if the kernel refused the filter (then closing is as racy as it always was).
bool refuse_new_handshakes(int fd);

}  // namespace wws::http
