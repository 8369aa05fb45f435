#pragma once
/// \file
/// JSON codecs for the product API's requests and results
/// (callboard/session.hpp): what `callboard --json` prints, and what every
/// other front end (C ABI, bindings, REST server) sends and returns, byte
/// for byte. The documents and their members are described in
/// docs/api/README.md, one section per type, with the schema version
/// below.
///
/// Encoding is canonical: compact, members in a fixed order, maps in key
/// order, so the same value gives the same bytes everywhere. Decoders read
/// requests strictly: an unknown member, a member of the wrong type or a
/// document over `max_bytes` is kInvalidArgument (kResourceExhausted for
/// size) naming the member ("pointer") and why; absent members take the
/// request type's defaults. decode(encode(r)) == r for every request r.
///
/// Thread-safety: every function is reentrant.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/registry.hpp"
#include "callboard/session.hpp"

namespace callboard::codec {

/// The version of the documents below. Bumped when a member changes
/// meaning or is removed; adding a member does not bump it (readers
/// ignore members they do not know in results, never in requests).
inline constexpr std::uint32_t kSchemaVersion = 1;

/// Requests are small; anything larger is refused before parsing.
inline constexpr std::size_t kMaxRequestBytes = 1u << 20;

// Results.
CALLBOARD_EXPORT std::string encode(const IndexReport& report);
CALLBOARD_EXPORT std::string encode(const backend::SearchPage& page, std::size_t offset);
CALLBOARD_EXPORT std::string encode(const PackageInfo& info);
CALLBOARD_EXPORT std::string encode(const ReleaseList& list);
CALLBOARD_EXPORT std::string encode(const ReleaseImportReport& report);
CALLBOARD_EXPORT std::string encode(const VerifyReport& report);
CALLBOARD_EXPORT std::string encode(const ChangelogReport& report);
/// solver::to_json(outcome) (the document `check --plan` reads) with two
/// members appended: "closure" (what was fetched first; null offline) and
/// "applied" ({"files":[{"file","changed","created","backup","diff"}],
/// "backupDir","planFile"}; null unless applied or dry-run).
CALLBOARD_EXPORT std::string encode(const SolveReport& report);
CALLBOARD_EXPORT std::string encode(const solver::InstallCheck& check);
/// compat::to_json(scan) with "releases":[...] and "tiers":"aacci..." (one
/// letter per release, as a SupportMatrix row) appended.
CALLBOARD_EXPORT std::string encode(const ScanReport& report);
/// {"package","release","minimumTier","tier"|null,"version"|null}
CALLBOARD_EXPORT std::string encode(const NewestReport& report);
/// {"plugin"|null,"matrices":[compat::to_json(SupportMatrix)...]}
CALLBOARD_EXPORT std::string encode(const MatrixReport& report);
/// compat::to_json(UpgradeReport).
CALLBOARD_EXPORT std::string encode(const compat::UpgradeReport& report);
/// {"error":{"code","exit_code","message","context":{...},"retryable"}}:
/// `exit_code` is the CLI's for the code (see exit_code_for).
CALLBOARD_EXPORT std::string encode(const Error& error);

/// The CLI's process exit code for a library error code: 3 invalid input
/// (kInvalidArgument, kAlreadyExists, kFailedPrecondition,
/// kResourceExhausted), 4 not found, 5 unavailable (kUnavailable, kAborted,
/// kCancelled), 6 unsatisfiable, 7 policy denied (kPolicyDenied only), 8
/// data loss (a stored or downloaded document is damaged), 9 permission
/// denied (credentials or access), 70 internal.
CALLBOARD_EXPORT int exit_code_for(ErrorCode code) noexcept;

// Requests.
CALLBOARD_EXPORT std::string encode(const IndexOptions& request);
CALLBOARD_EXPORT std::string encode(const backend::SearchQuery& request);
CALLBOARD_EXPORT std::string encode(const InfoRequest& request);
CALLBOARD_EXPORT std::string encode(const ReleaseImportRequest& request);
CALLBOARD_EXPORT std::string encode(const VerifyRequest& request);
CALLBOARD_EXPORT std::string encode(const ChangelogRequest& request);
CALLBOARD_EXPORT std::string encode(const SolveCommand& request);
CALLBOARD_EXPORT std::string encode(const CheckRequest& request);
CALLBOARD_EXPORT std::string encode(const ScanRequest& request);
CALLBOARD_EXPORT std::string encode(const NewestRequest& request);
CALLBOARD_EXPORT std::string encode(const UpgradeRequest& request);
CALLBOARD_EXPORT std::string encode(const MatrixRequest& request);

CALLBOARD_EXPORT Result<IndexOptions> decode_index_request(std::string_view json,
                                                           std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<backend::SearchQuery> decode_search_request(std::string_view json,
                                                                    std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<InfoRequest> decode_info_request(std::string_view json,
                                                         std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<ReleaseImportRequest> decode_release_import_request(std::string_view json,
                                                                            std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<VerifyRequest> decode_verify_request(std::string_view json,
                                                             std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<ChangelogRequest> decode_changelog_request(std::string_view json,
                                                                   std::size_t max_bytes = kMaxRequestBytes);

CALLBOARD_EXPORT Result<SolveCommand> decode_solve_request(std::string_view json,
                                                           std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<CheckRequest> decode_check_request(std::string_view json,
                                                           std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<ScanRequest> decode_scan_request(std::string_view json,
                                                         std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<NewestRequest> decode_newest_request(std::string_view json,
                                                             std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<UpgradeRequest> decode_upgrade_request(std::string_view json,
                                                               std::size_t max_bytes = kMaxRequestBytes);
CALLBOARD_EXPORT Result<MatrixRequest> decode_matrix_request(std::string_view json,
                                                             std::size_t max_bytes = kMaxRequestBytes);

}  // namespace callboard::codec
