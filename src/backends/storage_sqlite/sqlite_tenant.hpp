#pragma once
// The SQLite backend's tenant rows (callboard/backend/tenant.hpp): tables
// keyed by tenant first (schema.cpp, migration 3), read and written on the
// transaction's connection, so reads see the transaction's writes and
// BEGIN IMMEDIATE makes every read-then-write of the stores serializable
// across processes.

#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <optional>
#include <string_view>

#include "callboard/backend/tenant.hpp"

namespace callboard::backend::detail {

class SqliteTenantRows final : public DecisionBackend,
                               public AuditBackend,
                               public ConfigBackend,
                               public RolloutBackend,
                               public AdminBackend {
 public:
  /// Runs a body on the transaction's connection: checks that the
  /// transaction is open, holds its lock, maps exceptions to errors.
  using Access =
      std::function<Result<void>(std::string_view operation, const std::function<Result<void>(SQLite::Database&)>&)>;
  explicit SqliteTenantRows(Access access) : access_(std::move(access)) {}

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
  template <typename T, typename F>
  Result<T> query(std::string_view operation, F&& body) noexcept;
  Result<void> exec(std::string_view operation, const std::function<void(SQLite::Database&)>& body) noexcept;

  Access access_;
};

}  // namespace callboard::backend::detail
