#include "backends/storage_memory/memory_tenant.hpp"

#include <algorithm>
#include <tuple>

#include "backends/guarded.hpp"

namespace callboard::backend::detail {

namespace {

const TenantTables& empty_tables() {
  static const TenantTables empty;
  return empty;
}

template <typename Map>
auto find_copy(const Map& map, std::string_view key) -> std::optional<typename Map::mapped_type> {
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

bool after_cursor(Timestamp at, const std::string& id, const std::optional<PageCursor>& cursor) {
  return !cursor || std::tie(at, id) > std::tie(cursor->at, cursor->id);
}

bool empty(const TenantTables& t) {
  return t.decisions.empty() && t.approvals.empty() && t.audit.empty() && t.checkpoints.empty() && t.config.empty() &&
         t.rollouts.empty() && t.steps.empty() && t.leases.empty();
}

}  // namespace

Result<void> MemoryTenantRows::open(std::string_view operation) const {
  if (!usable_()) {
    return make_error(ErrorCode::kFailedPrecondition, "transaction already committed")
        .with("operation", std::string(operation));
  }
  return ok_result();
}

template <typename F>
auto MemoryTenantRows::read(std::string_view operation, const TenantId& t, F&& body) noexcept
    -> decltype(body(std::declval<const TenantTables&>())) {
  return guarded(operation, [&]() -> decltype(body(std::declval<const TenantTables&>())) {
    if (auto r = open(operation); !r) return std::move(r).error();
    const auto& map = view();
    auto it = map.find(t.str());
    return body(it == map.end() ? empty_tables() : *it->second);
  });
}

template <typename F>
Result<void> MemoryTenantRows::write(std::string_view operation, const TenantId& t, F&& body) noexcept {
  return guarded(operation, [&]() -> Result<void> {
    if (auto r = open(operation); !r) return r;
    if (!working_) working_ = std::make_shared<TenantMap>(*committed_);
    auto owned = owned_.find(t.str());
    if (owned == owned_.end()) {
      auto it = working_->find(t.str());
      auto copy = it == working_->end() ? std::make_shared<TenantTables>() : std::make_shared<TenantTables>(*it->second);
      (*working_)[t.str()] = copy;
      owned = owned_.emplace(t.str(), std::move(copy)).first;
    }
    // A body that throws half-way (allocation) may leave its tenant's
    // tables changed in part: only within this transaction, which the
    // caller then abandons.
    body(*owned->second);
    written_ = true;
    return ok_result();
  });
}

// Decisions and approvals

Result<std::optional<DecisionRecord>> MemoryTenantRows::get_decision(const TenantId& t, std::string_view id) noexcept {
  return read("get_decision", t, [&](const TenantTables& d) -> Result<std::optional<DecisionRecord>> {
    return find_copy(d.decisions, id);
  });
}

Result<void> MemoryTenantRows::insert_decision(const TenantId& t, const DecisionRecord& d) noexcept {
  return write("insert_decision", t, [&](TenantTables& tables) { tables.decisions.emplace(d.id, d); });
}

Result<std::vector<DecisionRecord>> MemoryTenantRows::list_decisions(const TenantId& t,
                                                                     const std::optional<PageCursor>& after,
                                                                     std::size_t limit) noexcept {
  return read("list_decisions", t, [&](const TenantTables& d) -> Result<std::vector<DecisionRecord>> {
    std::vector<const DecisionRecord*> rows;
    for (const auto& [id, r] : d.decisions) {
      if (after_cursor(r.at, r.id, after)) rows.push_back(&r);
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto* a, const auto* b) { return std::tie(a->at, a->id) < std::tie(b->at, b->id); });
    std::vector<DecisionRecord> out;
    for (std::size_t i = 0; i < rows.size() && i < limit; ++i) out.push_back(*rows[i]);
    return out;
  });
}

Result<std::optional<ApprovalRequest>> MemoryTenantRows::get_approval(const TenantId& t, std::string_view id) noexcept {
  return read("get_approval", t, [&](const TenantTables& d) -> Result<std::optional<ApprovalRequest>> {
    return find_copy(d.approvals, id);
  });
}

Result<std::optional<ApprovalRequest>> MemoryTenantRows::find_approval_by_key(const TenantId& t,
                                                                              std::string_view key) noexcept {
  return read("find_approval_by_key", t, [&](const TenantTables& d) -> Result<std::optional<ApprovalRequest>> {
    for (const auto& [id, a] : d.approvals) {
      if (a.idempotency_key == key) return std::optional<ApprovalRequest>(a);
    }
    return std::optional<ApprovalRequest>();
  });
}

Result<void> MemoryTenantRows::put_approval(const TenantId& t, const ApprovalRequest& a) noexcept {
  return write("put_approval", t, [&](TenantTables& tables) { tables.approvals[a.id] = a; });
}

Result<std::vector<ApprovalRequest>> MemoryTenantRows::list_approvals(const TenantId& t,
                                                                      std::optional<ApprovalState> state,
                                                                      const std::optional<PageCursor>& after,
                                                                      std::size_t limit) noexcept {
  return read("list_approvals", t, [&](const TenantTables& d) -> Result<std::vector<ApprovalRequest>> {
    std::vector<const ApprovalRequest*> rows;
    for (const auto& [id, a] : d.approvals) {
      if ((!state || a.state == *state) && after_cursor(a.created, a.id, after)) rows.push_back(&a);
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto* a, const auto* b) { return std::tie(a->created, a->id) < std::tie(b->created, b->id); });
    std::vector<ApprovalRequest> out;
    for (std::size_t i = 0; i < rows.size() && i < limit; ++i) out.push_back(*rows[i]);
    return out;
  });
}

// Audit

Result<std::uint64_t> MemoryTenantRows::audit_size(const TenantId& t) noexcept {
  return read("audit_size", t,
              [&](const TenantTables& d) -> Result<std::uint64_t> { return std::uint64_t{d.audit.size()}; });
}

Result<void> MemoryTenantRows::append_audit(const TenantId& t, std::span<const AuditEntry> entries) noexcept {
  return write("append_audit", t,
               [&](TenantTables& tables) { tables.audit.insert(tables.audit.end(), entries.begin(), entries.end()); });
}

Result<std::vector<AuditEntry>> MemoryTenantRows::read_audit(const TenantId& t, std::uint64_t from,
                                                             std::size_t count) noexcept {
  return read("read_audit", t, [&](const TenantTables& d) -> Result<std::vector<AuditEntry>> {
    std::vector<AuditEntry> out;
    for (std::uint64_t i = from; i < d.audit.size() && out.size() < count; ++i) out.push_back(d.audit[i]);
    return out;
  });
}

Result<void> MemoryTenantRows::insert_checkpoint(const TenantId& t, const AuditCheckpoint& c) noexcept {
  return write("insert_checkpoint", t, [&](TenantTables& tables) { tables.checkpoints[c.size] = c; });
}

Result<std::optional<AuditCheckpoint>> MemoryTenantRows::latest_checkpoint(const TenantId& t) noexcept {
  return read("latest_checkpoint", t, [&](const TenantTables& d) -> Result<std::optional<AuditCheckpoint>> {
    if (d.checkpoints.empty()) return std::optional<AuditCheckpoint>();
    return std::optional<AuditCheckpoint>(d.checkpoints.rbegin()->second);
  });
}

Result<std::optional<AuditCheckpoint>> MemoryTenantRows::get_checkpoint(const TenantId& t, std::uint64_t size) noexcept {
  return read("get_checkpoint", t, [&](const TenantTables& d) -> Result<std::optional<AuditCheckpoint>> {
    auto it = d.checkpoints.find(size);
    if (it == d.checkpoints.end()) return std::optional<AuditCheckpoint>();
    return std::optional<AuditCheckpoint>(it->second);
  });
}

// Configuration

Result<std::optional<ConfigRevision>> MemoryTenantRows::latest_config(const TenantId& t, std::string_view key) noexcept {
  return read("latest_config", t, [&](const TenantTables& d) -> Result<std::optional<ConfigRevision>> {
    auto it = d.config.find(key);
    if (it == d.config.end() || it->second.empty()) return std::optional<ConfigRevision>();
    return std::optional<ConfigRevision>(it->second.back());
  });
}

Result<std::optional<ConfigRevision>> MemoryTenantRows::get_config(const TenantId& t, std::string_view key,
                                                                   std::uint64_t revision) noexcept {
  return read("get_config", t, [&](const TenantTables& d) -> Result<std::optional<ConfigRevision>> {
    auto it = d.config.find(key);
    if (it == d.config.end() || revision == 0 || revision > it->second.size()) return std::optional<ConfigRevision>();
    return std::optional<ConfigRevision>(it->second[revision - 1]);
  });
}

Result<void> MemoryTenantRows::insert_config(const TenantId& t, const ConfigRevision& r) noexcept {
  return write("insert_config", t, [&](TenantTables& tables) { tables.config[r.key].push_back(r); });
}

Result<std::vector<std::string>> MemoryTenantRows::live_config_keys(const TenantId& t) noexcept {
  return read("live_config_keys", t, [&](const TenantTables& d) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const auto& [key, revisions] : d.config) {
      if (!revisions.empty() && !revisions.back().removed) out.push_back(key);
    }
    return out;
  });
}

Result<std::vector<ConfigRevision>> MemoryTenantRows::config_history(const TenantId& t, std::string_view key,
                                                                     std::uint64_t before, std::size_t limit) noexcept {
  return read("config_history", t, [&](const TenantTables& d) -> Result<std::vector<ConfigRevision>> {
    std::vector<ConfigRevision> out;
    auto it = d.config.find(key);
    if (it == d.config.end()) return out;
    for (auto r = it->second.rbegin(); r != it->second.rend() && out.size() < limit; ++r) {
      if (before == 0 || r->revision < before) out.push_back(*r);
    }
    return out;
  });
}

// Rollouts and leases

Result<std::optional<RolloutRecord>> MemoryTenantRows::get_rollout(const TenantId& t, std::string_view id) noexcept {
  return read("get_rollout", t,
              [&](const TenantTables& d) -> Result<std::optional<RolloutRecord>> { return find_copy(d.rollouts, id); });
}

Result<void> MemoryTenantRows::put_rollout(const TenantId& t, const RolloutRecord& r) noexcept {
  return write("put_rollout", t, [&](TenantTables& tables) { tables.rollouts[r.id] = r; });
}

Result<std::vector<RolloutRecord>> MemoryTenantRows::list_rollouts(const TenantId& t, bool include_finished) noexcept {
  return read("list_rollouts", t, [&](const TenantTables& d) -> Result<std::vector<RolloutRecord>> {
    std::vector<RolloutRecord> out;
    for (const auto& [id, r] : d.rollouts) {
      if (include_finished || !r.finished) out.push_back(r);
    }
    return out;
  });
}

Result<std::optional<StepRecord>> MemoryTenantRows::get_step(const TenantId& t, std::string_view rollout_id,
                                                             std::string_view step) noexcept {
  return read("get_step", t, [&](const TenantTables& d) -> Result<std::optional<StepRecord>> {
    auto it = d.steps.find(rollout_id);
    if (it == d.steps.end()) return std::optional<StepRecord>();
    for (const auto& s : it->second) {
      if (s.step == step) return std::optional<StepRecord>(s);
    }
    return std::optional<StepRecord>();
  });
}

Result<void> MemoryTenantRows::insert_step(const TenantId& t, const StepRecord& s) noexcept {
  return write("insert_step", t, [&](TenantTables& tables) { tables.steps[s.rollout_id].push_back(s); });
}

Result<std::vector<StepRecord>> MemoryTenantRows::list_steps(const TenantId& t, std::string_view rollout_id) noexcept {
  return read("list_steps", t, [&](const TenantTables& d) -> Result<std::vector<StepRecord>> {
    auto it = d.steps.find(rollout_id);
    if (it == d.steps.end()) return std::vector<StepRecord>();
    return it->second;
  });
}

Result<std::optional<Lease>> MemoryTenantRows::get_lease(const TenantId& t, std::string_view name) noexcept {
  return read("get_lease", t,
              [&](const TenantTables& d) -> Result<std::optional<Lease>> { return find_copy(d.leases, name); });
}

Result<void> MemoryTenantRows::put_lease(const TenantId& t, const Lease& l) noexcept {
  return write("put_lease", t, [&](TenantTables& tables) { tables.leases[l.name] = l; });
}

// Administration

Result<std::vector<std::string>> MemoryTenantRows::list_tenants() noexcept {
  return guarded("list_tenants", [&]() -> Result<std::vector<std::string>> {
    if (auto r = open("list_tenants"); !r) return std::move(r).error();
    std::vector<std::string> out;
    for (const auto& [name, tables] : view()) {
      if (!empty(*tables)) out.push_back(name);
    }
    return out;
  });
}

Result<void> MemoryTenantRows::purge_tenant(const TenantId& t) noexcept {
  return guarded("purge_tenant", [&]() -> Result<void> {
    if (auto r = open("purge_tenant"); !r) return r;
    if (!working_) working_ = std::make_shared<TenantMap>(*committed_);
    owned_.erase(t.str());
    working_->erase(t.str());
    written_ = true;
    return ok_result();
  });
}

}  // namespace callboard::backend::detail
