#include "backends/storage_sqlite/sqlite_tenant.hpp"

#include <exception>
#include <new>
#include <string>
#include <utility>
#include <vector>

namespace callboard::backend::detail {

namespace {

std::int64_t millis(Timestamp t) { return static_cast<std::int64_t>(t.time_since_epoch().count()); }
Timestamp from_millis(std::int64_t v) { return Timestamp{std::chrono::milliseconds{v}}; }
std::int64_t as_int(std::uint64_t v) { return static_cast<std::int64_t>(v); }
std::uint64_t as_uint(const SQLite::Column& c) { return static_cast<std::uint64_t>(c.getInt64()); }
Timestamp as_time(const SQLite::Column& c) { return from_millis(c.getInt64()); }

// A stored enum text that does not parse: the file was changed by hand or
// by a newer callboard.
struct StoredValueError : std::exception {
  explicit StoredValueError(std::string m) : message(std::move(m)) {}
  [[nodiscard]] const char* what() const noexcept override { return message.c_str(); }
  std::string message;
};

DecisionRecord decision_row(SQLite::Statement& s) {
  DecisionRecord d;
  d.id = s.getColumn(0).getString();
  d.at = as_time(s.getColumn(1));
  d.actor = s.getColumn(2).getString();
  d.action = s.getColumn(3).getString();
  d.resource = s.getColumn(4).getString();
  const std::string outcome = s.getColumn(5).getString();
  auto parsed = parse_decision_outcome(outcome);
  if (!parsed) throw StoredValueError("stored decision outcome \"" + outcome + "\" is not one callboard knows");
  d.outcome = *parsed;
  d.document = s.getColumn(6).getString();
  return d;
}
constexpr const char* kDecisionColumns = "id, at, actor, action, resource, outcome, document";

ApprovalRequest approval_row(SQLite::Statement& s) {
  ApprovalRequest a;
  a.id = s.getColumn(0).getString();
  a.decision_id = s.getColumn(1).getString();
  a.idempotency_key = s.getColumn(2).getString();
  a.requested_by = s.getColumn(3).getString();
  a.created = as_time(s.getColumn(4));
  a.expires = as_time(s.getColumn(5));
  const std::string state = s.getColumn(6).getString();
  auto parsed = parse_approval_state(state);
  if (!parsed) throw StoredValueError("stored approval state \"" + state + "\" is not one callboard knows");
  a.state = *parsed;
  a.revision = as_uint(s.getColumn(7));
  a.document = s.getColumn(8).getString();
  return a;
}
constexpr const char* kApprovalColumns =
    "id, decision_id, idempotency_key, requested_by, created, expires, state, revision, document";

AuditEntry audit_row(SQLite::Statement& s) {
  return AuditEntry{as_uint(s.getColumn(0)), as_time(s.getColumn(1)), s.getColumn(2).getString(),
                    s.getColumn(3).getString(), s.getColumn(4).getString()};
}

ConfigRevision config_row(SQLite::Statement& s) {
  ConfigRevision r;
  r.key = s.getColumn(0).getString();
  r.revision = as_uint(s.getColumn(1));
  r.removed = s.getColumn(2).getInt() != 0;
  r.document = s.getColumn(3).getString();
  r.at = as_time(s.getColumn(4));
  r.actor = s.getColumn(5).getString();
  r.comment = s.getColumn(6).getString();
  return r;
}
constexpr const char* kConfigColumns = "key, revision, removed, document, at, actor, comment";

RolloutRecord rollout_row(SQLite::Statement& s) {
  return RolloutRecord{s.getColumn(0).getString(), as_uint(s.getColumn(1)), s.getColumn(2).getInt() != 0,
                       as_time(s.getColumn(3)), s.getColumn(4).getString()};
}
constexpr const char* kRolloutColumns = "id, revision, finished, updated, document";

StepRecord step_row(SQLite::Statement& s) {
  return StepRecord{s.getColumn(0).getString(), s.getColumn(1).getString(), as_uint(s.getColumn(2)),
                    as_time(s.getColumn(3)), s.getColumn(4).getString()};
}
constexpr const char* kStepColumns = "rollout_id, step, token, at, document";

Lease lease_row(SQLite::Statement& s) {
  return Lease{s.getColumn(0).getString(), s.getColumn(1).getString(), as_uint(s.getColumn(2)),
               as_time(s.getColumn(3))};
}

std::string select(const char* columns, const char* rest) { return std::string("SELECT ") + columns + " " + rest; }

template <typename Row, typename F>
std::optional<Row> one(SQLite::Statement& s, F&& decode) {
  if (!s.executeStep()) return std::nullopt;
  return decode(s);
}

template <typename Row, typename F>
std::vector<Row> all(SQLite::Statement& s, F&& decode) {
  std::vector<Row> out;
  while (s.executeStep()) out.push_back(decode(s));
  return out;
}

// Every table with tenant rows (purge and the tenant listing read them all).
constexpr const char* kTenantTables[] = {"tenant_decisions", "tenant_approvals", "tenant_audit",
                                         "tenant_audit_checkpoints", "tenant_config", "tenant_rollouts",
                                         "tenant_rollout_steps", "tenant_leases"};

}  // namespace

template <typename T, typename F>
Result<T> SqliteTenantRows::query(std::string_view operation, F&& body) noexcept {
  std::optional<T> value;
  auto r = access_(operation, [&](SQLite::Database& db) -> Result<void> {
    try {
      value.emplace(body(db));
    } catch (const StoredValueError& e) {
      return make_error(ErrorCode::kDataLoss, e.message).with("operation", std::string(operation));
    }
    return ok_result();
  });
  if (!r) return std::move(r).error();
  return std::move(*value);
}

Result<void> SqliteTenantRows::exec(std::string_view operation,
                                    const std::function<void(SQLite::Database&)>& body) noexcept {
  return access_(operation, [&](SQLite::Database& db) -> Result<void> {
    body(db);
    return ok_result();
  });
}

// Decisions and approvals

Result<std::optional<DecisionRecord>> SqliteTenantRows::get_decision(const TenantId& t, std::string_view id) noexcept {
  return query<std::optional<DecisionRecord>>("get_decision", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kDecisionColumns, "FROM tenant_decisions WHERE tenant = ? AND id = ?"));
    s.bind(1, t.str());
    s.bind(2, std::string(id));
    return one<DecisionRecord>(s, decision_row);
  });
}

Result<void> SqliteTenantRows::insert_decision(const TenantId& t, const DecisionRecord& d) noexcept {
  return exec("insert_decision", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "INSERT INTO tenant_decisions(tenant, id, at, actor, action, resource, outcome, document) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, t.str());
    s.bind(2, d.id);
    s.bind(3, millis(d.at));
    s.bind(4, d.actor);
    s.bind(5, d.action);
    s.bind(6, d.resource);
    s.bind(7, std::string(to_string(d.outcome)));
    s.bindNoCopy(8, d.document);
    s.exec();
  });
}

Result<std::vector<DecisionRecord>> SqliteTenantRows::list_decisions(const TenantId& t,
                                                                     const std::optional<PageCursor>& after,
                                                                     std::size_t limit) noexcept {
  return query<std::vector<DecisionRecord>>("list_decisions", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kDecisionColumns,
                                   "FROM tenant_decisions WHERE tenant = ?1 AND (?2 = 0 OR (at, id) > (?3, ?4)) "
                                   "ORDER BY at, id LIMIT ?5"));
    s.bind(1, t.str());
    s.bind(2, after ? 1 : 0);
    s.bind(3, after ? millis(after->at) : 0);
    s.bind(4, after ? after->id : std::string());
    s.bind(5, static_cast<std::int64_t>(limit));
    return all<DecisionRecord>(s, decision_row);
  });
}

Result<std::optional<ApprovalRequest>> SqliteTenantRows::get_approval(const TenantId& t, std::string_view id) noexcept {
  return query<std::optional<ApprovalRequest>>("get_approval", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kApprovalColumns, "FROM tenant_approvals WHERE tenant = ? AND id = ?"));
    s.bind(1, t.str());
    s.bind(2, std::string(id));
    return one<ApprovalRequest>(s, approval_row);
  });
}

Result<std::optional<ApprovalRequest>> SqliteTenantRows::find_approval_by_key(const TenantId& t,
                                                                              std::string_view key) noexcept {
  return query<std::optional<ApprovalRequest>>("find_approval_by_key", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kApprovalColumns,
                                   "FROM tenant_approvals WHERE tenant = ? AND idempotency_key = ? "
                                   "AND idempotency_key <> ''"));
    s.bind(1, t.str());
    s.bind(2, std::string(key));
    return one<ApprovalRequest>(s, approval_row);
  });
}

Result<void> SqliteTenantRows::put_approval(const TenantId& t, const ApprovalRequest& a) noexcept {
  return exec("put_approval", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "INSERT OR REPLACE INTO tenant_approvals(tenant, id, decision_id, idempotency_key, "
                        "requested_by, created, expires, state, revision, document) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, t.str());
    s.bind(2, a.id);
    s.bind(3, a.decision_id);
    s.bind(4, a.idempotency_key);
    s.bind(5, a.requested_by);
    s.bind(6, millis(a.created));
    s.bind(7, millis(a.expires));
    s.bind(8, std::string(to_string(a.state)));
    s.bind(9, as_int(a.revision));
    s.bindNoCopy(10, a.document);
    s.exec();
  });
}

Result<std::vector<ApprovalRequest>> SqliteTenantRows::list_approvals(const TenantId& t,
                                                                      std::optional<ApprovalState> state,
                                                                      const std::optional<PageCursor>& after,
                                                                      std::size_t limit) noexcept {
  return query<std::vector<ApprovalRequest>>("list_approvals", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kApprovalColumns,
                                   "FROM tenant_approvals WHERE tenant = ?1 AND (?2 = '' OR state = ?2) "
                                   "AND (?3 = 0 OR (created, id) > (?4, ?5)) ORDER BY created, id LIMIT ?6"));
    s.bind(1, t.str());
    s.bind(2, state ? std::string(to_string(*state)) : std::string());
    s.bind(3, after ? 1 : 0);
    s.bind(4, after ? millis(after->at) : 0);
    s.bind(5, after ? after->id : std::string());
    s.bind(6, static_cast<std::int64_t>(limit));
    return all<ApprovalRequest>(s, approval_row);
  });
}

// Audit

Result<std::uint64_t> SqliteTenantRows::audit_size(const TenantId& t) noexcept {
  return query<std::uint64_t>("audit_size", [&](SQLite::Database& db) {
    // The primary key (tenant, idx) answers this with one index seek.
    SQLite::Statement s(db, "SELECT coalesce(max(idx) + 1, 0) FROM tenant_audit WHERE tenant = ?");
    s.bind(1, t.str());
    s.executeStep();
    return as_uint(s.getColumn(0));
  });
}

Result<void> SqliteTenantRows::append_audit(const TenantId& t, std::span<const AuditEntry> entries) noexcept {
  return exec("append_audit", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "INSERT INTO tenant_audit(tenant, idx, at, kind, actor, document) VALUES (?, ?, ?, ?, ?, ?)");
    for (const auto& e : entries) {
      s.bind(1, t.str());
      s.bind(2, as_int(e.index));
      s.bind(3, millis(e.at));
      s.bindNoCopy(4, e.kind);
      s.bindNoCopy(5, e.actor);
      s.bindNoCopy(6, e.document);
      s.exec();
      s.reset();
    }
  });
}

Result<std::vector<AuditEntry>> SqliteTenantRows::read_audit(const TenantId& t, std::uint64_t from,
                                                             std::size_t count) noexcept {
  return query<std::vector<AuditEntry>>("read_audit", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "SELECT idx, at, kind, actor, document FROM tenant_audit WHERE tenant = ? AND idx >= ? "
                        "ORDER BY idx LIMIT ?");
    s.bind(1, t.str());
    s.bind(2, as_int(from));
    s.bind(3, static_cast<std::int64_t>(count));
    return all<AuditEntry>(s, audit_row);
  });
}

Result<void> SqliteTenantRows::insert_checkpoint(const TenantId& t, const AuditCheckpoint& c) noexcept {
  return exec("insert_checkpoint", [&](SQLite::Database& db) {
    SQLite::Statement s(db, "INSERT OR REPLACE INTO tenant_audit_checkpoints(tenant, size, note) VALUES (?, ?, ?)");
    s.bind(1, t.str());
    s.bind(2, as_int(c.size));
    s.bindNoCopy(3, c.note);
    s.exec();
  });
}

Result<std::optional<AuditCheckpoint>> SqliteTenantRows::latest_checkpoint(const TenantId& t) noexcept {
  return query<std::optional<AuditCheckpoint>>("latest_checkpoint", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "SELECT size, note FROM tenant_audit_checkpoints WHERE tenant = ? ORDER BY size DESC LIMIT 1");
    s.bind(1, t.str());
    return one<AuditCheckpoint>(
        s, [](SQLite::Statement& r) { return AuditCheckpoint{as_uint(r.getColumn(0)), r.getColumn(1).getString()}; });
  });
}

Result<std::optional<AuditCheckpoint>> SqliteTenantRows::get_checkpoint(const TenantId& t, std::uint64_t size) noexcept {
  return query<std::optional<AuditCheckpoint>>("get_checkpoint", [&](SQLite::Database& db) {
    SQLite::Statement s(db, "SELECT size, note FROM tenant_audit_checkpoints WHERE tenant = ? AND size = ?");
    s.bind(1, t.str());
    s.bind(2, as_int(size));
    return one<AuditCheckpoint>(
        s, [](SQLite::Statement& r) { return AuditCheckpoint{as_uint(r.getColumn(0)), r.getColumn(1).getString()}; });
  });
}

// Configuration

Result<std::optional<ConfigRevision>> SqliteTenantRows::latest_config(const TenantId& t, std::string_view key) noexcept {
  return query<std::optional<ConfigRevision>>("latest_config", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kConfigColumns,
                                   "FROM tenant_config WHERE tenant = ? AND key = ? ORDER BY revision DESC LIMIT 1"));
    s.bind(1, t.str());
    s.bind(2, std::string(key));
    return one<ConfigRevision>(s, config_row);
  });
}

Result<std::optional<ConfigRevision>> SqliteTenantRows::get_config(const TenantId& t, std::string_view key,
                                                                   std::uint64_t revision) noexcept {
  return query<std::optional<ConfigRevision>>("get_config", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kConfigColumns, "FROM tenant_config WHERE tenant = ? AND key = ? AND revision = ?"));
    s.bind(1, t.str());
    s.bind(2, std::string(key));
    s.bind(3, as_int(revision));
    return one<ConfigRevision>(s, config_row);
  });
}

Result<void> SqliteTenantRows::insert_config(const TenantId& t, const ConfigRevision& r) noexcept {
  return exec("insert_config", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "INSERT INTO tenant_config(tenant, key, revision, removed, document, at, actor, comment) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind(1, t.str());
    s.bind(2, r.key);
    s.bind(3, as_int(r.revision));
    s.bind(4, r.removed ? 1 : 0);
    s.bindNoCopy(5, r.document);
    s.bind(6, millis(r.at));
    s.bind(7, r.actor);
    s.bindNoCopy(8, r.comment);
    s.exec();
  });
}

Result<std::vector<std::string>> SqliteTenantRows::live_config_keys(const TenantId& t) noexcept {
  return query<std::vector<std::string>>("live_config_keys", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "SELECT c.key FROM tenant_config c WHERE c.tenant = ?1 AND c.removed = 0 AND c.revision = "
                        "(SELECT max(revision) FROM tenant_config WHERE tenant = ?1 AND key = c.key) ORDER BY c.key");
    s.bind(1, t.str());
    std::vector<std::string> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getString());
    return out;
  });
}

Result<std::vector<ConfigRevision>> SqliteTenantRows::config_history(const TenantId& t, std::string_view key,
                                                                     std::uint64_t before, std::size_t limit) noexcept {
  return query<std::vector<ConfigRevision>>("config_history", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kConfigColumns,
                                   "FROM tenant_config WHERE tenant = ?1 AND key = ?2 AND (?3 = 0 OR revision < ?3) "
                                   "ORDER BY revision DESC LIMIT ?4"));
    s.bind(1, t.str());
    s.bind(2, std::string(key));
    s.bind(3, as_int(before));
    s.bind(4, static_cast<std::int64_t>(limit));
    return all<ConfigRevision>(s, config_row);
  });
}

// Rollouts and leases

Result<std::optional<RolloutRecord>> SqliteTenantRows::get_rollout(const TenantId& t, std::string_view id) noexcept {
  return query<std::optional<RolloutRecord>>("get_rollout", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kRolloutColumns, "FROM tenant_rollouts WHERE tenant = ? AND id = ?"));
    s.bind(1, t.str());
    s.bind(2, std::string(id));
    return one<RolloutRecord>(s, rollout_row);
  });
}

Result<void> SqliteTenantRows::put_rollout(const TenantId& t, const RolloutRecord& r) noexcept {
  return exec("put_rollout", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "INSERT OR REPLACE INTO tenant_rollouts(tenant, id, revision, finished, updated, document) "
                        "VALUES (?, ?, ?, ?, ?, ?)");
    s.bind(1, t.str());
    s.bind(2, r.id);
    s.bind(3, as_int(r.revision));
    s.bind(4, r.finished ? 1 : 0);
    s.bind(5, millis(r.updated));
    s.bindNoCopy(6, r.document);
    s.exec();
  });
}

Result<std::vector<RolloutRecord>> SqliteTenantRows::list_rollouts(const TenantId& t, bool include_finished) noexcept {
  return query<std::vector<RolloutRecord>>("list_rollouts", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kRolloutColumns,
                                   "FROM tenant_rollouts WHERE tenant = ? AND (? = 1 OR finished = 0) ORDER BY id"));
    s.bind(1, t.str());
    s.bind(2, include_finished ? 1 : 0);
    return all<RolloutRecord>(s, rollout_row);
  });
}

Result<std::optional<StepRecord>> SqliteTenantRows::get_step(const TenantId& t, std::string_view rollout_id,
                                                             std::string_view step) noexcept {
  return query<std::optional<StepRecord>>("get_step", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kStepColumns,
                                   "FROM tenant_rollout_steps WHERE tenant = ? AND rollout_id = ? AND step = ?"));
    s.bind(1, t.str());
    s.bind(2, std::string(rollout_id));
    s.bind(3, std::string(step));
    return one<StepRecord>(s, step_row);
  });
}

Result<void> SqliteTenantRows::insert_step(const TenantId& t, const StepRecord& st) noexcept {
  return exec("insert_step", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "INSERT INTO tenant_rollout_steps(tenant, rollout_id, step, seq, token, at, document) "
                        "VALUES (?1, ?2, ?3, (SELECT coalesce(max(seq) + 1, 0) FROM tenant_rollout_steps "
                        "WHERE tenant = ?1 AND rollout_id = ?2), ?4, ?5, ?6)");
    s.bind(1, t.str());
    s.bind(2, st.rollout_id);
    s.bind(3, st.step);
    s.bind(4, as_int(st.token));
    s.bind(5, millis(st.at));
    s.bindNoCopy(6, st.document);
    s.exec();
  });
}

Result<std::vector<StepRecord>> SqliteTenantRows::list_steps(const TenantId& t, std::string_view rollout_id) noexcept {
  return query<std::vector<StepRecord>>("list_steps", [&](SQLite::Database& db) {
    SQLite::Statement s(db, select(kStepColumns,
                                   "FROM tenant_rollout_steps WHERE tenant = ? AND rollout_id = ? ORDER BY seq"));
    s.bind(1, t.str());
    s.bind(2, std::string(rollout_id));
    return all<StepRecord>(s, step_row);
  });
}

Result<std::optional<Lease>> SqliteTenantRows::get_lease(const TenantId& t, std::string_view name) noexcept {
  return query<std::optional<Lease>>("get_lease", [&](SQLite::Database& db) {
    SQLite::Statement s(db, "SELECT name, holder, token, expires FROM tenant_leases WHERE tenant = ? AND name = ?");
    s.bind(1, t.str());
    s.bind(2, std::string(name));
    return one<Lease>(s, lease_row);
  });
}

Result<void> SqliteTenantRows::put_lease(const TenantId& t, const Lease& l) noexcept {
  return exec("put_lease", [&](SQLite::Database& db) {
    SQLite::Statement s(db,
                        "INSERT OR REPLACE INTO tenant_leases(tenant, name, holder, token, expires) "
                        "VALUES (?, ?, ?, ?, ?)");
    s.bind(1, t.str());
    s.bind(2, l.name);
    s.bind(3, l.holder);
    s.bind(4, as_int(l.token));
    s.bind(5, millis(l.expires));
    s.exec();
  });
}

// Administration

Result<std::vector<std::string>> SqliteTenantRows::list_tenants() noexcept {
  return query<std::vector<std::string>>("list_tenants", [&](SQLite::Database& db) {
    std::string sql;
    for (const char* table : kTenantTables) {
      if (!sql.empty()) sql += " UNION ";
      sql += std::string("SELECT DISTINCT tenant FROM ") + table;
    }
    sql += " ORDER BY 1";
    SQLite::Statement s(db, sql);
    std::vector<std::string> out;
    while (s.executeStep()) out.push_back(s.getColumn(0).getString());
    return out;
  });
}

Result<void> SqliteTenantRows::purge_tenant(const TenantId& t) noexcept {
  return exec("purge_tenant", [&](SQLite::Database& db) {
    for (const char* table : kTenantTables) {
      SQLite::Statement s(db, std::string("DELETE FROM ") + table + " WHERE tenant = ?");
      s.bind(1, t.str());
      s.exec();
    }
  });
}

}  // namespace callboard::backend::detail
