#include "oracle.hpp"

#include "child_process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <future>
#include <stdexcept>
#include <thread>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

#ifndef CALLBOARD_REPO_ROOT
#error "CALLBOARD_REPO_ROOT must be defined by the build"
#endif

namespace callboard::test {
namespace {

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

std::unique_ptr<OracleProcess> OracleProcess::spawn(const std::string& script, OracleState& state,
                                                    std::string& message,
                                                    std::string& semver_version) {
  const std::string node = node_command();
  if (!executable_available(node)) {
    state = OracleState::kNodeMissing;
    message = "node is not installed (no executable '" + node + "'" +
              (node.find('/') == std::string::npos ? " on PATH" : "") + "; set CALLBOARD_NODE)";
    return nullptr;
  }
  // A dead child must surface as EPIPE, not kill the test.
  std::signal(SIGPIPE, SIG_IGN);

  int in_pipe[2];
  int out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    state = OracleState::kBroken;
    message = errno_text("pipe");
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  std::vector<std::string> args_storage = {node, script};
  std::vector<char*> argv;
  for (auto& a : args_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, node.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  if (rc != 0) {
    ::close(in_pipe[1]);
    ::close(out_pipe[0]);
    state = rc == ENOENT ? OracleState::kNodeMissing : OracleState::kBroken;
    message = "cannot start " + node + ": " + std::strerror(rc);
    return nullptr;
  }
  std::unique_ptr<OracleProcess> proc(new OracleProcess());
  proc->pid_ = pid;
  proc->to_child_ = in_pipe[1];
  proc->from_child_ = out_pipe[0];

  std::string hello;
  try {
    hello = proc->read_line();
  } catch (const std::exception& e) {
    state = OracleState::kBroken;
    message = std::string("oracle did not start: ") + e.what();
    return nullptr;
  }
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(hello, ec);
  if (ec || !v.is_object()) {
    state = OracleState::kBroken;
    message = "oracle greeting is not JSON: " + hello;
    return nullptr;
  }
  const auto& obj = v.as_object();
  if (const auto* s = obj.if_contains("semver"); s != nullptr && s->is_string()) {
    semver_version = std::string(s->as_string());
  }
  const auto* ready = obj.if_contains("ready");
  if (ready == nullptr || !ready->is_bool() || !ready->as_bool()) {
    const auto* err = obj.if_contains("error");
    const auto* msg = obj.if_contains("message");
    std::string kind = err != nullptr && err->is_string() ? std::string(err->as_string()) : "";
    state = kind == "missing"   ? OracleState::kSemverMissing
            : kind == "version" ? OracleState::kWrongVersion
                                : OracleState::kBroken;
    message = msg != nullptr && msg->is_string() ? std::string(msg->as_string()) : hello;
    return nullptr;
  }
  state = OracleState::kReady;
  return proc;
}

OracleProcess::~OracleProcess() {
  if (to_child_ >= 0) ::close(to_child_);
  if (from_child_ >= 0) ::close(from_child_);
  if (pid_ > 0) {
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void OracleProcess::write_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(to_child_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(errno_text("write to oracle"));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string OracleProcess::read_line() {
  for (;;) {
    auto nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    char buf[1 << 16];
    ssize_t n = ::read(from_child_, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error(errno_text("read from oracle"));
    }
    if (n == 0) throw std::runtime_error("oracle closed its output (crashed?)");
    pending_.append(buf, static_cast<std::size_t>(n));
  }
}

boost::json::array OracleProcess::call(std::string_view op, const boost::json::array& cases,
                                       const boost::json::object& opts) {
  boost::json::object req;
  req["op"] = op;
  req["cases"] = cases;
  req["opts"] = opts;
  std::string line = boost::json::serialize(req);
  line.push_back('\n');
  if (const char* log = std::getenv("CALLBOARD_ORACLE_LOG"); log != nullptr && *log != '\0') {
    // Debugging aid: replay with `node tests/oracle/semver_oracle.js < log`.
    if (FILE* f = std::fopen(log, "a")) {
      std::fwrite(line.data(), 1, line.size(), f);
      std::fclose(f);
    }
  }
  // node reads the whole line before it writes anything, so writing the
  // request and then reading the reply cannot deadlock on full pipes.
  write_all(line);
  std::string reply = read_line();
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(reply, ec);
  if (ec) throw std::runtime_error("oracle reply is not JSON: " + reply.substr(0, 200));
  if (!v.is_array()) throw std::runtime_error("oracle error: " + reply.substr(0, 500));
  auto& arr = v.as_array();
  if (arr.size() != cases.size()) throw std::runtime_error("oracle returned the wrong number of results");
  return std::move(arr);
}

std::string Oracle::default_script() {
  if (const char* s = std::getenv("CALLBOARD_ORACLE_SCRIPT"); s != nullptr && *s != '\0') return s;
  return std::string(CALLBOARD_REPO_ROOT) + "/tests/oracle/semver_oracle.js";
}

Oracle::Oracle(std::string script, std::size_t processes) {
  if (processes == 0) {
    if (const char* j = std::getenv("CALLBOARD_ORACLE_JOBS"); j != nullptr && *j != '\0') {
      processes = static_cast<std::size_t>(std::strtoul(j, nullptr, 10));
    }
  }
  if (processes == 0) processes = std::max(1U, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < processes; ++i) {
    auto p = OracleProcess::spawn(script, state_, message_, semver_version_);
    if (!p) {
      procs_.clear();
      return;
    }
    procs_.push_back(std::move(p));
  }
  state_ = OracleState::kReady;
  message_.clear();
}

Oracle::~Oracle() = default;

boost::json::array Oracle::call(std::string_view op, const boost::json::array& cases,
                                const boost::json::object& opts) {
  if (!ready()) throw std::runtime_error("oracle not ready: " + message_);
  const std::size_t n = cases.size();
  const std::size_t parts = std::min(procs_.size(), std::max<std::size_t>(1, n / 256));
  if (parts <= 1) return procs_[0]->call(op, cases, opts);
  std::vector<std::future<boost::json::array>> futures;
  const std::size_t chunk = (n + parts - 1) / parts;
  for (std::size_t p = 0; p < parts; ++p) {
    const std::size_t begin = std::min(n, p * chunk);
    const std::size_t end = std::min(n, begin + chunk);
    futures.push_back(std::async(std::launch::async, [this, p, begin, end, op, &cases, &opts] {
      boost::json::array part(cases.begin() + static_cast<std::ptrdiff_t>(begin),
                              cases.begin() + static_cast<std::ptrdiff_t>(end));
      return procs_[p]->call(op, part, opts);
    }));
  }
  boost::json::array out;
  out.reserve(n);
  for (auto& f : futures) {
    auto part = f.get();
    for (auto& v : part) out.push_back(std::move(v));
  }
  return out;
}

boost::json::array Oracle::call_on(std::size_t index, std::string_view op,
                                   const boost::json::array& cases, const boost::json::object& opts) {
  if (!ready()) throw std::runtime_error("oracle not ready: " + message_);
  return procs_.at(index % procs_.size())->call(op, cases, opts);
}

Oracle& Oracle::shared() {
  static Oracle oracle;
  return oracle;
}

boost::json::object to_node_options(bool loose, bool include_prerelease) {
  boost::json::object o;
  if (loose) o["loose"] = true;
  if (include_prerelease) o["includePrerelease"] = true;
  return o;
}

}  // namespace callboard::test
