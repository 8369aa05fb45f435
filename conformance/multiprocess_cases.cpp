// Conformance cases that run in several processes at once against one
// store (Backend::shared): compare-and-swap, appends and leases must hold
// between processes, not only between handles of one.

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "suite.hpp"

namespace callboard::backend::conformance::detail {

namespace {

using std::chrono::milliseconds;

Timestamp now() { return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now()); }

// A child's failure: its text goes to the parent through a pipe.
struct ChildFailure {
  std::string text;
};

// Runs `body(i)` in `n` forked processes and waits for all. Each child
// opens the store itself. Returns one text per failed child.
std::vector<std::string> in_processes(int n, const std::function<void(int)>& body) {
  std::fflush(nullptr);
  struct Child {
    pid_t pid;
    int fd;
  };
  std::vector<Child> children;
  std::vector<std::string> failures;
  for (int i = 0; i < n; ++i) {
    int fds[2];
    if (pipe(fds) != 0) {
      failures.push_back("pipe failed: errno " + std::to_string(errno));
      break;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      failures.push_back("fork failed: errno " + std::to_string(errno));
      close(fds[0]);
      close(fds[1]);
      break;
    }
    if (pid == 0) {
      close(fds[0]);
      std::string text;
      try {
        body(i);
      } catch (const ChildFailure& f) {
        text = f.text;
      } catch (const std::exception& e) {
        text = std::string("exception: ") + e.what();
      } catch (...) {
        text = "unknown exception";
      }
      if (!text.empty()) {
        const auto written = write(fds[1], text.data(), text.size());
        (void)written;
      }
      close(fds[1]);
      _exit(text.empty() ? 0 : 1);
    }
    close(fds[1]);
    children.push_back({pid, fds[0]});
  }
  for (std::size_t i = 0; i < children.size(); ++i) {
    std::string text;
    char buffer[512];
    for (;;) {
      const auto got = read(children[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        text.append(buffer, static_cast<std::size_t>(got));
        continue;
      }
      if (got < 0 && errno == EINTR) continue;
      break;
    }
    close(children[i].fd);
    int status = 0;
    while (waitpid(children[i].pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      failures.push_back("process " + std::to_string(i) + ": " +
                         (text.empty() ? "exited with status " + std::to_string(status) : text));
    }
  }
  return failures;
}

template <typename T>
T child_need(Result<T> r, const std::string& what) {
  if (!r) throw ChildFailure{what + ": " + r.error().to_string()};
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

// Retries `attempt` while it fails with a retryable error (a lost
// compare-and-swap, a busy store), up to a bound.
void retrying(const std::string& what, const std::function<Result<void>()>& attempt) {
  for (int tries = 0; tries < 20000; ++tries) {
    auto r = attempt();
    if (r) return;
    if (!r.error().retryable) throw ChildFailure{what + ": " + r.error().to_string()};
    std::this_thread::sleep_for(std::chrono::microseconds(50 + (tries % 7) * 30));
  }
  throw ChildFailure{what + ": still conflicting after 20000 attempts"};
}

void report_children(Context& c, const std::vector<std::string>& failures) {
  for (const auto& f : failures) c.fail("every process succeeded", f, __FILE__, __LINE__);
}

// Each process adds 1 to a counter kept as a configuration value, reading
// it in one transaction and writing it with the revision it read in
// another: a lost update would leave the counter short.
void compare_and_swap(Context& c) {
  std::string location;
  auto storage = c.fresh(&location);
  const auto a = tenant("tenant-a");
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->tenant(a).config().write(ConfigChange{"counter", false, "0", at(0), "setup", ""}, 0));
    CB_NEED(txn->commit());
  }
  const int processes = c.options().processes;
  const int iterations = c.options().iterations;
  const Backend& backend = c.backend();
  report_children(c, in_processes(processes, [&](int who) {
                    auto mine = child_need(backend.open(location), "open");
                    for (int k = 0; k < iterations; ++k) {
                      retrying("increment", [&]() -> Result<void> {
                        std::uint64_t revision = 0;
                        long value = 0;
                        {
                          auto read = mine->begin(TransactionMode::kRead);
                          if (!read) return std::move(read).error();
                          auto v = (*read)->tenant(a).config().value("counter");
                          if (!v) return std::move(v).error();
                          revision = (*v)->revision;
                          value = std::stol((*v)->document);
                        }
                        std::this_thread::yield();
                        auto txn = mine->begin();
                        if (!txn) return std::move(txn).error();
                        auto w = (*txn)->tenant(a).config().write(
                            ConfigChange{"counter", false, std::to_string(value + 1), now(),
                                         "process-" + std::to_string(who), ""},
                            revision);
                        if (!w) return std::move(w).error();
                        return (*txn)->commit();
                      });
                    }
                  }));
  auto txn = CB_NEED(storage->begin());
  auto config = txn->tenant(a).config();
  const auto total = static_cast<std::uint64_t>(processes * iterations);
  auto value = CB_NEED(config.value("counter"));
  CB_CHECK(value.has_value());
  if (!value) return;
  CB_CHECK_EQ(value->revision, total + 1);
  CB_CHECK_EQ(value->document, std::to_string(total));
  // Every revision n holds n - 1: no update was lost or applied twice.
  std::uint64_t before = 0;
  std::uint64_t seen = 0;
  for (;;) {
    auto page = CB_NEED(config.history("counter", before, 100));
    if (page.empty()) break;
    for (const auto& r : page) {
      ++seen;
      if (!CB_CHECK_EQ(r.document, std::to_string(r.revision - 1))) return;
    }
    before = page.back().revision;
  }
  CB_CHECK_EQ(seen, total + 1);
}

// Each process appends its entries one at a time with the size it read:
// the log ends with every entry exactly once, at consecutive positions.
void audit_appends(Context& c) {
  std::string location;
  auto storage = c.fresh(&location);
  const auto a = tenant("tenant-a");
  const int processes = c.options().processes;
  const int iterations = c.options().iterations;
  const Backend& backend = c.backend();
  report_children(c, in_processes(processes, [&](int who) {
                    auto mine = child_need(backend.open(location), "open");
                    for (int k = 0; k < iterations; ++k) {
                      const std::string doc =
                          "{\"process\":" + std::to_string(who) + ",\"k\":" + std::to_string(k) + "}";
                      retrying("append", [&]() -> Result<void> {
                        std::uint64_t size = 0;
                        {
                          auto read = mine->begin(TransactionMode::kRead);
                          if (!read) return std::move(read).error();
                          auto s = (*read)->tenant(a).audit().size();
                          if (!s) return std::move(s).error();
                          size = *s;
                        }
                        std::this_thread::yield();
                        auto txn = mine->begin();
                        if (!txn) return std::move(txn).error();
                        auto appended = (*txn)->tenant(a).audit().append(
                            std::vector<AuditEntry>{AuditEntry{0, now(), "test", "process", doc}}, size);
                        if (!appended) return std::move(appended).error();
                        return (*txn)->commit();
                      });
                    }
                  }));
  auto txn = CB_NEED(storage->begin());
  auto log = txn->tenant(a).audit();
  const auto total = static_cast<std::uint64_t>(processes * iterations);
  CB_CHECK_EQ(CB_NEED(log.size()), total);
  std::set<std::string> seen;
  std::map<std::string, int> last_k;
  std::uint64_t position = 0;
  for (;;) {
    auto page = CB_NEED(log.entries(position, 100));
    if (page.empty()) break;
    for (const auto& e : page) {
      CB_CHECK_EQ(e.index, position);
      ++position;
      CB_CHECK(seen.insert(e.document).second);
    }
  }
  CB_CHECK_EQ(seen.size(), total);
}

// Processes take turns under one lease: each grant, fenced update and step
// happens under the holder's token, tokens grow with every grant, and no
// holder's fenced write is refused while it holds the lease.
void lease_turns(Context& c) {
  std::string location;
  auto storage = c.fresh(&location);
  const auto a = tenant("tenant-a");
  {
    auto txn = CB_NEED(storage->begin());
    CB_NEED(txn->tenant(a).rollouts().create(RolloutRecord{"r", 0, false, at(0), "0"}));
    CB_NEED(txn->commit());
  }
  const int processes = c.options().processes;
  const int iterations = std::max(1, c.options().iterations / 4);
  const Backend& backend = c.backend();
  report_children(c, in_processes(processes, [&](int who) {
    auto mine = child_need(backend.open(location), "open");
    const std::string holder = "host-" + std::to_string(who);
    for (int k = 0; k < iterations; ++k) {
      Lease lease;
      retrying("acquire", [&]() -> Result<void> {
        auto txn = mine->begin();
        if (!txn) return std::move(txn).error();
        auto got = (*txn)->tenant(a).rollouts().acquire_lease("rollout/r", holder, now(), milliseconds(20000));
        if (!got) return std::move(got).error();
        lease = *got;
        return (*txn)->commit();
      });
      {
        auto txn = child_need(mine->begin(), "begin");
        auto store = (*txn).tenant(a).rollouts();
        auto current = child_need(store.rollout("r"), "read");
        if (!current) throw ChildFailure{"the rollout is gone"};
        const long value = std::stol(current->document);
        const Fence fence{"rollout/r", lease.token};
        child_need(store.update(RolloutRecord{"r", 0, false, now(), std::to_string(value + 1)}, current->revision,
                                fence),
                   "fenced update while holding the lease");
        child_need(store.record_step(StepRecord{"r", "step-" + std::to_string(value + 1), 0, now(), holder}, fence),
                   "fenced step while holding the lease");
        child_need(txn->commit(), "commit");
      }
      {
        auto txn = child_need(mine->begin(), "begin");
        child_need(txn->tenant(a).rollouts().release_lease("rollout/r", lease.token), "release");
        child_need(txn->commit(), "commit");
      }
    }
  }));
  auto txn = CB_NEED(storage->begin());
  auto store = txn->tenant(a).rollouts();
  const auto total = static_cast<std::uint64_t>(processes * iterations);
  auto r = CB_NEED(store.rollout("r"));
  CB_CHECK(r && r->revision == total + 1 && r->document == std::to_string(total));
  auto steps = CB_NEED(store.steps("r"));
  CB_CHECK_EQ(steps.size(), total);
  for (std::size_t i = 0; i < steps.size(); ++i) {
    CB_CHECK_EQ(steps[i].step, "step-" + std::to_string(i + 1));
    if (i > 0) CB_CHECK(steps[i].token > steps[i - 1].token);
  }
  auto lease = CB_NEED(store.lease("rollout/r"));
  CB_CHECK(lease && lease->token == total && lease->holder.empty());
}

// A holder whose lease lapsed is fenced off once another process took it.
void lease_takeover(Context& c) {
  std::string location;
  auto storage = c.fresh(&location);
  const auto a = tenant("tenant-a");
  Lease mine;
  {
    auto txn = CB_NEED(storage->begin());
    auto store = txn->tenant(a).rollouts();
    CB_NEED(store.create(RolloutRecord{"r", 0, false, at(0), "{}"}));
    mine = CB_NEED(store.acquire_lease("rollout/r", "host-parent", now(), milliseconds(300)));
    CB_NEED(txn->commit());
  }
  const Backend& backend = c.backend();
  report_children(c, in_processes(1, [&](int) {
    auto other = child_need(backend.open(location), "open");
    Lease taken;
    // Held by the parent for 300 ms: kUnavailable (retryable) until then.
    retrying("take over", [&]() -> Result<void> {
      auto txn = other->begin();
      if (!txn) return std::move(txn).error();
      auto got = (*txn)->tenant(a).rollouts().acquire_lease("rollout/r", "host-child", now(), milliseconds(60000));
      if (!got) return std::move(got).error();
      taken = *got;
      return (*txn)->commit();
    });
    auto txn = child_need(other->begin(), "begin");
    auto store = txn->tenant(a).rollouts();
    child_need(store.update(RolloutRecord{"r", 0, false, now(), "{\"by\":\"child\"}"}, 1, Fence{"rollout/r", taken.token}),
               "the new holder's fenced update");
    child_need(store.record_step(StepRecord{"r", "s-1", 0, now(), "{}"}, Fence{"rollout/r", taken.token}), "step");
    child_need(txn->commit(), "commit");
  }));
  auto txn = CB_NEED(storage->begin());
  auto store = txn->tenant(a).rollouts();
  CB_ERROR(store.update(RolloutRecord{"r", 0, false, now(), "{\"by\":\"parent\"}"}, 2, Fence{"rollout/r", mine.token}),
           ErrorCode::kAborted);
  CB_ERROR(store.record_step(StepRecord{"r", "s-2", 0, now(), "{}"}, Fence{"rollout/r", mine.token}),
           ErrorCode::kAborted);
  CB_ERROR(store.renew_lease("rollout/r", mine.token, now(), milliseconds(1000)), ErrorCode::kAborted);
  auto lease = CB_NEED(store.lease("rollout/r"));
  CB_CHECK(lease && lease->holder == "host-child" && lease->token == mine.token + 1);
  auto r = CB_NEED(store.rollout("r"));
  CB_CHECK(r && r->document == "{\"by\":\"child\"}" && r->revision == 2);
  auto steps = CB_NEED(store.steps("r"));
  CB_CHECK(steps.size() == 1 && steps[0].token == mine.token + 1);
}

}  // namespace

std::vector<Case> multiprocess_cases() {
  return {
      {"processes.compare_and_swap", compare_and_swap, true},
      {"processes.audit_appends", audit_appends, true},
      {"processes.lease_turns", lease_turns, true},
      {"processes.lease_takeover", lease_takeover, true},
  };
}

}  // namespace callboard::backend::conformance::detail
