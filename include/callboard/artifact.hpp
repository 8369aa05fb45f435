#pragma once
/// \file
/// Package tarballs: Subresource Integrity, verified downloads, safe
/// extraction, what a tarball says about itself (package.json,
/// config.schema.json, dist-dynamic/, the entry points' exports), its
/// CHANGELOG.md, and a content-addressed cache shared by every tenant.
///
/// The rule throughout: bytes whose integrity does not match are never
/// extracted, parsed or cached. Every archive entry that is refused is named
/// in the error (context "entry") together with the reason.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "callboard/backend/transport.hpp"
#include "callboard/error.hpp"
#include "callboard/export.hpp"
#include "callboard/model.hpp"
#include "callboard/npm_config.hpp"

namespace callboard {

// ---------------------------------------------------------------------------
// Subresource Integrity

/// The hash functions npm's ssri accepts for package integrity, weakest first
/// (the order ssri's pickAlgorithm ranks them).
enum class HashAlgorithm : std::uint8_t { kSha1 = 0, kSha256, kSha384, kSha512 };
/// "sha1", "sha256", "sha384", "sha512".
CALLBOARD_EXPORT std::string_view to_string(HashAlgorithm algorithm) noexcept;

/// One `<algorithm>-<base64 digest>[?options]` token of an SRI string.
struct IntegrityHash {
  HashAlgorithm algorithm = HashAlgorithm::kSha512;
  /// Standard base64 (with padding) of the raw digest; its length always
  /// matches the algorithm.
  std::string digest;
  /// The `?opt?opt` suffix without the first '?', kept but not interpreted.
  std::string options;
  friend bool operator==(const IntegrityHash&, const IntegrityHash&) = default;
};

/// A parsed SRI string: one or more hashes. Verification uses only the
/// strongest algorithm present and accepts the bytes when any hash of that
/// algorithm matches (what ssri's checkData/checkStream do).
struct Integrity {
  /// In the order they appeared.
  std::vector<IntegrityHash> hashes;

  /// The hashes of the strongest algorithm present, or none when empty.
  /// The pointers are into `hashes`: valid while it is not modified.
  [[nodiscard]] CALLBOARD_EXPORT std::vector<const IntegrityHash*> strongest() const;
  /// The strongest algorithm; nullopt when empty.
  [[nodiscard]] CALLBOARD_EXPORT std::optional<HashAlgorithm> algorithm() const noexcept;
  /// "sha512-AAA... sha1-BBB..." (tokens joined by one space, options kept).
  [[nodiscard]] CALLBOARD_EXPORT std::string to_string() const;
  [[nodiscard]] bool empty() const noexcept { return hashes.empty(); }

  friend bool operator==(const Integrity&, const Integrity&) = default;
};

/// Parses an SRI string as ssri does in its default (non-strict) mode:
/// tokens separated by whitespace, each `<algorithm>-<digest>[?options]`; a
/// token with an algorithm other than HashAlgorithm's (md5, sha3-...) is
/// skipped. Stricter than ssri where it matters for safety: a token of a
/// known algorithm whose digest is not base64 of that algorithm's length is
/// an error rather than skipped (skipping a malformed sha512 would quietly
/// downgrade verification to a weaker hash next to it). Errors
/// (kInvalidArgument, context "integrity" with the text cut to 120 bytes):
/// a malformed token of a known algorithm; no usable token at all. Text
/// over 64 KiB is kResourceExhausted.
CALLBOARD_EXPORT Result<Integrity> parse_integrity(std::string_view sri);
/// npm's legacy `dist.shasum` (40 hex digits, either case) as a sha1
/// Integrity. kInvalidArgument when it is not 40 hex digits.
CALLBOARD_EXPORT Result<Integrity> integrity_from_shasum(std::string_view hex);
/// What npm checks a registry tarball against: `dist.integrity` when
/// present, else `dist.shasum` as sha1 (npm ignores the shasum when an
/// integrity is present, and so does this). kFailedPrecondition, context
/// "package" and "version", when the manifest carries neither.
CALLBOARD_EXPORT Result<Integrity> expected_integrity(const Manifest& manifest);
/// The integrity of `bytes` with one algorithm.
CALLBOARD_EXPORT Integrity compute_integrity(std::string_view bytes, HashAlgorithm algorithm = HashAlgorithm::kSha512);

/// Incremental verification: feed the bytes in any number of chunks as they
/// arrive, then ask finish() once. Not copyable; movable. Not thread-safe.
class CALLBOARD_EXPORT IntegrityVerifier {
 public:
  /// Precondition: `expected` is not empty (parse_integrity never returns an
  /// empty Integrity); an empty one fails every finish().
  explicit IntegrityVerifier(Integrity expected);
  ~IntegrityVerifier();
  IntegrityVerifier(IntegrityVerifier&&) noexcept;
  IntegrityVerifier& operator=(IntegrityVerifier&&) noexcept;
  IntegrityVerifier(const IntegrityVerifier&) = delete;
  IntegrityVerifier& operator=(const IntegrityVerifier&) = delete;

  void update(std::string_view chunk);
  /// Bytes fed so far.
  [[nodiscard]] std::uint64_t size() const noexcept;
  /// The computed hash (the expected strongest algorithm) when it matches.
  /// kDataLoss when it does not, with context "expected" (the strongest
  /// expected tokens), "actual" and "bytes". Calling finish() twice is
  /// kFailedPrecondition.
  Result<IntegrityHash> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// Verifies bytes held in memory (IntegrityVerifier in one step).
CALLBOARD_EXPORT Result<IntegrityHash> verify_integrity(std::string_view bytes, const Integrity& expected);

// ---------------------------------------------------------------------------
// Safe extraction

/// Bounds for reading a tarball. The defaults fit every Backstage plugin
/// tarball seen on the registry with wide margins (the largest plugin
/// tarballs unpack to a few MiB in a few hundred files) and stop hostile
/// ones early.
struct ExtractLimits {
  /// Compressed input.
  std::uint64_t max_archive_bytes = std::uint64_t{64} << 20;
  /// Sum of all regular files' sizes once unpacked.
  std::uint64_t max_total_bytes = std::uint64_t{512} << 20;
  /// Entries of any kind, directories included.
  std::size_t max_entries = 20000;
  /// One regular file.
  std::uint64_t max_file_bytes = std::uint64_t{128} << 20;
  /// Unpacked tar stream bytes per compressed byte; checked once the
  /// unpacked stream passes ratio_check_after (small archives of zeros
  /// compress very well and are harmless). The real tarballs in
  /// tests/fixtures/artifact/real unpack at 4.9x to 7.3x; the bomb fixture
  /// at about 1000x.
  std::uint64_t max_compression_ratio = 200;
  std::uint64_t ratio_check_after = std::uint64_t{4} << 20;
  /// Bytes of one entry path (after the leading component is stripped) and
  /// of one path component.
  std::size_t max_path_bytes = 1024;
  std::size_t max_component_bytes = 255;
  /// Path components (directory depth + 1).
  std::size_t max_depth = 64;
  /// Symbolic links whose target stays inside the package are created;
  /// false refuses every symbolic link. (npm itself drops links from
  /// package tarballs.)
  bool allow_symlinks = true;
  /// Hard links to an earlier regular file of the same package are created;
  /// false refuses every hard link.
  bool allow_hardlinks = true;
};

enum class EntryKind : std::uint8_t { kFile, kDirectory, kSymlink, kHardlink };
CALLBOARD_EXPORT std::string_view to_string(EntryKind kind) noexcept;

/// One accepted archive entry.
struct TarEntry {
  /// Relative path inside the package, leading component ("package/")
  /// stripped as npm does, normalised ("a/./b" -> "a/b"), never empty,
  /// never absolute, never containing "..".
  std::string path;
  EntryKind kind = EntryKind::kFile;
  std::uint64_t size = 0;
  /// Symlink target as written in the archive; hard link target as a
  /// package path. Empty for files and directories.
  std::string link_target;
  /// 0755 when any execute bit was set in the archive, else 0644 (0755 for
  /// directories); set-id and sticky bits are never kept.
  std::uint32_t mode = 0644;
  friend bool operator==(const TarEntry&, const TarEntry&) = default;
};

/// What an extraction or a scan saw.
struct ExtractReport {
  /// Accepted entries in archive order.
  std::vector<TarEntry> entries;
  /// Entries that npm would also drop (a file at the archive's top level, a
  /// pax/GNU metadata entry), with why: "README.txt: at the archive root".
  std::vector<std::string> skipped;
  std::uint64_t archive_bytes = 0;   ///< compressed input read
  std::uint64_t unpacked_bytes = 0;  ///< sum of regular file sizes
  friend bool operator==(const ExtractReport&, const ExtractReport&) = default;
};

/// Called for each accepted regular file with its content (size <=
/// max_file_bytes); return false to skip reading the content (it is then
/// passed over unread). Used to read a tarball without touching the disk.
using TarFileFilter = std::function<bool(const TarEntry& entry)>;
using TarFileSink = std::function<void(const TarEntry& entry, std::string content)>;

/// Reads a gzip'd (or plain) tar held in memory and validates every entry
/// without writing anything: the same rules and errors as extract_tarball.
/// `want` decides which files' contents are read and given to `sink`.
///
/// Errors, each with context "entry" (the path as written in the archive)
/// and "reason" where an entry is at fault:
///  - kInvalidArgument: not a tar/tar.gz; corrupt data; an absolute path;
///    a ".." component; a device, FIFO or socket; a symlink whose target is
///    absolute or leaves the package; a hard link to something that is not
///    an earlier regular file of the package; a path that passes through an
///    earlier symlink or file; the same path twice (a folder repeated is
///    fine; npm would let the last copy win, callboard refuses to guess);
///    a symlink that leads outside through a chain of links;
///  - kResourceExhausted: any ExtractLimits bound (context "limit");
///  - kCancelled: `stop` was requested.
CALLBOARD_EXPORT Result<ExtractReport> scan_tarball(std::string_view archive, const ExtractLimits& limits = {},
                                                    const TarFileFilter& want = {}, const TarFileSink& sink = {},
                                                    std::stop_token stop = {});

/// Extracts into `destination`, which must not exist or be an empty
/// directory (kAlreadyExists otherwise). Files are created with O_EXCL and
/// O_NOFOLLOW, never through a symlink, with the modes of TarEntry; owners
/// and times are not restored. After the last entry every symlink is
/// resolved through the package's own tree, following other links as the
/// kernel would, and must stay inside (chains of links that are each
/// harmless alone are caught here; the tree is exactly what was written,
/// since the destination started empty and nothing is written through a
/// link). On any error the partially written tree is removed (an existing
/// empty destination is emptied again). Errors: as scan_tarball, plus
/// kUnavailable / kPermissionDenied / kResourceExhausted (disk full) for the
/// file system (context "file"); every error carries "destination".
///
/// Only extract bytes whose integrity was verified (fetch_tarball and
/// ArtifactCache hand out nothing else).
CALLBOARD_EXPORT Result<ExtractReport> extract_tarball(std::string_view archive,
                                                       const std::filesystem::path& destination,
                                                       const ExtractLimits& limits = {}, std::stop_token stop = {});

// ---------------------------------------------------------------------------
// What a package tarball says about itself

/// What one entry point's JavaScript exports, from the text of the file
/// (the CommonJS and ES module output of Backstage's build: rollup's
/// `exports.name = ...`, `exports.default = ...`, `export { a as default }`).
/// A heuristic over the built file, not a JavaScript parser: it reads what
/// the Backstage CLI writes.
struct EntryPoint {
  /// "." or "./alpha".
  std::string subpath;
  /// Package path of the file ("dist/index.cjs.js"); empty when the
  /// manifest names no JavaScript file for it.
  std::string file;
  /// The file is in the tarball.
  bool present = false;
  /// A default export: what the new backend and frontend systems load.
  bool default_export = false;
  /// Named exports, sorted, at most 256.
  std::vector<std::string> named_exports;
  friend bool operator==(const EntryPoint&, const EntryPoint&) = default;
};

/// Calls of Backstage's plugin factories anywhere under dist/ (and
/// dist-dynamic/dist/), which tell a plugin of the new system from a legacy
/// one regardless of how the build split its chunks, and the legacy
/// exports of the entry points.
struct CodeMarkers {
  bool create_backend_plugin = false;   ///< createBackendPlugin(
  bool create_backend_module = false;   ///< createBackendModule(
  /// An entry point exports createRouter (the legacy backend's contract;
  /// new-system plugins often keep an internal createRouter, which does not
  /// count).
  bool create_router = false;
  /// An entry point exports RHDH's legacy `dynamicPluginInstaller`.
  bool dynamic_plugin_installer = false;
  bool create_frontend_plugin = false;  ///< createFrontendPlugin( / createFrontendModule(
  bool create_plugin = false;           ///< createPlugin( (legacy frontend)
  friend bool operator==(const CodeMarkers&, const CodeMarkers&) = default;
};

/// Everything the scanner and the config manager need from a tarball.
struct PackageContents {
  /// package/package.json, read by parse_manifest.
  Manifest manifest;
  /// `configSchema` of package.json: a package path ("config.d.ts",
  /// "config.schema.json"), "(inline)" for an object, or empty.
  std::string config_schema_ref;
  /// The JSON schema text when the package ships one: the file
  /// `configSchema` names if it is .json, else config.schema.json, else
  /// the inline object, else dist-dynamic/dist/configSchema.json. Checked
  /// to be a JSON object; at most 4 MiB.
  std::optional<std::string> config_schema;
  /// Where config_schema came from (a package path or "(inline)").
  std::string config_schema_path;
  /// config.d.ts is present (a TypeScript schema the config manager cannot
  /// read without a compiler).
  bool has_config_d_ts = false;
  /// A dist-dynamic/ folder (RHDH's dynamic plugin export) is present.
  bool has_dist_dynamic = false;
  /// dist-dynamic/package.json, when present and parseable.
  std::optional<Manifest> dynamic_manifest;
  /// ".", then other subpaths sorted; from `exports`, `main` and legacy
  /// `<subpath>/package.json` redirect files (alpha/package.json).
  std::vector<EntryPoint> entry_points;
  CodeMarkers markers;
  /// CHANGELOG.md (at most 8 MiB; longer ones are cut at a line end and
  /// `changelog_truncated` is set).
  std::optional<std::string> changelog;
  bool changelog_truncated = false;
  ExtractReport report;
  friend bool operator==(const PackageContents&, const PackageContents&) = default;
};

/// Reads a verified tarball in memory (scan_tarball's rules and limits).
/// Errors: scan_tarball's; kNotFound when there is no package.json at the
/// package root; parse_manifest's errors with context "file" =
/// "package.json". A config schema or dist-dynamic/package.json that does
/// not parse is left out (it is not the package's own metadata).
CALLBOARD_EXPORT Result<PackageContents> read_package_contents(std::string_view archive,
                                                               const ExtractLimits& limits = {},
                                                               std::stop_token stop = {});

/// The backend system judged from the code, first match wins:
///  1. "." has a default export and the code calls createBackendPlugin or
///     createBackendModule -> kNew, or kTransitional when there is also a
///     legacy sign (createRouter, dynamicPluginInstaller);
///  2. only another subpath ("./alpha") has a default export and the code
///     calls a backend factory -> kTransitional;
///  3. a legacy sign -> kLegacy, or kTransitional with a backend factory
///     call (proxy-backend 0.2: createRouter next to a named plugin export);
///  4. otherwise kNotApplicable (frontend code, libraries).
/// Checked against real tarballs: tests/fixtures/artifact/real/.
CALLBOARD_EXPORT PluginSystem backend_system_from_code(const PackageContents& contents) noexcept;

/// What the Storage keeps of a verified tarball (backend::Transaction::
/// put_artifact): name and version from its package.json, `verified` (the
/// hash the bytes matched) as the integrity, `verified_at`, the backend
/// system from the code (backend_system_from_code) with the code markers
/// behind it, the entry points without their named exports, dist-dynamic/,
/// and the configuration schema. Errors (kInvalidArgument, context
/// "package" and "version"): the package.json has no name or no version;
/// the schema is longer than kMaxArtifactConfigSchemaBytes (never for
/// read_package_contents' output, which has the same bound); more than
/// kMaxArtifactEntryPoints entry points.
CALLBOARD_EXPORT Result<ArtifactRecord> artifact_record(const PackageContents& contents,
                                                        const IntegrityHash& verified, Timestamp verified_at);

// ---------------------------------------------------------------------------
// CHANGELOG.md

/// One bullet of a release: "- 29de0c4: **BREAKING** Removed ...".
struct ChangelogItem {
  /// The `### ...` heading it sits under ("Major Changes", "Patch
  /// Changes"); empty before any heading.
  std::string section;
  /// The item's markdown without the leading "- ", continuation lines
  /// joined with '\n' and their indentation removed.
  std::string text;
  /// Under "Major Changes", or the text says BREAKING (in capitals, as
  /// Backstage's changesets write **BREAKING**, BREAKING `/alpha`:, ...).
  bool breaking = false;
  friend bool operator==(const ChangelogItem&, const ChangelogItem&) = default;
};

/// One `## <version>` block.
struct ChangelogEntry {
  /// The version as written in the heading, "v" and brackets removed.
  std::string version;
  std::vector<ChangelogItem> items;
  /// Any item is breaking.
  bool breaking = false;
  /// The release is a breaking one by semver as changesets bump: it has
  /// Major Changes, or the version is 0.x and it has Minor Changes (a
  /// "Drops support for the old backend system" minor of a 0.x plugin says
  /// no BREAKING, yet is one).
  bool semver_major = false;
  /// 1-based line of the heading in the file.
  std::size_t line = 0;
  friend bool operator==(const ChangelogEntry&, const ChangelogEntry&) = default;
};

struct Changelog {
  /// In file order (newest first in a changesets changelog).
  std::vector<ChangelogEntry> entries;
  friend bool operator==(const Changelog&, const Changelog&) = default;
};

/// Parses a changesets-style CHANGELOG.md: `#`/`##` headings whose text is
/// a semver version (optionally `[1.2.0](link)`, `v1.2.0`, followed by a
/// date) open an entry; `###` headings open a section; lines starting with
/// "- " or "* " open an item. Other headings and text outside items are
/// ignored. Errors: kResourceExhausted over 16 MiB. Never fails otherwise:
/// a file without version headings is an empty Changelog.
CALLBOARD_EXPORT Result<Changelog> parse_changelog(std::string_view markdown);

/// The entries of versions v with from < v <= to (semver order), newest
/// first. Prereleases ("1.2.0-next.1") are included only when
/// `include_prereleases` is set or `to` is itself a prerelease (a stable
/// entry repeats its prereleases' changes). Errors: kInvalidArgument when
/// `from` or `to` is not a version or from > to.
CALLBOARD_EXPORT Result<std::vector<ChangelogEntry>> changelog_between(const Changelog& changelog,
                                                                        std::string_view from, std::string_view to,
                                                                        bool include_prereleases = false);

// ---------------------------------------------------------------------------
// The content-addressed cache

struct ArtifactCacheStats {
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;
  friend bool operator==(const ArtifactCacheStats&, const ArtifactCacheStats&) = default;
};

/// Verified tarballs on disk, keyed by their strongest integrity hash:
/// `<root>/content/<algorithm>/<hex[0:2]>/<hex>`. Any number of processes
/// and threads may share one root (several tenants, several callboard
/// processes): writes go to a private temporary file in `<root>/tmp/` and
/// are renamed into place, so a reader sees a whole file or none; two
/// writers of the same content both succeed. Entries are re-verified when
/// read; a corrupt one is removed and reported as a miss. Content that does
/// not match its integrity is never stored.
class CALLBOARD_EXPORT ArtifactCache {
 public:
  /// Creates the directories when missing. kUnavailable / kPermissionDenied
  /// when they cannot be created.
  static Result<ArtifactCache> open(const std::filesystem::path& root);

  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  /// Where the entry for `integrity`'s strongest hash lives (it may not
  /// exist). Empty path for an empty Integrity.
  [[nodiscard]] std::filesystem::path path_for(const Integrity& integrity) const;

  /// The verified bytes, or nullopt when absent or corrupt (a corrupt entry
  /// is deleted). Errors only for unreadable files (kUnavailable).
  Result<std::optional<std::string>> read(const Integrity& integrity) const;
  /// Verifies `bytes` against `expected` and stores them. kDataLoss (and
  /// nothing written) on mismatch; file system errors as kUnavailable.
  /// Returns the entry's path.
  Result<std::filesystem::path> write(const Integrity& expected, std::string_view bytes) const;
  /// Entries and bytes under content/ (a directory walk).
  Result<ArtifactCacheStats> stats() const;
  /// Removes least recently used entries (file modification time, which a
  /// read refreshes) until the content is at most `max_bytes`; also removes
  /// temporary files older than an hour. Returns what is left.
  Result<ArtifactCacheStats> prune(std::uint64_t max_bytes) const;

 private:
  explicit ArtifactCache(std::filesystem::path root) : root_(std::move(root)) {}
  std::filesystem::path root_;
};

// ---------------------------------------------------------------------------
// Downloading

struct FetchOptions {
  /// Bytes accepted from the network (the transport aborts beyond it).
  std::uint64_t max_bytes = std::uint64_t{64} << 20;
  std::chrono::milliseconds timeout{120000};
  /// nullptr: download every time and cache nothing.
  const ArtifactCache* cache = nullptr;
  /// Called on the calling thread as chunks arrive, with the bytes received
  /// so far (not called for a cache hit). Must not throw.
  std::function<void(std::uint64_t bytes)> progress;
};

struct FetchedTarball {
  /// The verified bytes.
  std::string bytes;
  /// The hash that matched (the strongest of the expected integrity).
  IntegrityHash verified;
  std::string url;
  bool from_cache = false;
  /// Where the cache keeps it; empty without a cache.
  std::filesystem::path cache_path;
  friend bool operator==(const FetchedTarball&, const FetchedTarball&) = default;
};

/// Downloads `url` through the transport and verifies it against `expected`
/// while it streams in (the bytes are hashed chunk by chunk as the
/// transport's sink receives them). The request carries the
/// Authorization header npm would send for that URL (NpmConfig::
/// authorization_for: a tarball on a configured registry's host gets that
/// registry's credentials); credentials never appear in errors. A cache hit
/// skips the network. Errors: the transport's (context "url" without user
/// info); kNotFound for 404, kPermissionDenied for 401/403, kUnavailable
/// (retryable) for other non-2xx statuses; kDataLoss on an integrity
/// mismatch (nothing is cached or returned); kResourceExhausted over
/// max_bytes; kCancelled.
CALLBOARD_EXPORT Result<FetchedTarball> fetch_tarball(backend::Transport& transport, const NpmConfig& npm,
                                                      std::string_view url, const Integrity& expected,
                                                      const FetchOptions& options = {}, std::stop_token stop = {});

/// fetch_tarball for a registry manifest: `dist.tarball` checked against
/// expected_integrity(manifest). Adds "package" and "version" to errors.
CALLBOARD_EXPORT Result<FetchedTarball> fetch_package_tarball(backend::Transport& transport, const NpmConfig& npm,
                                                              const Manifest& manifest,
                                                              const FetchOptions& options = {},
                                                              std::stop_token stop = {});

}  // namespace callboard
