// A storage backend written outside callboard, against its public headers
// only, and checked by callboard's conformance suite.
//
// It keeps the tenant-scoped stores (decisions, approvals, audit,
// configuration, rollouts, leases) in this process's memory: a write
// transaction works on a copy of the committed state and swaps it in at
// commit; a read transaction keeps the state it began with. The rules of
// each store (revisions, idempotency keys, append positions, lease tokens,
// input bounds) are callboard's: this file only keeps rows, every lookup
// keyed by tenant first. The package catalog answers kUnimplemented: it is
// not part of what this example shows.
//
// Build it against an installed callboard (see CMakeLists.txt) and run it:
// it prints the suite's report and exits 0 when every case passed.

#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "callboard/backend/conformance.hpp"
#include "callboard/backend/storage.hpp"
#include "callboard/backend/tenant.hpp"

namespace example {

using namespace callboard;
using namespace callboard::backend;

// One tenant's rows.
struct Rows {
  std::map<std::string, DecisionRecord, std::less<>> decisions;
  std::map<std::string, ApprovalRequest, std::less<>> approvals;
  std::vector<AuditEntry> audit;
  std::map<std::uint64_t, AuditCheckpoint> checkpoints;
  std::map<std::string, std::vector<ConfigRevision>, std::less<>> config;  // revision n at n - 1
  std::map<std::string, RolloutRecord, std::less<>> rollouts;
  std::map<std::string, std::vector<StepRecord>, std::less<>> steps;
  std::map<std::string, Lease, std::less<>> leases;
};

using State = std::map<std::string, Rows, std::less<>>;  // by tenant

// Every lookup goes through rows(tenant) or writable(tenant): no method
// reaches another tenant's rows by accident.
class TenantRows final : public DecisionBackend,
                         public AuditBackend,
                         public ConfigBackend,
                         public RolloutBackend,
                         public AdminBackend {
 public:
  TenantRows(std::shared_ptr<State> state, const bool* closed) : state_(std::move(state)), closed_(closed) {}

  Result<std::optional<DecisionRecord>> get_decision(const TenantId& t, std::string_view id) noexcept override {
    return call([&]() -> Result<std::optional<DecisionRecord>> {
      return find(rows(t).decisions, id);
    });
  }
  Result<void> insert_decision(const TenantId& t, const DecisionRecord& d) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] { writable(t).decisions.emplace(d.id, d); });
    });
  }
  Result<std::vector<DecisionRecord>> list_decisions(const TenantId& t, const std::optional<PageCursor>& after,
                                                     std::size_t limit) noexcept override {
    return call([&]() -> Result<std::vector<DecisionRecord>> {
      return page(rows(t).decisions, after, limit, [](const DecisionRecord& d) { return std::tie(d.at, d.id); });
    });
  }
  Result<std::optional<ApprovalRequest>> get_approval(const TenantId& t, std::string_view id) noexcept override {
    return call([&]() -> Result<std::optional<ApprovalRequest>> {
      return find(rows(t).approvals, id);
    });
  }
  Result<std::optional<ApprovalRequest>> find_approval_by_key(const TenantId& t,
                                                              std::string_view key) noexcept override {
    return call([&]() -> Result<std::optional<ApprovalRequest>> {
      for (const auto& [id, a] : rows(t).approvals) {
        if (a.idempotency_key == key) return std::optional<ApprovalRequest>(a);
      }
      return std::optional<ApprovalRequest>();
    });
  }
  Result<void> put_approval(const TenantId& t, const ApprovalRequest& a) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] { writable(t).approvals[a.id] = a; });
    });
  }
  Result<std::vector<ApprovalRequest>> list_approvals(const TenantId& t, std::optional<ApprovalState> state,
                                                      const std::optional<PageCursor>& after,
                                                      std::size_t limit) noexcept override {
    return call([&]() -> Result<std::vector<ApprovalRequest>> {
      std::map<std::string, ApprovalRequest, std::less<>> matching;
      for (const auto& [id, a] : rows(t).approvals) {
        if (!state || a.state == *state) matching.emplace(id, a);
      }
      return page(matching, after, limit, [](const ApprovalRequest& a) { return std::tie(a.created, a.id); });
    });
  }

  Result<std::uint64_t> audit_size(const TenantId& t) noexcept override {
    return call([&]() -> Result<std::uint64_t> { return std::uint64_t{rows(t).audit.size()}; });
  }
  Result<void> append_audit(const TenantId& t, std::span<const AuditEntry> entries) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] {
        auto& log = writable(t).audit;
        log.insert(log.end(), entries.begin(), entries.end());
      });
    });
  }
  Result<std::vector<AuditEntry>> read_audit(const TenantId& t, std::uint64_t from, std::size_t count) noexcept override {
    return call([&]() -> Result<std::vector<AuditEntry>> {
      const auto& log = rows(t).audit;
      std::vector<AuditEntry> out;
      for (auto i = from; i < log.size() && out.size() < count; ++i) out.push_back(log[i]);
      return out;
    });
  }
  Result<void> insert_checkpoint(const TenantId& t, const AuditCheckpoint& c) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] { writable(t).checkpoints[c.size] = c; });
    });
  }
  Result<std::optional<AuditCheckpoint>> latest_checkpoint(const TenantId& t) noexcept override {
    return call([&]() -> Result<std::optional<AuditCheckpoint>> {
      const auto& all = rows(t).checkpoints;
      if (all.empty()) return std::optional<AuditCheckpoint>();
      return std::optional<AuditCheckpoint>(all.rbegin()->second);
    });
  }
  Result<std::optional<AuditCheckpoint>> get_checkpoint(const TenantId& t, std::uint64_t size) noexcept override {
    return call([&]() -> Result<std::optional<AuditCheckpoint>> {
      const auto& all = rows(t).checkpoints;
      auto it = all.find(size);
      if (it == all.end()) return std::optional<AuditCheckpoint>();
      return std::optional<AuditCheckpoint>(it->second);
    });
  }

  Result<std::optional<ConfigRevision>> latest_config(const TenantId& t, std::string_view key) noexcept override {
    return call([&]() -> Result<std::optional<ConfigRevision>> {
      const auto& config = rows(t).config;
      auto it = config.find(key);
      if (it == config.end()) return std::optional<ConfigRevision>();
      return std::optional<ConfigRevision>(it->second.back());
    });
  }
  Result<std::optional<ConfigRevision>> get_config(const TenantId& t, std::string_view key,
                                                   std::uint64_t revision) noexcept override {
    return call([&]() -> Result<std::optional<ConfigRevision>> {
      const auto& config = rows(t).config;
      auto it = config.find(key);
      if (it == config.end() || revision == 0 || revision > it->second.size()) return std::optional<ConfigRevision>();
      return std::optional<ConfigRevision>(it->second[revision - 1]);
    });
  }
  Result<void> insert_config(const TenantId& t, const ConfigRevision& r) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] { writable(t).config[r.key].push_back(r); });
    });
  }
  Result<std::vector<std::string>> live_config_keys(const TenantId& t) noexcept override {
    return call([&]() -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      for (const auto& [key, revisions] : rows(t).config) {
        if (!revisions.back().removed) out.push_back(key);
      }
      return out;
    });
  }
  Result<std::vector<ConfigRevision>> config_history(const TenantId& t, std::string_view key, std::uint64_t before,
                                                     std::size_t limit) noexcept override {
    return call([&]() -> Result<std::vector<ConfigRevision>> {
      std::vector<ConfigRevision> out;
      const auto& config = rows(t).config;
      auto it = config.find(key);
      if (it == config.end()) return out;
      for (auto r = it->second.rbegin(); r != it->second.rend() && out.size() < limit; ++r) {
        if (before == 0 || r->revision < before) out.push_back(*r);
      }
      return out;
    });
  }

  Result<std::optional<RolloutRecord>> get_rollout(const TenantId& t, std::string_view id) noexcept override {
    return call([&]() -> Result<std::optional<RolloutRecord>> {
      return find(rows(t).rollouts, id);
    });
  }
  Result<void> put_rollout(const TenantId& t, const RolloutRecord& r) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] { writable(t).rollouts[r.id] = r; });
    });
  }
  Result<std::vector<RolloutRecord>> list_rollouts(const TenantId& t, bool include_finished) noexcept override {
    return call([&]() -> Result<std::vector<RolloutRecord>> {
      std::vector<RolloutRecord> out;
      for (const auto& [id, r] : rows(t).rollouts) {
        if (include_finished || !r.finished) out.push_back(r);
      }
      return out;
    });
  }
  Result<std::optional<StepRecord>> get_step(const TenantId& t, std::string_view rollout_id,
                                             std::string_view step) noexcept override {
    return call([&]() -> Result<std::optional<StepRecord>> {
      const auto& steps = rows(t).steps;
      auto it = steps.find(rollout_id);
      if (it != steps.end()) {
        for (const auto& s : it->second) {
          if (s.step == step) return std::optional<StepRecord>(s);
        }
      }
      return std::optional<StepRecord>();
    });
  }
  Result<void> insert_step(const TenantId& t, const StepRecord& s) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] { writable(t).steps[s.rollout_id].push_back(s); });
    });
  }
  Result<std::vector<StepRecord>> list_steps(const TenantId& t, std::string_view rollout_id) noexcept override {
    return call([&]() -> Result<std::vector<StepRecord>> {
      const auto& steps = rows(t).steps;
      auto it = steps.find(rollout_id);
      if (it == steps.end()) return std::vector<StepRecord>();
      return it->second;
    });
  }
  Result<std::optional<Lease>> get_lease(const TenantId& t, std::string_view name) noexcept override {
    return call([&]() -> Result<std::optional<Lease>> {
      return find(rows(t).leases, name);
    });
  }
  Result<void> put_lease(const TenantId& t, const Lease& l) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] { writable(t).leases[l.name] = l; });
    });
  }

  Result<std::vector<std::string>> list_tenants() noexcept override {
    return call([&]() -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      for (const auto& [tenant, r] : *state_) out.push_back(tenant);
      return out;
    });
  }
  Result<void> purge_tenant(const TenantId& t) noexcept override {
    return call([&]() -> Result<void> {
      return write([&] { state_->erase(t.str()); });
    });
  }

 private:
  // Every call: refused once the transaction ended, and no exception out.
  template <typename F>
  auto call(F&& body) noexcept -> decltype(body()) {
    if (*closed_) return make_error(ErrorCode::kFailedPrecondition, "the transaction has ended");
    try {
      return body();
    } catch (const std::exception& e) {
      return make_error(ErrorCode::kResourceExhausted, e.what());
    }
  }

  // A tenant's rows to read: an absent tenant reads as empty rows.
  const Rows& rows(const TenantId& t) const {
    static const Rows none;
    auto it = state_->find(t.str());
    return it == state_->end() ? none : it->second;
  }
  // ... and to write: created on first write.
  Rows& writable(const TenantId& t) { return (*state_)[t.str()]; }

  template <typename F>
  static Result<void> write(F&& body) {
    body();
    return ok_result();
  }

  template <typename Map>
  static auto find(const Map& map, std::string_view key) -> Result<std::optional<typename Map::mapped_type>> {
    auto it = map.find(key);
    if (it == map.end()) return std::optional<typename Map::mapped_type>();
    return std::optional<typename Map::mapped_type>(it->second);
  }

  template <typename Map, typename Key>
  static auto page(const Map& map, const std::optional<PageCursor>& after, std::size_t limit, Key key)
      -> Result<std::vector<typename Map::mapped_type>> {
    std::vector<typename Map::mapped_type> rows;
    for (const auto& [id, row] : map) {
      if (!after || key(row) > std::tie(after->at, after->id)) rows.push_back(row);
    }
    std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
    if (rows.size() > limit) rows.resize(limit);
    return rows;
  }

  std::shared_ptr<State> state_;
  const bool* closed_;
};

Error no_catalog() {
  return make_error(ErrorCode::kUnimplemented, "the example backend keeps the tenant stores only");
}

struct Shared {
  std::mutex mutex;
  std::shared_ptr<const State> committed = std::make_shared<State>();
  bool writing = false;
};

class ExampleTransaction final : public Transaction {
 public:
  ExampleTransaction(std::shared_ptr<Shared> shared, TransactionMode mode, std::shared_ptr<State> working)
      : Transaction(mode), shared_(std::move(shared)), working_(std::move(working)) {}
  ~ExampleTransaction() override {
    if (mode() == TransactionMode::kWrite && !done_) {
      std::lock_guard lock(shared_->mutex);
      shared_->writing = false;
    }
  }

  Result<void> commit() noexcept override {
    if (done_) return make_error(ErrorCode::kFailedPrecondition, "transaction already committed");
    done_ = true;
    if (mode() == TransactionMode::kWrite) {
      std::lock_guard lock(shared_->mutex);
      shared_->committed = working_;
      shared_->writing = false;
    }
    return ok_result();
  }

 protected:
  DecisionBackend* decision_rows() noexcept override { return &rows_; }
  AuditBackend* audit_rows() noexcept override { return &rows_; }
  ConfigBackend* config_rows() noexcept override { return &rows_; }
  RolloutBackend* rollout_rows() noexcept override { return &rows_; }
  AdminBackend* admin_rows() noexcept override { return &rows_; }

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

 private:
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<State> working_;
  bool done_ = false;
  TenantRows rows_{working_, &done_};
};

class ExampleStorage final : public Storage {
 public:
  Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) noexcept override {
    std::lock_guard lock(shared_->mutex);
    if (mode == TransactionMode::kWrite) {
      if (shared_->writing) {
        return make_error(ErrorCode::kFailedPrecondition, "a write transaction is already open");
      }
      shared_->writing = true;
    }
    // Every transaction works on its own copy of the committed state: the
    // simplest snapshot (O(data) per transaction; a real backend shares).
    // callboard's stores refuse the writes of a read transaction before
    // they get here, so a reader's copy never changes.
    auto working = std::make_shared<State>(*shared_->committed);
    return std::unique_ptr<Transaction>(std::make_unique<ExampleTransaction>(shared_, mode, std::move(working)));
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
  std::shared_ptr<Shared> shared_ = std::make_shared<Shared>();
};

}  // namespace example

int main() {
  using namespace callboard::backend;
  // A host registers its backend by scheme, next to the built-in ones.
  BackendRegistry registry;
  register_builtin_backends(registry);
  registry.register_storage("example", [](std::string_view, const StorageOpenOptions&) {
    return callboard::Result<std::unique_ptr<Storage>>(std::make_unique<example::ExampleStorage>());
  });

  conformance::Backend backend;
  backend.name = "example";
  backend.new_location = []() -> callboard::Result<std::string> { return std::string("example:"); };
  backend.open = [&registry](std::string_view url) { return registry.open_storage(url); };
  backend.shared = false;   // one process's memory: each open is a new store
  backend.catalog = false;  // tenant stores only: the catalog cases are skipped

  const auto report = conformance::run(backend);
  std::cout << report.summary();
  return report.ok() ? 0 : 1;
}
