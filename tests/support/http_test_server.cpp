#include "http_test_server.hpp"

#include "child_process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

#ifndef CALLBOARD_REPO_ROOT
#error "CALLBOARD_REPO_ROOT must be defined by the build"
#endif

namespace callboard::test {

std::unique_ptr<HttpTestServer> HttpTestServer::start(std::string& message, bool& node_missing,
                                                     const TlsFiles* tls) {
  node_missing = false;
  const std::string node = node_command();
  if (!executable_available(node)) {
    node_missing = true;
    message = "node is not installed (set CALLBOARD_NODE or put node on PATH)";
    return nullptr;
  }
  // Writing to a dead child must not kill the test process.
  std::signal(SIGPIPE, SIG_IGN);
  int in_pipe[2];
  int out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0) {
    message = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    message = std::string("pipe: ") + std::strerror(errno);
    ::close(in_pipe[0]);
    ::close(in_pipe[1]);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  std::vector<std::string> args = {
      node, std::string(CALLBOARD_REPO_ROOT) + "/tests/support/http_test_server.mjs"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) env_storage.emplace_back(*e);
  if (tls != nullptr) {
    env_storage.push_back("HTTP_TEST_TLS_CERT=" + tls->cert);
    env_storage.push_back("HTTP_TEST_TLS_KEY=" + tls->key);
  }
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, node.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    message = std::string("cannot start node: ") + std::strerror(rc);
    node_missing = rc == ENOENT;
    return nullptr;
  }
  std::unique_ptr<HttpTestServer> server(new HttpTestServer());
  server->pid_ = pid;
  server->to_child_ = in_pipe[1];

  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd pfd{out_pipe[0], POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buf[256];
    const ssize_t n = ::read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  // The server prints nothing else; its stdout may stay open (and unread).
  ::close(out_pipe[0]);
  if (line.rfind("PORT ", 0) != 0) {
    message = "test server did not report its port (got '" + line + "')";
    return nullptr;
  }
  server->port_ = std::atoi(line.c_str() + 5);
  if (server->port_ <= 0) {
    message = "test server reported a bad port: " + line;
    return nullptr;
  }
  if (const auto at = line.find(" TLSPORT "); at != std::string::npos) server->tls_port_ = std::atoi(line.c_str() + at + 9);
  if (tls != nullptr && server->tls_port_ <= 0) {
    message = "test server did not report its TLS port: " + line;
    return nullptr;
  }
  return server;
}

HttpTestServer* HttpTestServer::shared(std::string& message, bool& node_missing) {
  static std::string first_message;
  static bool first_missing = false;
  static std::unique_ptr<HttpTestServer> server = start(first_message, first_missing);
  message = first_message;
  node_missing = first_missing;
  return server.get();
}

HttpTestServer::~HttpTestServer() {
  if (to_child_ >= 0) ::close(to_child_);
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

std::string HttpTestServer::url(std::string_view path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(path);
}

std::string HttpTestServer::tls_url(std::string_view path) const {
  return "https://127.0.0.1:" + std::to_string(tls_port_) + std::string(path);
}

}  // namespace callboard::test
