#!/usr/bin/env python3
"""Serves git repositories over git's smart HTTP protocol (`git http-backend` as a CGI) for the
e2e tests of git projects: python3 git_http_server.py PORT PROJECT_ROOT. Prints "ready" once
it listens on 127.0.0.1:PORT; stops when stdin closes or it gets SIGTERM."""
import http.server
import os
import sys
import tempfile
import threading

port, project_root = int(sys.argv[1]), os.path.abspath(sys.argv[2])
# As root, CGIHTTPRequestHandler would run the CGI as "nobody", who cannot read the test's
# private temp folders: keep the test's own user.
http.server.nobody_uid = os.getuid

served = tempfile.mkdtemp(prefix="wws-git-http-")
os.mkdir(os.path.join(served, "cgi-bin"))
script = os.path.join(served, "cgi-bin", "git")
with open(script, "w") as f:
    f.write("#!/bin/sh\n"
            f"export GIT_PROJECT_ROOT='{project_root}' GIT_HTTP_EXPORT_ALL=1\n"
            # The repositories belong to the test, which may not be this user in every set-up.
            "export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=safe.directory GIT_CONFIG_VALUE_0='*'\n"
            "exec git http-backend\n")
os.chmod(script, 0o755)


class Handler(http.server.CGIHTTPRequestHandler):
    cgi_directories = ["/cgi-bin"]

    def log_message(self, *args):
        pass


os.chdir(served)
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
print("ready", flush=True)
sys.stdin.read()  # the test closes our stdin (or kills us) to stop
server.shutdown()
