#pragma once
// The memory backend's tenant rows (callboard/backend/tenant.hpp).
//
// Committed tenant data is an immutable map of immutable per-tenant tables,
// shared by the storage and its readers. A transaction works on a copy of
// the map (shared pointers: O(tenants)); the first write to a tenant copies
// that tenant's tables (O(its rows)). commit() swaps the map in with one
// pointer assignment, which cannot fail.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "callboard/backend/tenant.hpp"

namespace callboard::backend::detail {

struct TenantTables {
  std::map<std::string, DecisionRecord, std::less<>> decisions;
  std::map<std::string, ApprovalRequest, std::less<>> approvals;
  std::vector<AuditEntry> audit;
  std::map<std::uint64_t, AuditCheckpoint> checkpoints;
  /// Every revision of a key, in revision order (revision n at n - 1).
  std::map<std::string, std::vector<ConfigRevision>, std::less<>> config;
  std::map<std::string, RolloutRecord, std::less<>> rollouts;
  /// Steps of each rollout in the order they were recorded.
  std::map<std::string, std::vector<StepRecord>, std::less<>> steps;
  std::map<std::string, Lease, std::less<>> leases;
};

using TenantMap = std::map<std::string, std::shared_ptr<const TenantTables>, std::less<>>;

class MemoryTenantRows final : public DecisionBackend,
                               public AuditBackend,
                               public ConfigBackend,
                               public RolloutBackend,
                               public AdminBackend {
 public:
  /// `committed` is the committed map when the transaction began (its
  /// snapshot); `usable` says whether the transaction is still open.
  MemoryTenantRows(std::shared_ptr<const TenantMap> committed, std::function<bool()> usable)
      : committed_(std::move(committed)), usable_(std::move(usable)) {}

  /// The map to publish at commit, or nullptr when nothing was written.
  [[nodiscard]] std::shared_ptr<const TenantMap> written() const noexcept {
    return written_ ? std::shared_ptr<const TenantMap>(working_) : nullptr;
  }

  Result<std::optional<DecisionRecord>> get_decision(const TenantId& t, std::string_view id) noexcept override;
  Result<void> insert_decision(const TenantId& t, const DecisionRecord& d) noexcept override;
  Result<std::vector<DecisionRecord>> list_decisions(const TenantId& t, const std::optional<PageCursor>& after,
                                                     std::size_t limit) noexcept override;
  Result<std::optional<ApprovalRequest>> get_approval(const TenantId& t, std::string_view id) noexcept override;
  Result<std::optional<ApprovalRequest>> find_approval_by_key(const TenantId& t,
                                                              std::string_view idempotency_key) noexcept override;
  Result<void> put_approval(const TenantId& t, const ApprovalRequest& a) noexcept override;
  Result<std::vector<ApprovalRequest>> list_approvals(const TenantId& t, std::optional<ApprovalState> state,
                                                      const std::optional<PageCursor>& after,
                                                      std::size_t limit) noexcept override;

  Result<std::uint64_t> audit_size(const TenantId& t) noexcept override;
  Result<void> append_audit(const TenantId& t, std::span<const AuditEntry> entries) noexcept override;
  Result<std::vector<AuditEntry>> read_audit(const TenantId& t, std::uint64_t from, std::size_t count) noexcept override;
  Result<void> insert_checkpoint(const TenantId& t, const AuditCheckpoint& c) noexcept override;
  Result<std::optional<AuditCheckpoint>> latest_checkpoint(const TenantId& t) noexcept override;
  Result<std::optional<AuditCheckpoint>> get_checkpoint(const TenantId& t, std::uint64_t size) noexcept override;

  Result<std::optional<ConfigRevision>> latest_config(const TenantId& t, std::string_view key) noexcept override;
  Result<std::optional<ConfigRevision>> get_config(const TenantId& t, std::string_view key,
                                                   std::uint64_t revision) noexcept override;
  Result<void> insert_config(const TenantId& t, const ConfigRevision& r) noexcept override;
  Result<std::vector<std::string>> live_config_keys(const TenantId& t) noexcept override;
  Result<std::vector<ConfigRevision>> config_history(const TenantId& t, std::string_view key, std::uint64_t before,
                                                     std::size_t limit) noexcept override;

  Result<std::optional<RolloutRecord>> get_rollout(const TenantId& t, std::string_view id) noexcept override;
  Result<void> put_rollout(const TenantId& t, const RolloutRecord& r) noexcept override;
  Result<std::vector<RolloutRecord>> list_rollouts(const TenantId& t, bool include_finished) noexcept override;
  Result<std::optional<StepRecord>> get_step(const TenantId& t, std::string_view rollout_id,
                                             std::string_view step) noexcept override;
  Result<void> insert_step(const TenantId& t, const StepRecord& s) noexcept override;
  Result<std::vector<StepRecord>> list_steps(const TenantId& t, std::string_view rollout_id) noexcept override;
  Result<std::optional<Lease>> get_lease(const TenantId& t, std::string_view name) noexcept override;
  Result<void> put_lease(const TenantId& t, const Lease& l) noexcept override;

  Result<std::vector<std::string>> list_tenants() noexcept override;
  Result<void> purge_tenant(const TenantId& t) noexcept override;

 private:
  template <typename F>
  auto read(std::string_view operation, const TenantId& t, F&& body) noexcept
      -> decltype(body(std::declval<const TenantTables&>()));
  template <typename F>
  Result<void> write(std::string_view operation, const TenantId& t, F&& body) noexcept;
  Result<void> open(std::string_view operation) const;
  /// What this transaction sees: its own copy once it wrote, else the snapshot.
  [[nodiscard]] const TenantMap& view() const { return working_ ? *working_ : *committed_; }

  std::shared_ptr<const TenantMap> committed_;
  std::function<bool()> usable_;
  std::shared_ptr<TenantMap> working_;
  /// Tenants whose tables this transaction copied (and may change).
  std::map<std::string, std::shared_ptr<TenantTables>, std::less<>> owned_;
  bool written_ = false;
};

}  // namespace callboard::backend::detail
