// The tenant-scoped stores (callboard/backend/tenant.hpp) on SQLite and
// memory: what one transaction of each kind costs, committed.
//
//   tenant_store_bench [--benchmark_filter=...]
//
// audit_append/<backend>/<batch>: one transaction appends <batch> entries of
//   ~200 bytes at the expected size and commits (items/s = entries/s). The
//   log grows through the run, as a real one does.
// config_write/<backend>: read a key's revision, write it back with that
//   revision (compare-and-swap), commit.
// lease_cycle/<backend>: acquire a lease, fenced update of a rollout, record
//   a step under the fence, release; one transaction.
// read_snapshot/<backend>: begin a read transaction, read one config value,
//   end it.

#include <benchmark/benchmark.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "callboard/backend/storage.hpp"
#include "callboard/backend/tenant.hpp"

namespace {

using namespace callboard;
using namespace callboard::backend;

template <typename T>
T need(Result<T> r) {
  if (!r) {
    std::fprintf(stderr, "tenant_store_bench: %s\n", r.error().to_string().c_str());
    std::abort();
  }
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

// A fresh store per benchmark: SQLite in a temporary folder, or memory.
struct Store {
  explicit Store(bool sqlite) {
    if (sqlite) {
      std::string pattern = (std::filesystem::temp_directory_path() / "callboard-tenant-bench-XXXXXX").string();
      if (::mkdtemp(pattern.data()) == nullptr) std::abort();
      dir = pattern;
      storage = need(open_storage("sqlite://" + dir + "/bench.db"));
    } else {
      storage = need(open_storage("memory:"));
    }
  }
  ~Store() {
    storage.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }
  std::string dir;
  std::unique_ptr<Storage> storage;
};

const TenantId& tenant() {
  static const TenantId t = TenantId::parse("acme").value();
  return t;
}

Timestamp now() { return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now()); }

void audit_append(benchmark::State& state, bool sqlite) {
  Store store(sqlite);
  const auto batch = static_cast<std::size_t>(state.range(0));
  const std::string doc =
      R"({"kind":"decision","decision":"allow","resource":"@backstage/plugin-catalog-backend@1.31.0",)"
      R"("policies":["policy0","platform-team-approval"],"input":"sha256:0123456789abcdef0123456789abcdef"})";
  std::vector<AuditEntry> entries(batch, AuditEntry{0, now(), "decision", "user:default/jane", doc});
  std::uint64_t size = 0;
  for (auto _ : state) {
    auto txn = need(store.storage->begin());
    size = need(txn->tenant(tenant()).audit().append(entries, size));
    need(txn->commit());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["log_size"] = static_cast<double>(size);
}

void config_write(benchmark::State& state, bool sqlite) {
  Store store(sqlite);
  {
    auto txn = need(store.storage->begin());
    need(txn->tenant(tenant()).config().write(ConfigChange{"plugin:catalog", false, "{}", now(), "bench", ""}, 0));
    need(txn->commit());
  }
  for (auto _ : state) {
    auto txn = need(store.storage->begin());
    auto config = txn->tenant(tenant()).config();
    const auto current = need(config.value("plugin:catalog"));
    need(config.write(ConfigChange{"plugin:catalog", false, R"({"refresh":"PT5M"})", now(), "bench", ""},
                      current->revision));
    need(txn->commit());
  }
  state.SetItemsProcessed(state.iterations());
}

void lease_cycle(benchmark::State& state, bool sqlite) {
  Store store(sqlite);
  {
    auto txn = need(store.storage->begin());
    need(txn->tenant(tenant()).rollouts().create(RolloutRecord{"r-1", 0, false, now(), "{}"}));
    need(txn->commit());
  }
  std::uint64_t revision = 1;
  std::uint64_t step = 0;
  for (auto _ : state) {
    auto txn = need(store.storage->begin());
    auto rollouts = txn->tenant(tenant()).rollouts();
    const auto lease = need(rollouts.acquire_lease("rollout/r-1", "host-a", now(), std::chrono::seconds(30)));
    const Fence fence{"rollout/r-1", lease.token};
    revision = need(rollouts.update(RolloutRecord{"r-1", 0, false, now(), R"({"step":1})"}, revision, fence)).revision;
    need(rollouts.record_step(StepRecord{"r-1", "step-" + std::to_string(++step), 0, now(), "{}"}, fence));
    need(rollouts.release_lease("rollout/r-1", lease.token));
    need(txn->commit());
  }
  state.SetItemsProcessed(state.iterations());
}

void read_snapshot(benchmark::State& state, bool sqlite) {
  Store store(sqlite);
  {
    auto txn = need(store.storage->begin());
    need(txn->tenant(tenant()).config().write(ConfigChange{"plugin:catalog", false, "{}", now(), "bench", ""}, 0));
    need(txn->commit());
  }
  for (auto _ : state) {
    auto txn = need(store.storage->begin(TransactionMode::kRead));
    benchmark::DoNotOptimize(need(txn->tenant(tenant()).config().value("plugin:catalog")));
    need(txn->commit());
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

BENCHMARK_CAPTURE(audit_append, sqlite, true)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(audit_append, memory, false)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(config_write, sqlite, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(config_write, memory, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(lease_cycle, sqlite, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(lease_cycle, memory, false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(read_snapshot, sqlite, true)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(read_snapshot, memory, false)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
