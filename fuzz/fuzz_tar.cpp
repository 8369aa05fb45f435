// libFuzzer target: the tarball reader (src/artifact/tar_reader.cpp and
// extract.cpp, compiled into this target directly: the fuzz library holds
// only the parser modules; libarchive itself is linked, not instrumented).
//
// The input is a tar or tar.gz archive. Checked, with small limits so that
// every bound is reachable:
//  - scan_tarball never crashes, hangs or reads past a limit;
//  - on success, every entry path is non-empty, relative, free of "." and
//    ".." components and empty components, within the path, component and
//    depth bounds; the entry count is within max_entries; unpacked_bytes is
//    the sum of the file sizes and within max_total_bytes; every file's
//    content handed to the sink has exactly the size its entry says; a
//    symlink's target is relative; a hard link names an earlier file;
//  - on failure, the error is one of the documented codes and an entry
//    error carries the entry's name in its context.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "artifact/extract.cpp"     // NOLINT(bugprone-suspicious-include)
#include "artifact/tar_reader.cpp"  // NOLINT(bugprone-suspicious-include)
#include "fuzz_check.hpp"

namespace {

using callboard::fuzz::check_failed;

#define TAR_CHECK(cond, detail)                                     \
  do {                                                              \
    if (!(cond)) check_failed(#cond, __FILE__, __LINE__, (detail)); \
  } while (0)

void check_path(const std::string& path, const callboard::ExtractLimits& limits) {
  TAR_CHECK(!path.empty(), path);
  TAR_CHECK(path.front() != '/', path);
  TAR_CHECK(path.size() <= limits.max_path_bytes, path);
  std::size_t depth = 0;
  std::size_t start = 0;
  while (start <= path.size()) {
    auto slash = path.find('/', start);
    if (slash == std::string::npos) slash = path.size();
    const std::string_view part(path.data() + start, slash - start);
    TAR_CHECK(!part.empty() && part != "." && part != "..", path);
    TAR_CHECK(part.size() <= limits.max_component_bytes, path);
    ++depth;
    start = slash + 1;
  }
  TAR_CHECK(depth <= limits.max_depth, path);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  callboard::fuzz::g_current_input = input;
  using namespace callboard;

  ExtractLimits limits;
  limits.max_archive_bytes = 1u << 20;
  limits.max_total_bytes = 4u << 20;
  limits.max_file_bytes = 2u << 20;
  limits.max_entries = 200;
  limits.max_path_bytes = 200;
  limits.max_component_bytes = 60;
  limits.max_depth = 12;
  limits.ratio_check_after = 256u << 10;

  std::map<std::string, std::uint64_t> sizes;
  std::uint64_t content_bytes = 0;
  auto report = scan_tarball(
      input, limits, [](const TarEntry&) { return true; },
      [&](const TarEntry& e, std::string content) {
        TAR_CHECK(content.size() == e.size, e.path);
        content_bytes += content.size();
        sizes[e.path] = e.size;
      });
  if (!report) {
    const ErrorCode code = report.error().code;
    TAR_CHECK(code == ErrorCode::kInvalidArgument || code == ErrorCode::kResourceExhausted,
              report.error().to_string());
    if (report.error().message.rfind("entry '", 0) == 0) {
      // The entry is named in the context (its name may be empty: that is
      // then the reason).
      const auto& ctx = report.error().context;
      TAR_CHECK(std::any_of(ctx.begin(), ctx.end(), [](const ErrorDetail& d) { return d.key == "entry"; }),
                report.error().to_string());
    }
    return 0;
  }
  TAR_CHECK(report->entries.size() <= limits.max_entries, "entries");
  std::uint64_t total = 0;
  std::map<std::string, EntryKind> seen;
  for (const TarEntry& e : report->entries) {
    check_path(e.path, limits);
    TAR_CHECK(e.mode == 0644 || e.mode == 0755, e.path);
    if (e.kind == EntryKind::kFile) total += e.size;
    if (e.kind == EntryKind::kSymlink) {
      TAR_CHECK(!e.link_target.empty() && e.link_target.front() != '/', e.path);
    }
    if (e.kind == EntryKind::kHardlink) {
      const auto it = seen.find(e.link_target);
      TAR_CHECK(it != seen.end() && (it->second == EntryKind::kFile || it->second == EntryKind::kHardlink),
                e.path);
    }
    if (e.kind != EntryKind::kDirectory) TAR_CHECK(!seen.contains(e.path), e.path);
    seen[e.path] = e.kind;
  }
  TAR_CHECK(total == report->unpacked_bytes, "unpacked_bytes");
  TAR_CHECK(total == content_bytes, "content bytes");
  TAR_CHECK(total <= limits.max_total_bytes, "total");
  return 0;
}
