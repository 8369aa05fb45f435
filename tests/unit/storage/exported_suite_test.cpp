// The exported conformance suite (callboard::conformance, conformance/) on
// every built-in backend, and on a deliberately broken one, so that the
// suite is known to catch what it claims to.

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <string>

#include "backends/storage_memory/memory_tenant.hpp"
#include "callboard/backend/conformance.hpp"
#include "storage_fixtures.hpp"

namespace {

using namespace storage_test;
namespace conf = callboard::backend::conformance;

conf::Backend memory_backend() {
  conf::Backend b;
  b.name = "memory";
  b.new_location = []() -> Result<std::string> { return std::string("memory:"); };
  b.open = [](std::string_view url) { return open_storage(url); };
  return b;
}

conf::Backend sqlite_backend(const TempDir& dir) {
  auto counter = std::make_shared<std::atomic<int>>(0);
  conf::Backend b;
  b.name = "sqlite";
  b.new_location = [counter, root = dir.path()]() -> Result<std::string> {
    return "sqlite://" + (root / ("store-" + std::to_string(++*counter) + ".db")).string();
  };
  b.open = [](std::string_view url) { return open_storage(url); };
  b.shared = true;
  return b;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

TEST_CASE("conformance: the memory backend passes every case it can run", "[storage][conformance]") {
  const auto report = conf::run(memory_backend());
  INFO(report.summary());
  CHECK(report.ok());
  CHECK(report.failures.empty());
  // It shares nothing between opens: persistence and processes are skipped.
  CHECK(report.skipped.size() == 5);
  CHECK(report.passed.size() + report.skipped.size() == conf::case_names().size());
  CHECK(has(report.passed, "tenant.isolation"));
  CHECK(has(report.passed, "catalog.search.ranking_by_field"));
}

TEST_CASE("conformance: the SQLite backend passes every case, in several processes too", "[storage][conformance]") {
  TempDir dir;
  conf::Options options;
  options.processes = 3;
  const auto report = conf::run(sqlite_backend(dir), options);
  INFO(report.summary());
  CHECK(report.ok());
  CHECK(report.skipped.empty());
  CHECK(report.passed == conf::case_names());
  CHECK(report.checks > 300);
}

TEST_CASE("conformance: SQLite's private temporary file (sqlite::memory:) passes every case it can run",
          "[storage][conformance]") {
  conf::Backend b;
  b.name = "sqlite-memory";
  b.new_location = []() -> Result<std::string> { return std::string("sqlite::memory:"); };
  b.open = [](std::string_view url) { return open_storage(url); };
  const auto report = conf::run(b);
  INFO(report.summary());
  CHECK(report.ok());
  CHECK(report.skipped.size() == 5);
  CHECK(has(report.passed, "catalog.search.filters_and_facets"));
}

TEST_CASE("conformance: a filter runs only matching cases", "[storage][conformance]") {
  conf::Options options;
  options.filter = "tenant.audit";
  const auto report = conf::run(memory_backend(), options);
  CHECK(report.passed == std::vector<std::string>{"tenant.audit"});
  CHECK(report.skipped.empty());
}

// A backend that keeps every tenant's rows in one bucket: each store works
// alone, but tenants see each other. The suite must say so.
namespace {

using namespace callboard::backend::detail;

class OneBucketRows final : public DecisionBackend,
                            public AuditBackend,
                            public ConfigBackend,
                            public RolloutBackend,
                            public AdminBackend {
 public:
  explicit OneBucketRows(MemoryTenantRows& inner) : inner_(inner) {}
  Result<std::optional<DecisionRecord>> get_decision(const TenantId&, std::string_view id) noexcept override {
    return inner_.get_decision(bucket_, id);
  }
  Result<void> insert_decision(const TenantId&, const DecisionRecord& d) noexcept override {
    return inner_.insert_decision(bucket_, d);
  }
  Result<std::vector<DecisionRecord>> list_decisions(const TenantId&, const std::optional<PageCursor>& after,
                                                     std::size_t limit) noexcept override {
    return inner_.list_decisions(bucket_, after, limit);
  }
  Result<std::optional<ApprovalRequest>> get_approval(const TenantId&, std::string_view id) noexcept override {
    return inner_.get_approval(bucket_, id);
  }
  Result<std::optional<ApprovalRequest>> find_approval_by_key(const TenantId&, std::string_view key) noexcept override {
    return inner_.find_approval_by_key(bucket_, key);
  }
  Result<void> put_approval(const TenantId&, const ApprovalRequest& a) noexcept override {
    return inner_.put_approval(bucket_, a);
  }
  Result<std::vector<ApprovalRequest>> list_approvals(const TenantId&, std::optional<ApprovalState> state,
                                                      const std::optional<PageCursor>& after,
                                                      std::size_t limit) noexcept override {
    return inner_.list_approvals(bucket_, state, after, limit);
  }
  Result<std::uint64_t> audit_size(const TenantId&) noexcept override { return inner_.audit_size(bucket_); }
  Result<void> append_audit(const TenantId&, std::span<const AuditEntry> entries) noexcept override {
    return inner_.append_audit(bucket_, entries);
  }
  Result<std::vector<AuditEntry>> read_audit(const TenantId&, std::uint64_t from, std::size_t count) noexcept override {
    return inner_.read_audit(bucket_, from, count);
  }
  Result<void> insert_checkpoint(const TenantId&, const AuditCheckpoint& cp) noexcept override {
    return inner_.insert_checkpoint(bucket_, cp);
  }
  Result<std::optional<AuditCheckpoint>> latest_checkpoint(const TenantId&) noexcept override {
    return inner_.latest_checkpoint(bucket_);
  }
  Result<std::optional<AuditCheckpoint>> get_checkpoint(const TenantId&, std::uint64_t size) noexcept override {
    return inner_.get_checkpoint(bucket_, size);
  }
  Result<std::optional<ConfigRevision>> latest_config(const TenantId&, std::string_view key) noexcept override {
    return inner_.latest_config(bucket_, key);
  }
  Result<std::optional<ConfigRevision>> get_config(const TenantId&, std::string_view key,
                                                   std::uint64_t revision) noexcept override {
    return inner_.get_config(bucket_, key, revision);
  }
  Result<void> insert_config(const TenantId&, const ConfigRevision& r) noexcept override {
    return inner_.insert_config(bucket_, r);
  }
  Result<std::vector<std::string>> live_config_keys(const TenantId&) noexcept override {
    return inner_.live_config_keys(bucket_);
  }
  Result<std::vector<ConfigRevision>> config_history(const TenantId&, std::string_view key, std::uint64_t before,
                                                     std::size_t limit) noexcept override {
    return inner_.config_history(bucket_, key, before, limit);
  }
  Result<std::optional<RolloutRecord>> get_rollout(const TenantId&, std::string_view id) noexcept override {
    return inner_.get_rollout(bucket_, id);
  }
  Result<void> put_rollout(const TenantId&, const RolloutRecord& r) noexcept override {
    return inner_.put_rollout(bucket_, r);
  }
  Result<std::vector<RolloutRecord>> list_rollouts(const TenantId&, bool include_finished) noexcept override {
    return inner_.list_rollouts(bucket_, include_finished);
  }
  Result<std::optional<StepRecord>> get_step(const TenantId&, std::string_view rollout_id,
                                             std::string_view step) noexcept override {
    return inner_.get_step(bucket_, rollout_id, step);
  }
  Result<void> insert_step(const TenantId&, const StepRecord& s) noexcept override {
    return inner_.insert_step(bucket_, s);
  }
  Result<std::vector<StepRecord>> list_steps(const TenantId&, std::string_view rollout_id) noexcept override {
    return inner_.list_steps(bucket_, rollout_id);
  }
  Result<std::optional<Lease>> get_lease(const TenantId&, std::string_view name) noexcept override {
    return inner_.get_lease(bucket_, name);
  }
  Result<void> put_lease(const TenantId&, const Lease& l) noexcept override { return inner_.put_lease(bucket_, l); }
  Result<std::vector<std::string>> list_tenants() noexcept override { return inner_.list_tenants(); }
  Result<void> purge_tenant(const TenantId&) noexcept override { return inner_.purge_tenant(bucket_); }

 private:
  MemoryTenantRows& inner_;
  TenantId bucket_ = TenantId::parse("everyone").value();
};

Error no_catalog() { return make_error(ErrorCode::kUnimplemented, "this test backend keeps tenant rows only"); }

class OneBucketTransaction final : public Transaction {
 public:
  OneBucketTransaction(std::shared_ptr<std::shared_ptr<const TenantMap>> state, TransactionMode mode)
      : Transaction(mode), state_(std::move(state)) {}
  Result<void> commit() noexcept override {
    if (auto w = rows_.written()) *state_ = std::move(w);
    committed_ = true;
    return ok_result();
  }

 protected:
  Result<void> do_put_packument(const Packument&) noexcept override { return no_catalog(); }
  Result<void> do_delete_packument(std::string_view) noexcept override { return no_catalog(); }
  Result<void> do_put_sync_record(const SyncRecord&) noexcept override { return no_catalog(); }
  Result<void> do_replace_plugins(const std::vector<Plugin>&) noexcept override { return no_catalog(); }
  Result<void> do_put_release(const Release&) noexcept override { return no_catalog(); }
  Result<void> do_put_directory_entry(const DirectoryEntry&) noexcept override { return no_catalog(); }
  Result<void> do_put_artifact(const ArtifactRecord&) noexcept override { return no_catalog(); }
  Result<void> do_put_seed(const SeedState&) noexcept override { return no_catalog(); }
  Result<void> do_put_plugin_build(const PluginBuild&) noexcept override { return no_catalog(); }
  Result<void> do_set_plugins_stale(bool) noexcept override { return no_catalog(); }
  DecisionBackend* decision_rows() noexcept override { return &bucket_; }
  AuditBackend* audit_rows() noexcept override { return &bucket_; }
  ConfigBackend* config_rows() noexcept override { return &bucket_; }
  RolloutBackend* rollout_rows() noexcept override { return &bucket_; }
  AdminBackend* admin_rows() noexcept override { return &bucket_; }

 private:
  std::shared_ptr<std::shared_ptr<const TenantMap>> state_;
  bool committed_ = false;
  MemoryTenantRows rows_{*state_, [this] { return !committed_; }};
  OneBucketRows bucket_{rows_};
};

class OneBucketStorage final : public Storage {
 public:
  Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) noexcept override {
    return std::unique_ptr<Transaction>(std::make_unique<OneBucketTransaction>(state_, mode));
  }
  Result<std::optional<Packument>> packument(std::string_view) noexcept override { return no_catalog(); }
  Result<std::vector<std::string>> package_names() noexcept override { return no_catalog(); }
  Result<std::optional<SyncRecord>> sync_record(std::string_view) noexcept override { return no_catalog(); }
  Result<std::vector<SyncRecord>> sync_records() noexcept override { return no_catalog(); }
  Result<std::optional<Plugin>> plugin(std::string_view) noexcept override { return no_catalog(); }
  Result<std::optional<Plugin>> plugin_for_package(std::string_view) noexcept override { return no_catalog(); }
  Result<std::vector<std::string>> plugin_ids() noexcept override { return no_catalog(); }
  Result<std::uint64_t> plugin_generation() noexcept override { return no_catalog(); }
  Result<SearchPage> search(const SearchQuery&) noexcept override { return no_catalog(); }
  Result<std::optional<Release>> release(std::string_view) noexcept override { return no_catalog(); }
  Result<std::vector<std::string>> release_versions() noexcept override { return no_catalog(); }
  Result<std::optional<DirectoryEntry>> directory_entry(std::string_view) noexcept override { return no_catalog(); }
  Result<std::vector<DirectoryEntry>> directory_entries() noexcept override { return no_catalog(); }
  Result<std::optional<SeedState>> seed() noexcept override { return no_catalog(); }
  Result<PluginTableState> plugin_table() noexcept override { return no_catalog(); }
  Result<std::optional<ArtifactRecord>> artifact(std::string_view, std::string_view) noexcept override {
    return no_catalog();
  }
  Result<std::vector<ArtifactRecord>> artifacts(std::string_view) noexcept override { return no_catalog(); }
  Result<void> check() noexcept override { return ok_result(); }

 private:
  std::shared_ptr<std::shared_ptr<const TenantMap>> state_ =
      std::make_shared<std::shared_ptr<const TenantMap>>(std::make_shared<TenantMap>());
};

}  // namespace

TEST_CASE("conformance: a backend that mixes tenants' rows fails the isolation case", "[storage][conformance]") {
  conf::Backend broken;
  broken.name = "one-bucket";
  broken.new_location = []() -> Result<std::string> { return std::string("one-bucket:"); };
  broken.catalog = false;  // it keeps tenant rows only
  broken.open = [](std::string_view) -> Result<std::unique_ptr<Storage>> {
    return std::unique_ptr<Storage>(std::make_unique<OneBucketStorage>());
  };
  const auto report = conf::run(broken);
  INFO(report.summary());
  CHECK_FALSE(report.ok());
  REQUIRE_FALSE(report.failures.empty());
  for (const auto& f : report.failures) CHECK(f.test == "tenant.isolation");
  CHECK_FALSE(has(report.passed, "tenant.isolation"));
  // Every single-tenant case still passes: the suite tells the two apart.
  for (const char* name : {"tenant.decisions", "tenant.approvals", "tenant.audit", "tenant.config",
                           "tenant.rollouts", "tenant.leases", "tenant.bounds", "tenant.transactions",
                           "tenant.read_transactions"}) {
    CHECK(has(report.passed, name));
  }
  CHECK(report.summary().find("one-bucket: tenant.isolation: FAILED") != std::string::npos);
}

TEST_CASE("conformance: a store without a domain answers kUnimplemented", "[storage][conformance]") {
  // The catalog-only transaction of an embedder that implements no tenant
  // rows: the default accessors give nullptr.
  class CatalogOnly final : public Transaction {
   public:
    Result<void> commit() noexcept override { return ok_result(); }

   protected:
    Result<void> do_put_packument(const Packument&) noexcept override { return ok_result(); }
    Result<void> do_delete_packument(std::string_view) noexcept override { return ok_result(); }
    Result<void> do_put_sync_record(const SyncRecord&) noexcept override { return ok_result(); }
    Result<void> do_replace_plugins(const std::vector<Plugin>&) noexcept override { return ok_result(); }
    Result<void> do_put_release(const Release&) noexcept override { return ok_result(); }
    Result<void> do_put_directory_entry(const DirectoryEntry&) noexcept override { return ok_result(); }
    Result<void> do_put_artifact(const ArtifactRecord&) noexcept override { return ok_result(); }
    Result<void> do_put_seed(const SeedState&) noexcept override { return ok_result(); }
    Result<void> do_put_plugin_build(const PluginBuild&) noexcept override { return ok_result(); }
    Result<void> do_set_plugins_stale(bool) noexcept override { return ok_result(); }
  } txn;
  const auto t = TenantId::parse("acme").value();
  auto r = txn.tenant(t).audit().size();
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::kUnimplemented);
  CHECK(r.error().detail("domain") == "audit");
  CHECK(txn.tenant(t).rollouts().lease("x").error().code == ErrorCode::kUnimplemented);
  CHECK(txn.admin().tenants().error().code == ErrorCode::kUnimplemented);
}
