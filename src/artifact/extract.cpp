// scan_tarball (validate, read chosen files into memory) and
// extract_tarball (write the package to an empty folder), both over
// walk_tarball.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "artifact/tar_reader.hpp"
#include "callboard/artifact.hpp"

namespace callboard {
namespace {

namespace fs = std::filesystem;

Error fs_error(const fs::path& file, std::string_view what, int err) {
  const ErrorCode code = err == EACCES || err == EPERM || err == EROFS ? ErrorCode::kPermissionDenied
                         : err == ENOSPC || err == EDQUOT              ? ErrorCode::kResourceExhausted
                                                                       : ErrorCode::kUnavailable;
  return make_error(code, std::string(what) + " " + file.string() + ": " + std::strerror(err))
      .with("file", file.string());
}

/// Closes a descriptor on scope exit.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string_view to_string(EntryKind kind) noexcept {
  switch (kind) {
    case EntryKind::kFile: return "file";
    case EntryKind::kDirectory: return "directory";
    case EntryKind::kSymlink: return "symlink";
    case EntryKind::kHardlink: return "hard link";
  }
  return "entry";
}

Result<ExtractReport> scan_tarball(std::string_view archive, const ExtractLimits& limits, const TarFileFilter& want,
                                   const TarFileSink& sink, std::stop_token stop) {
  return artifact_detail::walk_tarball(
      archive, limits, std::move(stop),
      [&](const TarEntry& entry, artifact_detail::EntryData& data) -> Result<void> {
        if (entry.kind != EntryKind::kFile || !want || !sink || !want(entry)) return ok_result();
        std::string content;
        content.reserve(static_cast<std::size_t>(entry.size));
        auto r = data.read([&](std::string_view chunk) -> Result<void> {
          content.append(chunk);
          return ok_result();
        });
        if (!r) return r;
        sink(entry, std::move(content));
        return ok_result();
      });
}

Result<ExtractReport> extract_tarball(std::string_view archive, const fs::path& destination,
                                      const ExtractLimits& limits, std::stop_token stop) {
  std::error_code ec;
  const bool existed = fs::exists(fs::symlink_status(destination, ec));
  if (existed) {
    if (!fs::is_directory(fs::symlink_status(destination, ec)) || !fs::is_empty(destination, ec)) {
      return make_error(ErrorCode::kAlreadyExists,
                        "extraction target " + destination.string() + " exists and is not an empty folder")
          .with("file", destination.string());
    }
  } else if (!fs::create_directories(destination, ec) && ec) {
    return fs_error(destination, "cannot create", ec.value());
  }

  auto cleanup = [&] {
    std::error_code ignored;
    if (existed) {
      for (const auto& child : fs::directory_iterator(destination, ignored)) fs::remove_all(child.path(), ignored);
    } else {
      fs::remove_all(destination, ignored);
    }
  };

  auto report = artifact_detail::walk_tarball(
      archive, limits, std::move(stop),
      [&](const TarEntry& entry, artifact_detail::EntryData& data) -> Result<void> {
        const fs::path target = destination / entry.path;
        // Parents are real folders: the walker refuses any path through a
        // symlink or a file, so creating them cannot leave `destination`.
        if (entry.kind != EntryKind::kDirectory) {
          std::error_code mk;
          fs::create_directories(target.parent_path(), mk);
          if (mk) return fs_error(target.parent_path(), "cannot create", mk.value());
        }
        switch (entry.kind) {
          case EntryKind::kDirectory: {
            std::error_code mk;
            fs::create_directories(target, mk);
            if (mk) return fs_error(target, "cannot create", mk.value());
            return ok_result();
          }
          case EntryKind::kSymlink:
            if (::symlink(entry.link_target.c_str(), target.c_str()) != 0) {
              return fs_error(target, "cannot create the symlink", errno);
            }
            return ok_result();
          case EntryKind::kHardlink: {
            const fs::path source = destination / entry.link_target;
            if (::link(source.c_str(), target.c_str()) != 0) return fs_error(target, "cannot create the hard link", errno);
            return ok_result();
          }
          case EntryKind::kFile: break;
        }
        Fd out{::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                      static_cast<mode_t>(entry.mode))};
        if (out.fd < 0) return fs_error(target, "cannot create", errno);
        auto r = data.read([&](std::string_view chunk) -> Result<void> {
          while (!chunk.empty()) {
            const ssize_t n = ::write(out.fd, chunk.data(), chunk.size());
            if (n < 0) {
              if (errno == EINTR) continue;
              return fs_error(target, "cannot write", errno);
            }
            chunk.remove_prefix(static_cast<std::size_t>(n));
          }
          return ok_result();
        });
        if (!r) return r;
        // The umask may have narrowed the mode; the package decides.
        if (::fchmod(out.fd, static_cast<mode_t>(entry.mode)) != 0) return fs_error(target, "cannot chmod", errno);
        return ok_result();
      });
  if (!report) {
    cleanup();
    return std::move(report).error().with("destination", destination.string());
  }
  return report;
}

}  // namespace callboard
