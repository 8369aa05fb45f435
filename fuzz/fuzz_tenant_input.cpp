// libFuzzer target: what the tenant-scoped stores accept from outside
// (callboard/backend/tenant.hpp): tenant ids, and the keys and documents a
// REST body or a binding hands to put_decision, create_approval, append,
// write and acquire_lease. The rules (src/backends/tenant_stores.cpp) run
// over the memory backend's rows (src/backends/storage_memory/
// memory_tenant.cpp), both compiled in here.
//
// The input is fields separated by 0x1f: tenant id, key, document, holder.
// Checked on every input:
//  - TenantId::parse accepts exactly the documented grammar;
//  - every store call either succeeds or fails with a message and one of the
//    codes its contract names, never kInternal or a crash;
//  - a write refused as invalid stores nothing; an accepted document reads
//    back byte for byte; the document rule (UTF-8, no NUL, at most 1 MiB)
//    agrees with an independent check.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backends/storage_memory/memory_tenant.cpp"  // NOLINT(bugprone-suspicious-include)
#include "backends/tenant_stores.cpp"                 // NOLINT(bugprone-suspicious-include)
#include "fuzz_check.hpp"

namespace {

using namespace callboard;
using namespace callboard::backend;

std::vector<std::string> fields(std::string_view input) {
  std::vector<std::string> out(4);
  std::size_t field = 0;
  for (const char ch : input) {
    if (ch == '\x1f' && field + 1 < out.size()) {
      ++field;
    } else {
      out[field] += ch;
    }
  }
  return out;
}

bool grammar_tenant(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s[0])) return false;
  for (char c : s) {
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

bool grammar_key(std::string_view s) {
  if (s.empty() || s.size() > kMaxTenantKeyBytes) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e) return false;
  }
  return true;
}

// UTF-8 by the table of well-formed byte sequences (Unicode 15, table 3-7),
// written apart from the stores' decoder.
bool well_formed(std::string_view s) {
  std::size_t i = 0;
  auto in = [&](std::size_t k, unsigned lo, unsigned hi) {
    if (i + k >= s.size()) return false;
    const auto b = static_cast<unsigned char>(s[i + k]);
    return b >= lo && b <= hi;
  };
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == 0) return false;
    if (b <= 0x7f) {
      i += 1;
    } else if (b >= 0xc2 && b <= 0xdf) {
      if (!in(1, 0x80, 0xbf)) return false;
      i += 2;
    } else if (b == 0xe0) {
      if (!in(1, 0xa0, 0xbf) || !in(2, 0x80, 0xbf)) return false;
      i += 3;
    } else if ((b >= 0xe1 && b <= 0xec) || b == 0xee || b == 0xef) {
      if (!in(1, 0x80, 0xbf) || !in(2, 0x80, 0xbf)) return false;
      i += 3;
    } else if (b == 0xed) {
      if (!in(1, 0x80, 0x9f) || !in(2, 0x80, 0xbf)) return false;
      i += 3;
    } else if (b == 0xf0) {
      if (!in(1, 0x90, 0xbf) || !in(2, 0x80, 0xbf) || !in(3, 0x80, 0xbf)) return false;
      i += 4;
    } else if (b >= 0xf1 && b <= 0xf3) {
      if (!in(1, 0x80, 0xbf) || !in(2, 0x80, 0xbf) || !in(3, 0x80, 0xbf)) return false;
      i += 4;
    } else if (b == 0xf4) {
      if (!in(1, 0x80, 0x8f) || !in(2, 0x80, 0xbf) || !in(3, 0x80, 0xbf)) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

template <typename T>
void expect(const Result<T>& r, std::initializer_list<ErrorCode> allowed, const char* what) {
  if (r.ok()) return;
  const Error& e = r.error();
  CALLBOARD_FUZZ_CHECK("error-has-message", !e.message.empty(), what);
  bool known = false;
  for (auto code : allowed) known = known || e.code == code;
  CALLBOARD_FUZZ_CHECK("error-code-in-contract", known, std::string(what) + ": " + e.to_string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = input;
  const auto f = fields(input);
  const std::string& tenant_text = f[0];
  const std::string& key = f[1];
  const std::string& document = f[2];
  const std::string& holder = f[3];

  auto parsed = TenantId::parse(tenant_text);
  CALLBOARD_FUZZ_CHECK("tenant-grammar", parsed.ok() == grammar_tenant(tenant_text), tenant_text);
  expect(parsed, {ErrorCode::kInvalidArgument}, "TenantId::parse");
  const TenantId tenant = parsed.ok() ? *parsed : *TenantId::parse("fuzz");

  bool open = true;
  callboard::backend::detail::MemoryTenantRows rows(std::make_shared<callboard::backend::detail::TenantMap>(),
                                                    [&] { return open; });
  const TenantStores stores(&rows, &rows, &rows, &rows, tenant);
  const bool key_ok = grammar_key(key);
  const bool doc_ok = well_formed(document) && document.size() <= kMaxTenantDocumentBytes;
  const Timestamp at{std::chrono::milliseconds{1'760'000'000'000}};

  // A decision: accepted exactly when its key and document are.
  const DecisionRecord decision{key, at, "user:default/fuzz", "install", "@backstage/plugin-x@1.0.0",
                                DecisionOutcome::kAllow, document};
  auto put = stores.decisions().put_decision(decision);
  expect(put, {ErrorCode::kInvalidArgument}, "put_decision");
  CALLBOARD_FUZZ_CHECK("decision-accepted-by-rule", put.ok() == (key_ok && doc_ok), key);
  if (put.ok()) {
    auto back = stores.decisions().decision(key);
    CALLBOARD_FUZZ_CHECK("decision-reads-back", back.ok() && *back && (*back)->document == document, key);
    expect(stores.decisions().put_decision(decision), {}, "put_decision again");
  }

  // An approval of that decision, with the key as idempotency key.
  ApprovalRequest approval;
  approval.id = "ap-1";
  approval.decision_id = key;
  approval.idempotency_key = key;
  approval.requested_by = holder;
  approval.created = at;
  approval.document = document;
  auto made = stores.decisions().create_approval(approval);
  expect(made, {ErrorCode::kInvalidArgument, ErrorCode::kFailedPrecondition}, "create_approval");
  if (made.ok()) {
    auto next = made->approval;
    next.state = ApprovalState::kApproved;
    expect(stores.decisions().update_approval(next, made->approval.revision), {}, "update_approval");
    expect(stores.decisions().update_approval(next, made->approval.revision),
           {ErrorCode::kAborted, ErrorCode::kFailedPrecondition}, "update_approval again");
  }

  // The audit log: one entry with the key as its kind.
  const std::vector<AuditEntry> entries{AuditEntry{0, at, key, "user:default/fuzz", document}};
  auto appended = stores.audit().append(entries, 0);
  expect(appended, {ErrorCode::kInvalidArgument}, "append");
  CALLBOARD_FUZZ_CHECK("append-accepted-by-rule", appended.ok() == (key_ok && doc_ok), key);
  auto logged = stores.audit().size();
  CALLBOARD_FUZZ_CHECK("append-all-or-nothing", logged.ok() && *logged == (appended.ok() ? 1U : 0U), key);
  expect(stores.audit().append(entries, 0), {ErrorCode::kInvalidArgument, ErrorCode::kAborted}, "append again");
  if (appended.ok()) {
    auto read = stores.audit().entries(0, 10);
    CALLBOARD_FUZZ_CHECK("audit-reads-back", read.ok() && read->size() == 1 && (*read)[0].document == document, key);
  }

  // Configuration: a value under the key, then its removal.
  auto written = stores.config().write(ConfigChange{key, false, document, at, "user:default/fuzz", holder}, 0);
  expect(written, {ErrorCode::kInvalidArgument}, "config write");
  if (written.ok()) {
    auto value = stores.config().value(key);
    CALLBOARD_FUZZ_CHECK("config-reads-back", value.ok() && *value && (*value)->document == document, key);
    expect(stores.config().write(ConfigChange{key, true, "", at, "user:default/fuzz", ""}, 1), {}, "config remove");
  } else {
    auto keys = stores.config().keys();
    CALLBOARD_FUZZ_CHECK("config-refused-stores-nothing", keys.ok() && keys->empty(), key);
  }

  // A lease named by the key for the holder.
  auto lease = stores.rollouts().acquire_lease(key, holder, at, std::chrono::milliseconds(1000));
  expect(lease, {ErrorCode::kInvalidArgument}, "acquire_lease");
  CALLBOARD_FUZZ_CHECK("lease-accepted-by-rule", lease.ok() == (key_ok && grammar_key(holder)), key + "/" + holder);
  if (lease.ok()) {
    expect(stores.rollouts().acquire_lease(key, "other-holder", at, std::chrono::milliseconds(1000)),
           {ErrorCode::kUnavailable, ErrorCode::kInvalidArgument}, "acquire_lease by another");
  }

  // After the transaction ends every call is refused, none crashes.
  open = false;
  expect(stores.audit().size(), {ErrorCode::kFailedPrecondition}, "size after the end");
  CALLBOARD_FUZZ_CHECK("closed-refuses", !stores.audit().size().ok(), key);
  return 0;
}
