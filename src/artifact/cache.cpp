// The content-addressed tarball cache: <root>/content/<algorithm>/<xx>/<hex>,
// written through <root>/tmp/ and rename(2), re-verified on every read.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "artifact/base64.hpp"
#include "callboard/artifact.hpp"
#include "callboard/digest.hpp"

namespace callboard {
namespace {

namespace fs = std::filesystem;

/// A cache entry is a tarball; nothing larger is ever written.
constexpr std::uint64_t kMaxEntryBytes = std::uint64_t{1} << 30;

Error io_error(const fs::path& file, std::string_view what, int err) {
  const ErrorCode code = err == EACCES || err == EPERM || err == EROFS ? ErrorCode::kPermissionDenied
                         : err == ENOSPC || err == EDQUOT              ? ErrorCode::kResourceExhausted
                                                                       : ErrorCode::kUnavailable;
  return make_error(code, "artifact cache: cannot " + std::string(what) + " " + file.string() + ": " +
                              std::strerror(err))
      .with("file", file.string());
}

fs::path entry_path(const fs::path& root, const IntegrityHash& hash) {
  const std::string hex = to_hex(artifact_detail::decode_base64(hash.digest).value_or(""));
  return root / "content" / std::string(to_string(hash.algorithm)) / hex.substr(0, 2) / hex;
}

std::string unique_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}() ^
                                          static_cast<std::uint64_t>(
                                              std::chrono::steady_clock::now().time_since_epoch().count())};
  std::array<char, 48> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%ld-%016llx.tmp", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(rng()));
  return buffer.data();
}

}  // namespace

Result<ArtifactCache> ArtifactCache::open(const fs::path& root) {
  for (const char* sub : {"content", "tmp"}) {
    std::error_code ec;
    fs::create_directories(root / sub, ec);
    if (ec) return io_error(root / sub, "create", ec.value());
  }
  return ArtifactCache(root);
}

fs::path ArtifactCache::path_for(const Integrity& integrity) const {
  const auto strongest = integrity.strongest();
  if (strongest.empty()) return {};
  return entry_path(root_, *strongest.front());
}

Result<std::optional<std::string>> ArtifactCache::read(const Integrity& integrity) const {
  for (const IntegrityHash* hash : integrity.strongest()) {
    const fs::path file = entry_path(root_, *hash);
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
      if (errno == ENOENT) continue;
      return io_error(file, "open", errno);
    }
    struct stat st {};
    std::string bytes;
    bool failed = ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
                  static_cast<std::uint64_t>(st.st_size) > kMaxEntryBytes;
    if (!failed) {
      bytes.resize(static_cast<std::size_t>(st.st_size));
      std::size_t got = 0;
      while (got < bytes.size()) {
        const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
      }
      failed = got != bytes.size();
    }
    if (!failed) {
      // Refresh the time prune() orders by; a failure only ages the entry.
      (void)::futimens(fd, nullptr);
    }
    ::close(fd);
    Integrity one;
    one.hashes.push_back(*hash);
    if (failed || !verify_integrity(bytes, one)) {
      // Corrupt (disk, a crashed writer of an older version, tampering):
      // drop it so the next fetch replaces it.
      std::error_code ignored;
      fs::remove(file, ignored);
      continue;
    }
    return std::optional<std::string>(std::move(bytes));
  }
  return std::optional<std::string>();
}

Result<fs::path> ArtifactCache::write(const Integrity& expected, std::string_view bytes) const {
  auto verified = verify_integrity(bytes, expected);
  if (!verified) return std::move(verified).error();
  const fs::path file = entry_path(root_, *verified);
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return io_error(file.parent_path(), "create", ec.value());
  const fs::path tmp = root_ / "tmp" / (file.filename().string().substr(0, 16) + "-" + unique_suffix());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return io_error(tmp, "create", errno);
  std::string_view rest = bytes;
  int err = 0;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (err == 0 && ::fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  // rename(2) is atomic: readers see the old entry, the new one, or none;
  // two processes writing the same content both succeed.
  if (err == 0 && ::rename(tmp.c_str(), file.c_str()) != 0) err = errno;
  if (err != 0) {
    fs::remove(tmp, ec);
    return io_error(file, "write", err);
  }
  return file;
}

Result<ArtifactCacheStats> ArtifactCache::stats() const {
  ArtifactCacheStats out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root_ / "content", ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    const auto size = it->file_size(ec);
    if (ec) {
      ec.clear();  // removed by a concurrent prune
      continue;
    }
    ++out.entries;
    out.bytes += size;
  }
  if (ec && ec != std::errc::no_such_file_or_directory) return io_error(root_ / "content", "list", ec.value());
  return out;
}

Result<ArtifactCacheStats> ArtifactCache::prune(std::uint64_t max_bytes) const {
  struct Item {
    fs::file_time_type time;
    std::uint64_t size;
    fs::path path;
  };
  std::vector<Item> items;
  std::uint64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root_ / "content", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (!it->is_regular_file(e2)) continue;
    const auto size = it->file_size(e2);
    const auto time = it->last_write_time(e2);
    if (e2) continue;
    items.push_back({time, size, it->path()});
    total += size;
  }
  if (ec && ec != std::errc::no_such_file_or_directory) return io_error(root_ / "content", "list", ec.value());
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    return a.time != b.time ? a.time < b.time : a.path < b.path;
  });
  ArtifactCacheStats left{items.size(), total};
  for (const Item& item : items) {
    if (left.bytes <= max_bytes) break;
    std::error_code e2;
    if (fs::remove(item.path, e2)) {
      --left.entries;
      left.bytes -= item.size;
    }
  }
  // Leftovers of writers that died between create and rename.
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (fs::directory_iterator it(root_ / "tmp", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (it->last_write_time(e2) < cutoff && !e2) fs::remove(it->path(), e2);
  }
  return left;
}

}  // namespace callboard
