// What a failed plugin build leaves behind: build_plugins and score_plugin
// return the error (not an empty table, not a zero score), and
// Registry::index then replaces nothing, does not stamp plugins.built_at,
// and rebuilds on the next run.
//
// The failure is a real one: this test program replaces the global
// operator new with one that can be told to fail its Nth allocation from
// now (once, then it works again, so the error itself can be built).

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "callboard/registry.hpp"

#include "plugins_test_support.hpp"
#include "test_files.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define CALLBOARD_TEST_FAULTY_NEW 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CALLBOARD_TEST_FAULTY_NEW 0
#endif
#endif
#ifndef CALLBOARD_TEST_FAULTY_NEW
#define CALLBOARD_TEST_FAULTY_NEW 1
#endif

namespace {

// 0: disarmed; N > 0: the Nth allocation from now throws std::bad_alloc.
std::atomic<long> g_fail_countdown{0};
std::atomic<long> g_faults_fired{0};

/// Makes the Nth allocation from now fail (once).
void fail_allocation(long n) { g_fail_countdown.store(n); }
/// Disarms; returns whether the armed fault fired.
bool disarm() {
  g_fail_countdown.store(0);
  return g_faults_fired.exchange(0) > 0;
}

}  // namespace

#if CALLBOARD_TEST_FAULTY_NEW
void* operator new(std::size_t size) {
  long left = g_fail_countdown.load(std::memory_order_relaxed);
  while (left > 0) {
    if (g_fail_countdown.compare_exchange_weak(left, left - 1)) {
      if (left == 1) {
        g_faults_fired.fetch_add(1);
        throw std::bad_alloc();
      }
      break;
    }
  }
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// operator delete stays libstdc++'s, which frees with std::free.
#endif

using namespace callboard;
using callboard::test::Pkg;
using callboard::test::TempDir;
using callboard::test::ts;
using R = PackageRole;

namespace {

/// Forwards everything to a memory storage; `arm_after_directory` > 0 arms
/// the allocation fault when the indexer has read the directory entries,
/// its last read before build_plugins. Counts replace_plugins calls.
class FaultyStorage final : public backend::Storage {
 public:
  std::unique_ptr<backend::Storage> inner;
  long arm_after_directory = 0;
  int replaces = 0;

  class Txn final : public backend::Transaction {
   public:
    Txn(std::unique_ptr<backend::Transaction> t, FaultyStorage& owner)
        : backend::Transaction(t->mode()), t_(std::move(t)), owner_(owner) {}
    Result<void> commit() noexcept override { return t_->commit(); }

   protected:
    Result<void> do_put_packument(const Packument& p) noexcept override { return t_->put_packument(p); }
    Result<void> do_delete_packument(std::string_view n) noexcept override { return t_->delete_packument(n); }
    Result<void> do_put_sync_record(const backend::SyncRecord& r) noexcept override { return t_->put_sync_record(r); }
    Result<void> do_replace_plugins(const std::vector<Plugin>& p) noexcept override {
      ++owner_.replaces;
      return t_->replace_plugins(p);
    }
    Result<void> do_put_release(const Release& r) noexcept override { return t_->put_release(r); }
    Result<void> do_put_directory_entry(const DirectoryEntry& e) noexcept override {
      return t_->put_directory_entry(e);
    }
    Result<void> do_put_artifact(const ArtifactRecord& r) noexcept override { return t_->put_artifact(r); }
    Result<void> do_put_seed(const backend::SeedState& s) noexcept override { return t_->put_seed(s); }
    Result<void> do_put_plugin_build(const backend::PluginBuild& b) noexcept override {
      return t_->put_plugin_build(b);
    }
    Result<void> do_set_plugins_stale(bool stale) noexcept override { return t_->set_plugins_stale(stale); }
    backend::DecisionBackend* decision_rows() noexcept override { return decision_rows_of(*t_); }
    backend::AuditBackend* audit_rows() noexcept override { return audit_rows_of(*t_); }
    backend::ConfigBackend* config_rows() noexcept override { return config_rows_of(*t_); }
    backend::RolloutBackend* rollout_rows() noexcept override { return rollout_rows_of(*t_); }
    backend::AdminBackend* admin_rows() noexcept override { return admin_rows_of(*t_); }

   private:
    std::unique_ptr<backend::Transaction> t_;
    FaultyStorage& owner_;
  };

  Result<std::unique_ptr<backend::Transaction>> begin(backend::TransactionMode mode) noexcept override {
    auto t = inner->begin(mode);
    if (!t) return std::move(t).error();
    return std::unique_ptr<backend::Transaction>(std::make_unique<Txn>(std::move(*t), *this));
  }
  Result<std::optional<Packument>> packument(std::string_view n) noexcept override { return inner->packument(n); }
  Result<std::vector<std::string>> package_names() noexcept override { return inner->package_names(); }
  Result<std::optional<backend::SyncRecord>> sync_record(std::string_view n) noexcept override {
    return inner->sync_record(n);
  }
  Result<std::vector<backend::SyncRecord>> sync_records() noexcept override { return inner->sync_records(); }
  Result<std::optional<Plugin>> plugin(std::string_view id) noexcept override { return inner->plugin(id); }
  Result<std::optional<Plugin>> plugin_for_package(std::string_view n) noexcept override {
    return inner->plugin_for_package(n);
  }
  Result<std::vector<std::string>> plugin_ids() noexcept override { return inner->plugin_ids(); }
  Result<std::uint64_t> plugin_generation() noexcept override { return inner->plugin_generation(); }
  Result<backend::SearchPage> search(const backend::SearchQuery& q) noexcept override { return inner->search(q); }
  Result<std::optional<Release>> release(std::string_view v) noexcept override { return inner->release(v); }
  Result<std::vector<std::string>> release_versions() noexcept override { return inner->release_versions(); }
  Result<std::optional<DirectoryEntry>> directory_entry(std::string_view id) noexcept override {
    return inner->directory_entry(id);
  }
  Result<std::vector<DirectoryEntry>> directory_entries() noexcept override {
    auto entries = inner->directory_entries();
    if (arm_after_directory > 0) fail_allocation(arm_after_directory);
    return entries;
  }
  Result<std::optional<backend::SeedState>> seed() noexcept override { return inner->seed(); }
  Result<backend::PluginTableState> plugin_table() noexcept override { return inner->plugin_table(); }
  Result<std::optional<ArtifactRecord>> artifact(std::string_view n, std::string_view v) noexcept override {
    return inner->artifact(n, v);
  }
  Result<std::vector<ArtifactRecord>> artifacts(std::string_view n) noexcept override {
    return inner->artifacts(n);
  }
  Result<void> check() noexcept override { return inner->check(); }
};

Timestamp t0() { return ts("2026-07-01T00:00:00Z"); }

backend::PluginTableState table_of(backend::Storage& s) {
  auto v = s.plugin_table();
  REQUIRE(v.ok());
  return *v;
}

std::vector<Plugin> stored_plugins(backend::Storage& s) {
  auto ids = s.plugin_ids();
  REQUIRE(ids.ok());
  std::vector<Plugin> out;
  for (const auto& id : *ids) {
    auto p = s.plugin(id);
    REQUIRE(p.ok());
    REQUIRE(p->has_value());
    out.push_back(**p);
  }
  return out;
}

}  // namespace

TEST_CASE("build_plugins returns the allocation failure, not an empty table", "[registry][plugins][failure]") {
  if (!CALLBOARD_TEST_FAULTY_NEW) {
    WARN("operator new cannot be replaced under AddressSanitizer: skipped");
    return;
  }
  std::vector<Packument> packuments = {
      Pkg("@acme/plugin-insights").role(R::kFrontendPlugin).id("insights").build(),
      Pkg("@acme/plugin-insights-backend").role(R::kBackendPlugin).id("insights").build(),
  };
  PluginInputs in;
  in.packuments = &packuments;
  in.now = t0();
  auto good = build_plugins(in);
  REQUIRE(good.ok());
  REQUIRE(good->size() == 1);

  for (long n : {1L, 5L, 50L}) {
    CAPTURE(n);
    fail_allocation(n);
    auto failed = build_plugins(in);
    REQUIRE(disarm());
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == ErrorCode::kResourceExhausted);
    CHECK(failed.error().message == "out of memory while building plugins");
  }
  // And it works again once memory is back.
  auto again = build_plugins(in);
  REQUIRE(again.ok());
  CHECK(*again == *good);
}

TEST_CASE("score_plugin returns the allocation failure, not a zero score", "[registry][score][failure]") {
  if (!CALLBOARD_TEST_FAULTY_NEW) {
    WARN("operator new cannot be replaced under AddressSanitizer: skipped");
    return;
  }
  const Packument p = Pkg("@acme/plugin-insights").role(R::kFrontendPlugin).id("insights").build();
  Plugin plugin;
  plugin.id = "insights";
  auto good = score_plugin(plugin, {&p}, {}, t0());
  REQUIRE(good.ok());
  REQUIRE(good->total > 0);
  fail_allocation(3);
  auto failed = score_plugin(plugin, {&p}, {}, t0());
  REQUIRE(disarm());
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::kResourceExhausted);
}

TEST_CASE("a failed plugin build replaces nothing and does not stamp built_at", "[registry][plugins][failure]") {
  if (!CALLBOARD_TEST_FAULTY_NEW) {
    WARN("operator new cannot be replaced under AddressSanitizer: skipped");
    return;
  }
  TempDir dir;
  const auto plugin_dir = dir.path / "catalog";
  std::filesystem::create_directories(plugin_dir);
  std::filesystem::copy_file(
      std::filesystem::path(CALLBOARD_REPO_ROOT) / "tests/fixtures/plugin-package-json/backstage__plugin-catalog.json",
      plugin_dir / "package.json");

  auto storage = std::make_shared<FaultyStorage>();
  {
    auto inner = backend::open_storage("memory:");
    REQUIRE(inner.ok());
    storage->inner = std::move(*inner);
  }
  Registry registry(storage, nullptr, NpmConfig{});
  IndexOptions options;
  options.seed_ecosystem = false;
  options.follow_links = false;
  options.local_sources = {plugin_dir};
  options.now = t0();

  auto first = registry.index(options);
  REQUIRE(first.ok());
  REQUIRE(first->plugins == 1);
  const auto plugins_before = stored_plugins(*storage);
  const auto built_before = table_of(*storage).last_build;
  REQUIRE(plugins_before.size() == 1);
  REQUIRE(built_before.has_value());
  CHECK_FALSE(table_of(*storage).stale);
  const int replaces_before = storage->replaces;

  // A day and more later: the local package is read again, so the table is
  // rebuilt, and the build runs out of memory.
  for (long n : {1L, 10L, 40L}) {
    CAPTURE(n);
    storage->arm_after_directory = n;
    options.now = t0() + std::chrono::hours(25);
    auto failed = registry.index(options);
    storage->arm_after_directory = 0;
    REQUIRE(disarm());
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == ErrorCode::kResourceExhausted);
    CHECK(storage->replaces == replaces_before);
    CHECK(stored_plugins(*storage) == plugins_before);
    CHECK(table_of(*storage).last_build == built_before);
    // The packument it stored is newer than the table: the next run rebuilds.
    CHECK(table_of(*storage).stale);
  }

  // The next run, an hour later (well inside the 24 h), rebuilds and stamps.
  options.now = t0() + std::chrono::hours(26);
  auto next = registry.index(options);
  REQUIRE(next.ok());
  CHECK(next->plugins == 1);
  CHECK(storage->replaces == replaces_before + 1);
  const auto plugins_after = stored_plugins(*storage);
  REQUIRE(plugins_after.size() == 1);
  CHECK(plugins_after[0].id == plugins_before[0].id);
  CHECK(table_of(*storage).last_build != built_before);
  REQUIRE(table_of(*storage).last_build.has_value());
  CHECK(table_of(*storage).last_build->built_at == t0() + std::chrono::hours(26));
  CHECK_FALSE(table_of(*storage).stale);
}
