#include "registry/local_source.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>

#include "callboard/semver.hpp"
#include "registry/names.hpp"

namespace callboard::registry_detail {
namespace {

constexpr std::size_t kMaxManifestBytes = 1u << 20;
constexpr std::size_t kMaxEntries = 10000;
constexpr la_int64_t kMaxArchiveBytes = la_int64_t{256} << 20;

Error local_error(ErrorCode code, const std::filesystem::path& path, std::string why) {
  return make_error(code, path.string() + ": " + std::move(why)).with("file", path.string());
}

Result<std::string> read_folder_manifest(const std::filesystem::path& folder) {
  const auto file = folder / "package.json";
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return local_error(ErrorCode::kNotFound, file, "no package.json (" + ec.message() + ")");
  if (size > kMaxManifestBytes) {
    return local_error(ErrorCode::kResourceExhausted, file, "package.json is larger than 1 MiB");
  }
  std::ifstream in(file, std::ios::binary);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (!in) return local_error(ErrorCode::kDataLoss, file, "short read");
  return text;
}

Result<std::string> read_tarball_manifest(const std::filesystem::path& tgz) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(), &archive_read_free);
  if (!a) return local_error(ErrorCode::kInternal, tgz, "libarchive could not allocate a reader");
  archive_read_support_filter_gzip(a.get());
  archive_read_support_format_tar(a.get());
  if (archive_read_open_filename(a.get(), tgz.c_str(), 64 * 1024) != ARCHIVE_OK) {
    return local_error(ErrorCode::kInvalidArgument, tgz,
                       std::string("not a readable .tgz: ") + archive_error_string(a.get()));
  }
  archive_entry* entry = nullptr;
  for (std::size_t n = 0; n < kMaxEntries; ++n) {
    const int rc = archive_read_next_header(a.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
      return local_error(ErrorCode::kInvalidArgument, tgz,
                         std::string("corrupt archive: ") + archive_error_string(a.get()));
    }
    if (archive_filter_bytes(a.get(), -1) > kMaxArchiveBytes) {
      return local_error(ErrorCode::kResourceExhausted, tgz, "archive is larger than 256 MiB");
    }
    const char* raw = archive_entry_pathname(entry);
    const std::string_view path = raw != nullptr ? raw : "";
    const auto slash = path.find('/');
    if (archive_entry_filetype(entry) != AE_IFREG || slash == std::string_view::npos ||
        path.substr(slash + 1) != "package.json") {
      continue;
    }
    const la_int64_t size = archive_entry_size(entry);
    if (size < 0 || static_cast<std::size_t>(size) > kMaxManifestBytes) {
      return local_error(ErrorCode::kResourceExhausted, tgz, std::string(path) + " is larger than 1 MiB");
    }
    std::string text(static_cast<std::size_t>(size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
      const la_ssize_t r = archive_read_data(a.get(), text.data() + got, text.size() - got);
      if (r < 0) {
        return local_error(ErrorCode::kInvalidArgument, tgz,
                           std::string("cannot read ") + std::string(path) + ": " + archive_error_string(a.get()));
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    if (got != text.size()) return local_error(ErrorCode::kDataLoss, tgz, std::string(path) + " is truncated");
    return text;
  }
  return local_error(ErrorCode::kNotFound, tgz, "no package/package.json in the archive");
}

}  // namespace

Result<Manifest> read_local_manifest(const std::filesystem::path& path) {
  std::error_code ec;
  Result<std::string> text = std::filesystem::is_directory(path, ec) ? read_folder_manifest(path)
                             : std::filesystem::is_regular_file(path, ec)
                                 ? read_tarball_manifest(path)
                                 : Result<std::string>(local_error(ErrorCode::kNotFound, path,
                                                                   "neither a folder nor a .tgz file"));
  if (!text) return std::move(text).error();
  auto manifest = parse_manifest(*text);
  if (!manifest) return std::move(manifest).error().with("file", path.string());
  if (!is_valid_package_name(manifest->name)) {
    return local_error(ErrorCode::kInvalidArgument, path,
                       "package.json has no valid \"name\" ('" + manifest->name + "')");
  }
  if (!semver::Version::parse(manifest->version)) {
    return local_error(ErrorCode::kInvalidArgument, path,
                       "package.json has no valid semver \"version\" ('" + manifest->version + "')");
  }
  return manifest;
}

void merge_local_version(Packument& packument, Manifest manifest, Timestamp now) {
  if (packument.name.empty()) packument.name = manifest.name;
  if (packument.description.empty()) packument.description = manifest.description;
  if (manifest.published == Timestamp{}) manifest.published = now;
  std::erase_if(packument.versions, [&](const Manifest& m) { return m.version == manifest.version; });
  packument.versions.push_back(std::move(manifest));
  auto key = [](const Manifest& m) { return semver::Version::parse(m.version); };
  std::sort(packument.versions.begin(), packument.versions.end(), [&](const Manifest& a, const Manifest& b) {
    auto va = key(a);
    auto vb = key(b);
    if (va && vb) return semver::sort_order(*va, *vb) < 0;
    if (va.ok() != vb.ok()) return va.ok();  // valid versions first: a strict weak order
    return a.version < b.version;
  });
  const Manifest* best = nullptr;
  for (const Manifest& m : packument.versions) {
    auto v = key(m);
    if (v && v->prerelease().empty()) best = &m;
  }
  if (best == nullptr && !packument.versions.empty()) best = &packument.versions.back();
  if (best != nullptr) packument.dist_tags["latest"] = best->version;
  if (packument.created == Timestamp{}) packument.created = now;
  packument.modified = now;
}

}  // namespace callboard::registry_detail
