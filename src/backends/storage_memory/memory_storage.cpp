#include "backends/storage_memory/memory_storage.hpp"

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "backends/guarded.hpp"
#include "backends/search_common.hpp"
#include "backends/storage_memory/memory_tenant.hpp"

namespace callboard::backend::detail {

namespace {

// The plugin table and its search index. Immutable once built, shared by
// readers and swapped whole on commit.
struct PluginIndex {
  std::vector<Plugin> plugins;  // sorted by id; row index = corpus row
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> by_id;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> by_package;
  SearchCorpus corpus;
  TextIndex text;
};

std::shared_ptr<const PluginIndex> build_index(const std::vector<Plugin>& input) {
  auto index = std::make_shared<PluginIndex>();
  const auto order = sorted_by_id(input);
  index->plugins.reserve(order.size());
  SearchCorpusBuilder corpus;
  TextIndexBuilder text;
  for (const Plugin* p : order) {
    const auto row = static_cast<std::uint32_t>(index->plugins.size());
    index->plugins.push_back(*p);
    index->by_id.emplace(p->id, row);
    for (const auto& pkg : p->packages) index->by_package.emplace(pkg.name, row);
    for (const auto& pkg : p->modules) index->by_package.emplace(pkg.name, row);
    corpus.add_plugin(*p);
    text.add_row(row, plugin_search_tokens(*p));
  }
  index->corpus = corpus.finish();
  index->text = text.finish();
  return index;
}

struct Data {
  std::map<std::string, Packument, std::less<>> packuments;
  std::map<std::string, SyncRecord, std::less<>> sync;
  std::map<std::string, Release, std::less<>> releases;
  std::map<std::string, DirectoryEntry, std::less<>> directory;
  std::optional<SeedState> seed;
  PluginTableState plugin_table;
  // Keyed by name, then version.
  std::map<std::string, std::map<std::string, ArtifactRecord, std::less<>>, std::less<>> artifacts;
  std::shared_ptr<const PluginIndex> plugins = std::make_shared<PluginIndex>();
  std::shared_ptr<const TenantMap> tenants = std::make_shared<TenantMap>();
  std::uint64_t plugin_generation = 0;
};

// Shared by a MemoryStorage and its transactions, so that a transaction that
// outlives its storage stays safe.
struct State {
  std::mutex mutex;
  Data data;
  bool transaction_open = false;
};

using Op = std::function<void(Data&)>;

using ArtifactMap = decltype(Data::artifacts);
// The map nodes one put_artifact needs, allocated before commit.
struct ArtifactNode {
  ArtifactMap::node_type name;
  ArtifactMap::mapped_type::node_type version;
};

// A put whose map node is allocated now, so that applying it at commit
// allocates nothing and cannot fail half-way through a transaction.
template <typename Map>
Op make_put(Map Data::*member, std::string key, typename Map::mapped_type value) {
  Map staging;
  staging.emplace(std::move(key), std::move(value));
  auto node = std::make_shared<typename Map::node_type>(staging.extract(staging.begin()));
  return [member, node](Data& d) {
    auto& map = d.*member;
    auto result = map.insert(std::move(*node));
    if (!result.inserted) result.position->second = std::move(result.node.mapped());
  };
}

class MemoryTransaction final : public Transaction {
 public:
  /// `tenants`: the committed tenant map at begin (under the state's lock).
  MemoryTransaction(std::shared_ptr<State> state, TransactionMode mode, std::shared_ptr<const TenantMap> tenants)
      : Transaction(mode), state_(std::move(state)), rows_(std::move(tenants), [this] { return !committed_; }) {}
  ~MemoryTransaction() override {
    // Committed: the storage may already run a newer transaction. A read
    // transaction never held the write slot.
    if (committed_ || mode() == TransactionMode::kRead) return;
    std::lock_guard lock(state_->mutex);
    state_->transaction_open = false;
  }

  Result<void> do_put_packument(const Packument& packument) noexcept override {
    return add("put_packument", [&]() -> Result<void> {
      ops_.push_back(make_put(&Data::packuments, packument.name, packument));
      return ok_result();
    });
  }

  Result<void> do_delete_packument(std::string_view name) noexcept override {
    return add("delete_packument", [&]() -> Result<void> {
      ops_.push_back([n = std::string(name)](Data& d) {
        auto it = d.packuments.find(n);
        if (it != d.packuments.end()) d.packuments.erase(it);
      });
      return ok_result();
    });
  }

  Result<void> do_put_sync_record(const SyncRecord& record) noexcept override {
    return add("put_sync_record", [&]() -> Result<void> {
      ops_.push_back(make_put(&Data::sync, record.name, record));
      return ok_result();
    });
  }

  Result<void> do_replace_plugins(const std::vector<Plugin>& plugins) noexcept override {
    return add("replace_plugins", [&]() -> Result<void> {
      // Built now so that the commit itself cannot fail half-way.
      ops_.push_back([index = build_index(plugins)](Data& d) {
        d.plugins = index;
        ++d.plugin_generation;
      });
      return ok_result();
    });
  }

  Result<void> do_put_release(const Release& release) noexcept override {
    return add("put_release", [&]() -> Result<void> {
      ops_.push_back(make_put(&Data::releases, release.version, release));
      return ok_result();
    });
  }

  Result<void> do_put_directory_entry(const DirectoryEntry& entry) noexcept override {
    return add("put_directory_entry", [&]() -> Result<void> {
      ops_.push_back(make_put(&Data::directory, entry.id, entry));
      return ok_result();
    });
  }

  Result<void> do_put_seed(const SeedState& seed) noexcept override {
    return add("put_seed", [&]() -> Result<void> {
      auto node = std::make_shared<std::optional<SeedState>>(seed);
      ops_.push_back([node](Data& d) { d.seed.swap(*node); });
      return ok_result();
    });
  }

  Result<void> do_put_plugin_build(const PluginBuild& build) noexcept override {
    return add("put_plugin_build", [&]() -> Result<void> {
      ops_.push_back([build](Data& d) { d.plugin_table.last_build = build; });
      return ok_result();
    });
  }

  Result<void> do_set_plugins_stale(bool stale) noexcept override {
    return add("set_plugins_stale", [&]() -> Result<void> {
      ops_.push_back([stale](Data& d) { d.plugin_table.stale = stale; });
      return ok_result();
    });
  }

  Result<void> do_put_artifact(const ArtifactRecord& record) noexcept override {
    return add("put_artifact", [&]() -> Result<void> {
      // The version map's node is allocated now; the outer map may need a
      // node for a new name, allocated now too (empty when not needed).
      auto node = std::make_shared<ArtifactNode>();
      std::map<std::string, ArtifactRecord, std::less<>> staging;
      staging.emplace(record.version, record);
      node->version = staging.extract(staging.begin());
      ArtifactMap outer;
      outer.emplace(record.name, std::map<std::string, ArtifactRecord, std::less<>>{});
      node->name = outer.extract(outer.begin());
      ops_.push_back([node](Data& d) {
        auto it = d.artifacts.find(node->name.key());
        if (it == d.artifacts.end()) it = d.artifacts.insert(std::move(node->name)).position;
        auto result = it->second.insert(std::move(node->version));
        if (!result.inserted) result.position->second = std::move(result.node.mapped());
      });
      return ok_result();
    });
  }

  Result<void> commit() noexcept override {
    return guarded("commit", [&]() -> Result<void> {
      if (auto r = usable("commit"); !r) return r;
      // Every op was fully prepared (allocated) when it was added, so
      // applying them cannot fail half-way.
      if (mode() == TransactionMode::kRead) {
        committed_ = true;  // nothing to publish
        return ok_result();
      }
      std::lock_guard lock(state_->mutex);
      for (auto& op : ops_) op(state_->data);
      ops_.clear();
      if (auto tenants = rows_.written()) state_->data.tenants = std::move(tenants);
      committed_ = true;
      state_->transaction_open = false;
      return ok_result();
    });
  }

 protected:
  DecisionBackend* decision_rows() noexcept override { return &rows_; }
  AuditBackend* audit_rows() noexcept override { return &rows_; }
  ConfigBackend* config_rows() noexcept override { return &rows_; }
  RolloutBackend* rollout_rows() noexcept override { return &rows_; }
  AdminBackend* admin_rows() noexcept override { return &rows_; }

 private:
  Result<void> usable(std::string_view operation) const {
    if (committed_) {
      return make_error(ErrorCode::kFailedPrecondition, "transaction already committed")
          .with("operation", std::string(operation));
    }
    return ok_result();
  }

  template <typename F>
  Result<void> add(std::string_view operation, F&& body) noexcept {
    return guarded(operation, [&]() -> Result<void> {
      if (auto r = usable(operation); !r) return r;
      return body();
    });
  }

  std::shared_ptr<State> state_;
  std::vector<Op> ops_;
  bool committed_ = false;
  MemoryTenantRows rows_;
};

template <typename Map>
auto find_copy(const Map& map, std::string_view key) -> std::optional<typename Map::mapped_type> {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

class MemoryStorage final : public Storage {
 public:
  MemoryStorage() : state_(std::make_shared<State>()) {}

  Result<std::unique_ptr<Transaction>> begin(TransactionMode mode) noexcept override {
    return guarded("begin", [&]() -> Result<std::unique_ptr<Transaction>> {
      std::lock_guard lock(state_->mutex);
      if (mode == TransactionMode::kRead) {
        // Reads the committed tenant map, immutable: any number may be open.
        return std::unique_ptr<Transaction>(std::make_unique<MemoryTransaction>(state_, mode, state_->data.tenants));
      }
      if (state_->transaction_open) {
        return make_error(ErrorCode::kFailedPrecondition,
                          "a transaction is already open on this storage object (one at a time)");
      }
      auto txn = std::make_unique<MemoryTransaction>(state_, mode, state_->data.tenants);
      state_->transaction_open = true;
      return std::unique_ptr<Transaction>(std::move(txn));
    });
  }

  Result<std::optional<Packument>> packument(std::string_view name) noexcept override {
    return read("packument", [&](const Data& d) -> Result<std::optional<Packument>> {
      return find_copy(d.packuments, name);
    });
  }

  Result<std::vector<std::string>> package_names() noexcept override {
    return read("package_names", [&](const Data& d) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      out.reserve(d.packuments.size());
      for (const auto& [name, p] : d.packuments) out.push_back(name);
      return out;
    });
  }

  Result<std::optional<SyncRecord>> sync_record(std::string_view name) noexcept override {
    return read("sync_record", [&](const Data& d) -> Result<std::optional<SyncRecord>> {
      return find_copy(d.sync, name);
    });
  }

  Result<std::vector<SyncRecord>> sync_records() noexcept override {
    return read("sync_records", [&](const Data& d) -> Result<std::vector<SyncRecord>> {
      std::vector<SyncRecord> out;
      out.reserve(d.sync.size());
      for (const auto& [name, r] : d.sync) out.push_back(r);
      return out;
    });
  }

  Result<std::optional<Plugin>> plugin(std::string_view id) noexcept override {
    return read("plugin", [&](const Data& d) -> Result<std::optional<Plugin>> {
      auto it = d.plugins->by_id.find(id);
      if (it == d.plugins->by_id.end()) return std::optional<Plugin>{};
      return std::optional<Plugin>{d.plugins->plugins[it->second]};
    });
  }

  Result<std::optional<Plugin>> plugin_for_package(std::string_view package_name) noexcept override {
    return read("plugin_for_package", [&](const Data& d) -> Result<std::optional<Plugin>> {
      auto it = d.plugins->by_package.find(package_name);
      if (it == d.plugins->by_package.end()) return std::optional<Plugin>{};
      return std::optional<Plugin>{d.plugins->plugins[it->second]};
    });
  }

  Result<std::vector<std::string>> plugin_ids() noexcept override {
    return read("plugin_ids", [&](const Data& d) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      out.reserve(d.plugins->plugins.size());
      for (const auto& p : d.plugins->plugins) out.push_back(p.id);
      return out;
    });
  }

  Result<std::uint64_t> plugin_generation() noexcept override {
    return read("plugin_generation", [&](const Data& d) -> Result<std::uint64_t> { return d.plugin_generation; });
  }

  Result<SearchPage> search(const SearchQuery& query) noexcept override {
    return guarded("search", [&]() -> Result<SearchPage> {
      std::shared_ptr<const PluginIndex> index;
      {
        std::lock_guard lock(state_->mutex);
        index = state_->data.plugins;
      }
      // The index is immutable: search it without holding the lock.
      const auto terms = query_terms(query.text);
      std::vector<TextMatch> matches;
      if (!terms.empty()) matches = index->text.match(terms);
      RankedPage ranked = rank_and_facet(index->corpus, query, terms.empty() ? nullptr : &matches);
      SearchPage page;
      page.total = ranked.total;
      page.facets = std::move(ranked.facets);
      page.hits.reserve(ranked.hits.size());
      for (const auto& h : ranked.hits) page.hits.push_back({index->plugins[h.doc], h.relevance});
      return page;
    });
  }

  Result<std::optional<Release>> release(std::string_view version) noexcept override {
    return read("release", [&](const Data& d) -> Result<std::optional<Release>> {
      return find_copy(d.releases, version);
    });
  }

  Result<std::vector<std::string>> release_versions() noexcept override {
    return read("release_versions", [&](const Data& d) -> Result<std::vector<std::string>> {
      std::vector<std::string> out;
      out.reserve(d.releases.size());
      for (const auto& [v, r] : d.releases) out.push_back(v);
      sort_release_versions(out);
      return out;
    });
  }

  Result<std::optional<DirectoryEntry>> directory_entry(std::string_view id) noexcept override {
    return read("directory_entry", [&](const Data& d) -> Result<std::optional<DirectoryEntry>> {
      return find_copy(d.directory, id);
    });
  }

  Result<std::vector<DirectoryEntry>> directory_entries() noexcept override {
    return read("directory_entries", [&](const Data& d) -> Result<std::vector<DirectoryEntry>> {
      std::vector<DirectoryEntry> out;
      out.reserve(d.directory.size());
      for (const auto& [id, e] : d.directory) out.push_back(e);
      return out;
    });
  }

  Result<std::optional<SeedState>> seed() noexcept override {
    return read("seed", [&](const Data& d) -> Result<std::optional<SeedState>> { return d.seed; });
  }

  Result<PluginTableState> plugin_table() noexcept override {
    return read("plugin_table", [&](const Data& d) -> Result<PluginTableState> { return d.plugin_table; });
  }

  Result<std::optional<ArtifactRecord>> artifact(std::string_view name, std::string_view version) noexcept override {
    return read("artifact", [&](const Data& d) -> Result<std::optional<ArtifactRecord>> {
      auto it = d.artifacts.find(name);
      if (it == d.artifacts.end()) return std::optional<ArtifactRecord>{};
      return find_copy(it->second, version);
    });
  }

  Result<std::vector<ArtifactRecord>> artifacts(std::string_view name) noexcept override {
    return read("artifacts", [&](const Data& d) -> Result<std::vector<ArtifactRecord>> {
      std::vector<ArtifactRecord> out;
      auto it = d.artifacts.find(name);
      if (it == d.artifacts.end()) return out;
      out.reserve(it->second.size());
      for (const auto& [version, record] : it->second) out.push_back(record);
      sort_artifacts_by_version(out);
      return out;
    });
  }

  Result<void> check() noexcept override {
    return read("check", [&](const Data& d) -> Result<void> {
      const auto& ix = *d.plugins;
      const auto n = ix.plugins.size();
      if (ix.corpus.docs.size() != n || ix.text.rows() != n || ix.by_id.size() != n) {
        return make_error(ErrorCode::kDataLoss, "search index size differs from the plugin table");
      }
      for (const auto& [pkg, row] : ix.by_package) {
        if (row >= n) return make_error(ErrorCode::kDataLoss, "package maps to a missing plugin").with("package", pkg);
      }
      return ok_result();
    });
  }

 private:
  template <typename F>
  auto read(std::string_view operation, F&& body) noexcept -> decltype(body(std::declval<const Data&>())) {
    return guarded(operation, [&]() -> decltype(body(std::declval<const Data&>())) {
      std::lock_guard lock(state_->mutex);
      return body(state_->data);
    });
  }

  std::shared_ptr<State> state_;
};

}  // namespace

Result<std::unique_ptr<Storage>> open_memory_storage(std::string_view url) noexcept {
  return guarded("open", [&]() -> Result<std::unique_ptr<Storage>> {
    const std::string lowered = ascii_lower(url);
    if (lowered != "memory:" && lowered != "memory://") {
      return make_error(ErrorCode::kInvalidArgument, "a memory storage URL is exactly 'memory:'");
    }
    return std::unique_ptr<Storage>(std::make_unique<MemoryStorage>());
  });
}

}  // namespace callboard::backend::detail
