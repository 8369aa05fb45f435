#pragma once
// The one place a tarball is read: libarchive over bytes in memory, every
// entry checked against ExtractLimits and the path rules before anyone sees
// it. scan_tarball, extract_tarball and read_package_contents are thin
// visitors over walk_tarball.

#include <functional>
#include <stop_token>
#include <string_view>

#include "callboard/artifact.hpp"

namespace callboard::artifact_detail {

/// Hands out the current entry's content in chunks (at most 64 KiB each).
/// Reading is optional: an entry whose content is not read is skipped.
class EntryData {
 public:
  virtual ~EntryData() = default;
  /// Calls `chunk` for each piece of the content, in order; stops at the
  /// first error `chunk` returns. May be called once per entry.
  virtual Result<void> read(const std::function<Result<void>(std::string_view chunk)>& chunk) = 0;
};

/// Called once per accepted entry, in archive order.
using EntryVisitor = std::function<Result<void>(const TarEntry& entry, EntryData& data)>;

/// Walks the archive, validating every entry (see scan_tarball's contract),
/// and after the last entry resolves every symlink through the package's
/// own tree (chains included): one that leads outside is an error. Returns
/// the report.
Result<ExtractReport> walk_tarball(std::string_view archive, const ExtractLimits& limits, std::stop_token stop,
                                   const EntryVisitor& visit);

/// An error about one archive entry: "entry '<raw>' refused: <reason>".
Error entry_error(ErrorCode code, std::string_view raw_path, std::string_view reason);

}  // namespace callboard::artifact_detail
