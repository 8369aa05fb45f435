#include "npm/npm_process.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "npm/npmrc_text.hpp"

extern char** environ;

namespace callboard::npm_detail {
namespace {

// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Waits for the child, killing it first if asked; retries on EINTR so no
// zombie is left behind.
int reap(pid_t pid, bool kill_first) {
  if (kill_first) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return status;
}

}  // namespace

std::optional<std::string> ask_npm_registry(std::chrono::milliseconds timeout,
                                            std::size_t max_output) {
  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) return std::nullopt;
  Fd read_end{out_pipe[0]};
  Fd write_end{out_pipe[1]};

  posix_spawn_file_actions_t actions;
  if (posix_spawn_file_actions_init(&actions) != 0) return std::nullopt;
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, write_end.fd, STDOUT_FILENO);
  // npm warns about unknown user settings on stderr; that is not our output.
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);

  std::string arg0 = "npm";
  std::string arg1 = "config";
  std::string arg2 = "get";
  std::string arg3 = "registry";
  std::vector<char*> argv = {arg0.data(), arg1.data(), arg2.data(), arg3.data(), nullptr};
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, "npm", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return std::nullopt;  // ENOENT: npm is not on PATH
  ::close(write_end.fd);
  write_end.fd = -1;

  std::string output;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool failed = false;
  char buf[1024];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      failed = true;
      break;
    }
    pollfd pfd{read_end.fd, POLLIN, 0};
    const int ready = ::poll(&pfd, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0) {
      if (errno == EINTR) continue;
      failed = true;
      break;
    }
    if (ready == 0) continue;
    const ssize_t n = ::read(read_end.fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      failed = true;
      break;
    }
    if (n == 0) break;
    output.append(buf, static_cast<std::size_t>(n));
    if (output.size() > max_output) {
      failed = true;
      break;
    }
  }
  const int status = reap(pid, failed);
  if (failed || status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  const std::size_t nl = output.find('\n');
  std::string line(js_trim(std::string_view(output).substr(0, nl)));
  if (line.empty()) return std::nullopt;
  return line;
}

}  // namespace callboard::npm_detail
