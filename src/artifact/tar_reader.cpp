#include "artifact/tar_reader.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace callboard::artifact_detail {
namespace {

constexpr std::size_t kChunkBytes = 64u << 10;
/// Symlink hops followed when resolving a chain (the kernel's limit).
constexpr int kMaxLinkHops = 40;

using ArchivePtr = std::unique_ptr<archive, decltype(&archive_read_free)>;

std::string shown(std::string_view raw) {
  // A hostile name can be huge or full of control bytes: cut and escape it
  // so that the error stays one readable line.
  std::string out;
  for (const char c : raw.substr(0, 300)) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    } else {
      out += c;
    }
  }
  if (raw.size() > 300) out += "...";
  return out;
}

Error limit_error(std::string_view what, std::uint64_t limit, std::string_view entry = {}) {
  Error e = make_error(ErrorCode::kResourceExhausted,
                       std::string(entry.empty() ? "archive refused: " : "entry '" + shown(entry) + "' refused: ") +
                           std::string(what) + " (limit " + std::to_string(limit) + ")");
  if (!entry.empty()) e.with("entry", shown(entry));
  return std::move(e).with("reason", std::string(what)).with("limit", std::to_string(limit));
}

/// Splits a path on '/', dropping empty and "." components. Returns false
/// when a component is "..".
bool split_path(std::string_view path, std::vector<std::string>& out) {
  out.clear();
  std::size_t i = 0;
  while (i <= path.size()) {
    const auto slash = path.find('/', i);
    const std::size_t end = slash == std::string_view::npos ? path.size() : slash;
    const std::string_view part = path.substr(i, end - i);
    if (part == "..") return false;
    if (!part.empty() && part != ".") out.emplace_back(part);
    if (slash == std::string_view::npos) break;
    i = slash + 1;
  }
  return true;
}

std::string join(const std::vector<std::string>& parts, std::size_t from = 0, std::size_t to = std::string::npos) {
  std::string out;
  to = std::min(to, parts.size());
  for (std::size_t i = from; i < to; ++i) {
    if (!out.empty()) out += '/';
    out += parts[i];
  }
  return out;
}

bool windows_drive(std::string_view path) {
  return path.size() >= 2 && path[1] == ':' &&
         ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z'));
}

struct Walker;

class ArchiveEntryData final : public EntryData {
 public:
  ArchiveEntryData(Walker& walker, const TarEntry& entry, std::string_view raw)
      : walker_(walker), entry_(entry), raw_(raw) {}
  Result<void> read(const std::function<Result<void>(std::string_view chunk)>& chunk) override;
  bool consumed = false;

 private:
  Walker& walker_;
  const TarEntry& entry_;
  std::string_view raw_;
};

struct Walker {
  Walker(std::string_view in, const ExtractLimits& l, std::stop_token s) : input(in), limits(l), stop(std::move(s)) {}

  std::string_view input;
  const ExtractLimits& limits;
  std::stop_token stop;
  ArchivePtr a{archive_read_new(), &archive_read_free};
  ExtractReport report;
  /// Package path -> kind, for every entry and every implied parent folder.
  std::map<std::string, EntryKind, std::less<>> tree;
  /// Symlink path -> target as written.
  std::map<std::string, std::string, std::less<>> links;

  Error archive_error(std::string_view what) {
    const char* why = archive_error_string(a.get());
    return make_error(ErrorCode::kInvalidArgument,
                      std::string(what) + ": " + (why != nullptr ? why : "unknown libarchive error"));
  }

  Result<void> check_ratio() {
    const auto packed = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_filter_bytes(a.get(), -1), 1));
    const auto unpacked = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_filter_bytes(a.get(), 0), 0));
    if (unpacked > limits.ratio_check_after && unpacked / packed > limits.max_compression_ratio) {
      return limit_error("compression ratio above " + std::to_string(limits.max_compression_ratio) + ":1 (" +
                             std::to_string(unpacked) + " bytes unpacked from " + std::to_string(packed) +
                             "): a decompression bomb",
                         limits.max_compression_ratio);
    }
    if (stop.stop_requested()) return make_error(ErrorCode::kCancelled, "tarball reading cancelled");
    return ok_result();
  }

  /// The package path of an archive path: normalised, first component
  /// stripped. Empty result (with ok) for the archive root.
  Result<std::string> package_path(std::string_view raw, std::string_view what) {
    if (raw.empty()) return entry_error(ErrorCode::kInvalidArgument, raw, std::string(what) + " is empty");
    if (raw.size() > limits.max_path_bytes * 4) {
      return limit_error(std::string(what) + " is " + std::to_string(raw.size()) + " bytes long", limits.max_path_bytes,
                         raw);
    }
    if (raw.front() == '/' || raw.front() == '\\' || windows_drive(raw)) {
      return entry_error(ErrorCode::kInvalidArgument, raw, std::string(what) + " is absolute");
    }
    std::vector<std::string> parts;
    if (!split_path(raw, parts)) {
      return entry_error(ErrorCode::kInvalidArgument, raw, std::string(what) + " has a '..' component");
    }
    if (parts.empty()) return std::string();
    parts.erase(parts.begin());  // npm's strip: 1 ("package/")
    if (parts.size() > limits.max_depth) {
      return limit_error(std::string(what) + " is " + std::to_string(parts.size()) + " levels deep", limits.max_depth,
                         raw);
    }
    for (const std::string& part : parts) {
      if (part.size() > limits.max_component_bytes) {
        return limit_error(std::string(what) + " has a component of " + std::to_string(part.size()) + " bytes",
                           limits.max_component_bytes, raw);
      }
    }
    std::string path = join(parts);
    if (path.size() > limits.max_path_bytes) {
      return limit_error(std::string(what) + " is " + std::to_string(path.size()) + " bytes long",
                         limits.max_path_bytes, raw);
    }
    return path;
  }

  /// No earlier symlink or file may sit on the way to `path`; records the
  /// implied parent folders.
  Result<void> check_parents(std::string_view raw, const std::string& path) {
    std::size_t slash = path.find('/');
    while (slash != std::string::npos) {
      const std::string_view parent(path.data(), slash);
      auto it = tree.find(parent);
      if (it != tree.end() && it->second == EntryKind::kSymlink) {
        return entry_error(ErrorCode::kInvalidArgument, raw,
                           "it would be written through the symlink '" + std::string(parent) + "'");
      }
      if (it != tree.end() && it->second != EntryKind::kDirectory) {
        return entry_error(ErrorCode::kInvalidArgument, raw,
                           "its parent '" + std::string(parent) + "' is a " + std::string(to_string(it->second)));
      }
      if (it == tree.end()) tree.emplace(std::string(parent), EntryKind::kDirectory);
      slash = path.find('/', slash + 1);
    }
    return ok_result();
  }

  /// Where a symlink at `link` pointing to `target` leads, lexically,
  /// relative to the link's folder; nullopt when it leaves the package.
  static std::optional<std::vector<std::string>> lexical_target(const std::string& link, std::string_view target) {
    std::vector<std::string> out;
    split_path(link, out);
    if (!out.empty()) out.pop_back();
    std::size_t i = 0;
    while (i <= target.size()) {
      const auto slash = target.find('/', i);
      const std::size_t end = slash == std::string_view::npos ? target.size() : slash;
      const std::string_view part = target.substr(i, end - i);
      if (part == "..") {
        if (out.empty()) return std::nullopt;
        out.pop_back();
      } else if (!part.empty() && part != ".") {
        out.emplace_back(part);
      }
      if (slash == std::string_view::npos) break;
      i = slash + 1;
    }
    return out;
  }

  /// Resolves `path` through the symlinks of the package as the kernel
  /// would on the extracted tree; false when it leaves the package or loops.
  bool resolves_inside(const std::string& start) const {
    std::vector<std::string> pending;
    split_path(start, pending);
    std::vector<std::string> done;
    int hops = 0;
    std::size_t i = 0;
    while (i < pending.size()) {
      const std::string part = pending[i++];
      if (part == "..") {
        if (done.empty()) return false;
        done.pop_back();
        continue;
      }
      done.push_back(part);
      const auto link = links.find(join(done));
      if (link == links.end()) continue;
      if (++hops > kMaxLinkHops) return false;
      done.pop_back();
      // Replace the link by its target's components, then the rest.
      std::vector<std::string> next;
      std::string_view target = link->second;
      std::size_t j = 0;
      while (j <= target.size()) {
        const auto slash = target.find('/', j);
        const std::size_t end = slash == std::string_view::npos ? target.size() : slash;
        const std::string_view piece = target.substr(j, end - j);
        if (!piece.empty() && piece != ".") next.emplace_back(piece);
        if (slash == std::string_view::npos) break;
        j = slash + 1;
      }
      next.insert(next.end(), pending.begin() + static_cast<std::ptrdiff_t>(i), pending.end());
      pending = std::move(next);
      i = 0;
    }
    return true;
  }

  Result<ExtractReport> run(const EntryVisitor& visit) {
    if (!a) return make_error(ErrorCode::kInternal, "libarchive could not allocate a reader");
    if (input.size() > limits.max_archive_bytes) {
      return limit_error("the archive is " + std::to_string(input.size()) + " bytes", limits.max_archive_bytes);
    }
    report.archive_bytes = input.size();
    archive_read_support_filter_gzip(a.get());
    archive_read_support_format_tar(a.get());
    if (archive_read_open_memory2(a.get(), input.data(), input.size(), kChunkBytes) != ARCHIVE_OK) {
      return archive_error("not a readable tar or tar.gz");
    }
    archive_entry* entry = nullptr;
    std::size_t count = 0;
    for (;;) {
      const int rc = archive_read_next_header(a.get(), &entry);
      if (rc == ARCHIVE_EOF) break;
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
        return archive_error(count == 0 ? "not a readable tar or tar.gz" : "corrupt archive after entry " +
                                                                               std::to_string(count));
      }
      if (auto r = check_ratio(); !r) return std::move(r).error();
      if (++count > limits.max_entries) {
        return limit_error("more than " + std::to_string(limits.max_entries) + " entries", limits.max_entries);
      }
      const char* raw_c = archive_entry_pathname(entry);
      const std::string raw = raw_c != nullptr ? raw_c : "";
      auto accepted = accept(raw, entry);
      if (!accepted) return std::move(accepted).error();
      if (!*accepted) continue;
      const TarEntry& tar_entry = report.entries.back();
      ArchiveEntryData data(*this, tar_entry, raw);
      if (auto r = visit(tar_entry, data); !r) return std::move(r).error();
      if (!data.consumed && tar_entry.kind == EntryKind::kFile && tar_entry.size > 0) {
        // Skipping decompresses all the same: read through in chunks so the
        // ratio bound and cancellation act inside a large entry too.
        auto r2 = data.read([](std::string_view) { return ok_result(); });
        if (!r2) return std::move(r2).error();
      }
    }
    for (const auto& [path, target] : links) {
      if (!resolves_inside(path)) {
        return entry_error(ErrorCode::kInvalidArgument, path,
                           "the symlink to '" + shown(target) +
                               "' leads outside the package through other links (or loops)");
      }
    }
    return std::move(report);
  }

  /// Validates one header; true when it is a new accepted entry (appended
  /// to report.entries), false when skipped as npm would skip it.
  Result<bool> accept(const std::string& raw, archive_entry* entry) {
    const mode_t type = archive_entry_filetype(entry);
    const char* hardlink = archive_entry_hardlink(entry);
    const char* symlink = archive_entry_symlink(entry);
    TarEntry out;
    if (hardlink != nullptr) {
      out.kind = EntryKind::kHardlink;
    } else if (type == AE_IFREG) {
      out.kind = EntryKind::kFile;
    } else if (type == AE_IFDIR) {
      out.kind = EntryKind::kDirectory;
    } else if (type == AE_IFLNK) {
      out.kind = EntryKind::kSymlink;
    } else {
      const std::string_view what = type == AE_IFCHR    ? "a character device"
                                    : type == AE_IFBLK  ? "a block device"
                                    : type == AE_IFIFO  ? "a FIFO"
                                    : type == AE_IFSOCK ? "a socket"
                                                        : "of an unknown type";
      return entry_error(ErrorCode::kInvalidArgument, raw,
                         "it is " + std::string(what) + "; a package holds only files, folders and links");
    }
    auto path = package_path(raw, "its path");
    if (!path) return std::move(path).error();
    if (path->empty()) {
      if (out.kind != EntryKind::kDirectory) report.skipped.push_back(shown(raw) + ": at the archive root");
      return false;
    }
    out.path = std::move(*path);
    if (auto r = check_parents(raw, out.path); !r) return std::move(r).error();
    if (auto it = tree.find(out.path); it != tree.end()) {
      if (it->second == EntryKind::kDirectory && out.kind == EntryKind::kDirectory) return false;
      return entry_error(ErrorCode::kInvalidArgument, raw,
                         "'" + out.path + "' appears twice in the archive (as a " + std::string(to_string(it->second)) +
                             " and a " + std::string(to_string(out.kind)) + ")");
    }
    const int perm = static_cast<int>(archive_entry_perm(entry));
    out.mode = out.kind == EntryKind::kDirectory || (perm & 0111) != 0 ? 0755u : 0644u;
    switch (out.kind) {
      case EntryKind::kFile: {
        const la_int64_t size = archive_entry_size(entry);
        if (size < 0) return entry_error(ErrorCode::kInvalidArgument, raw, "its size is negative");
        out.size = static_cast<std::uint64_t>(size);
        if (out.size > limits.max_file_bytes) {
          return limit_error("the file is " + std::to_string(out.size) + " bytes", limits.max_file_bytes, raw);
        }
        if (report.unpacked_bytes + out.size > limits.max_total_bytes) {
          return limit_error("the package unpacks to more than " + std::to_string(limits.max_total_bytes) + " bytes",
                             limits.max_total_bytes, raw);
        }
        report.unpacked_bytes += out.size;
        break;
      }
      case EntryKind::kDirectory: break;
      case EntryKind::kSymlink: {
        if (!limits.allow_symlinks) {
          return entry_error(ErrorCode::kInvalidArgument, raw, "it is a symlink and symlinks are not allowed");
        }
        const std::string target = symlink != nullptr ? symlink : "";
        if (target.empty()) return entry_error(ErrorCode::kInvalidArgument, raw, "it is a symlink without a target");
        if (target.size() > limits.max_path_bytes) {
          return limit_error("its symlink target is " + std::to_string(target.size()) + " bytes",
                             limits.max_path_bytes, raw);
        }
        if (target.front() == '/' || target.front() == '\\' || windows_drive(target)) {
          return entry_error(ErrorCode::kInvalidArgument, raw,
                             "it is a symlink to the absolute path '" + shown(target) + "'");
        }
        if (!lexical_target(out.path, target)) {
          return entry_error(ErrorCode::kInvalidArgument, raw,
                             "it is a symlink to '" + shown(target) + "', which leads outside the package");
        }
        out.link_target = target;
        links.emplace(out.path, target);
        break;
      }
      case EntryKind::kHardlink: {
        if (!limits.allow_hardlinks) {
          return entry_error(ErrorCode::kInvalidArgument, raw, "it is a hard link and hard links are not allowed");
        }
        const std::string target_raw = hardlink;
        auto target = package_path(target_raw, "its hard link target");
        if (!target) {
          Error e = std::move(target).error();
          e.message = "entry '" + shown(raw) + "' refused: it is a hard link to '" + shown(target_raw) +
                      "', which is outside the package";
          return e;
        }
        const auto it = tree.find(*target);
        if (target->empty() || it == tree.end() ||
            (it->second != EntryKind::kFile && it->second != EntryKind::kHardlink)) {
          return entry_error(ErrorCode::kInvalidArgument, raw,
                             "it is a hard link to '" + shown(target_raw) +
                                 "', which is not an earlier regular file of the package");
        }
        out.link_target = *target;
        break;
      }
    }
    tree.emplace(out.path, out.kind);
    report.entries.push_back(std::move(out));
    return true;
  }
};

Result<void> ArchiveEntryData::read(const std::function<Result<void>(std::string_view chunk)>& chunk) {
  if (consumed) return make_error(ErrorCode::kInternal, "entry content read twice");
  consumed = true;
  if (entry_.kind != EntryKind::kFile) return ok_result();
  std::array<char, kChunkBytes> buffer{};
  std::uint64_t total = 0;
  for (;;) {
    const la_ssize_t n = archive_read_data(walker_.a.get(), buffer.data(), buffer.size());
    if (n < 0) return walker_.archive_error("corrupt data in '" + shown(raw_) + "'");
    if (n == 0) break;
    total += static_cast<std::uint64_t>(n);
    if (total > entry_.size) {
      return entry_error(ErrorCode::kInvalidArgument, raw_, "it holds more data than its header says");
    }
    if (auto r = walker_.check_ratio(); !r) return std::move(r).error();
    if (auto r = chunk(std::string_view(buffer.data(), static_cast<std::size_t>(n))); !r) return r;
  }
  if (total != entry_.size) return entry_error(ErrorCode::kInvalidArgument, raw_, "its data is truncated");
  return ok_result();
}

}  // namespace

Error entry_error(ErrorCode code, std::string_view raw_path, std::string_view reason) {
  return make_error(code, "entry '" + shown(raw_path) + "' refused: " + std::string(reason))
      .with("entry", shown(raw_path))
      .with("reason", std::string(reason));
}

Result<ExtractReport> walk_tarball(std::string_view archive, const ExtractLimits& limits, std::stop_token stop,
                                   const EntryVisitor& visit) {
  Walker walker(archive, limits, std::move(stop));
  return walker.run(visit);
}

}  // namespace callboard::artifact_detail
