// load_app_profile: a Backstage app as found on disk (backstage.json, the
// root package.json, its workspaces, and the lockfile).

#include <algorithm>
#include <cstddef>
#include <exception>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <boost/json/monotonic_resource.hpp>

#include "callboard/model.hpp"
#include "callboard/npm_config.hpp"
#include "callboard/semver.hpp"
#include "model/json_detail.hpp"
#include "model/lockfile.hpp"
#include "model/yaml_detail.hpp"

namespace callboard {
namespace {

namespace fs = std::filesystem;

// npm and yarn handle a few hundred workspaces at most in practice; the
// bound keeps a hostile glob ("**" over a huge tree) cheap.
constexpr std::size_t kMaxWorkspaces = 2000;
// Directories listed while expanding the workspace globs, all patterns together.
constexpr std::size_t kMaxListedDirectories = 50000;
// "**" descends at most this many folders below the app root; real
// workspaces sit two or three deep, and the bound keeps the walk's recursion shallow.
constexpr std::size_t kMaxWorkspaceDepth = 32;

Error file_error(ErrorCode code, const fs::path& path, std::string_view message) {
  return make_error(code, path.string() + ": " + std::string(message)).with("file", path.string());
}

// Reads a whole file, refusing more than `max_bytes` (checked both before
// and while reading, since the file may grow in between).
Result<std::string> read_file(const fs::path& path, std::size_t max_bytes) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) return file_error(ErrorCode::kNotFound, path, "no such file");
  if (!fs::is_regular_file(status)) return file_error(ErrorCode::kInvalidArgument, path, "not a regular file");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > max_bytes) {
    return file_error(ErrorCode::kResourceExhausted, path,
                      std::to_string(size) + " bytes, more than the limit of " + std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return file_error(ErrorCode::kPermissionDenied, path, "cannot open the file");
  std::string text;
  char buffer[65536];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > max_bytes) {
      return file_error(ErrorCode::kResourceExhausted, path,
                        "more than the limit of " + std::to_string(max_bytes) + " bytes");
    }
    text.append(buffer, got);
  }
  if (in.bad()) return file_error(ErrorCode::kDataLoss, path, "read error");
  return text;
}

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

Result<Manifest> read_manifest_file(const fs::path& path, const ParseLimits& limits) {
  auto text = read_file(path, limits.max_document_bytes);
  if (!text) return std::move(text).error();
  auto manifest = parse_manifest(*text, limits);
  if (!manifest) {
    Error e = std::move(manifest).error();
    e.message = path.string() + ": " + e.message;
    return std::move(e).with("file", path.string());
  }
  return manifest;
}

// backstage.json: {"version": "1.31.0"}; other members are ignored.
Result<std::string> read_backstage_json(const fs::path& path, const ParseLimits& limits) {
  auto text = read_file(path, limits.max_document_bytes);
  if (!text) return std::move(text).error();
  const std::string what = path.string();
  boost::json::monotonic_resource resource;
  auto root = model_detail::parse_document(*text, limits, what, model_detail::SkipProfile::kNone,
                                           boost::json::storage_ptr(&resource));
  if (!root) return std::move(root).error().with("file", what);
  const auto* object = root->if_object();
  if (object == nullptr) return model_detail::pointer_error(what, "", "expected an object").with("file", what);
  const auto* version = object->if_contains("version");
  if (version == nullptr) {
    return model_detail::pointer_error(what, "/version", "missing; expected the Backstage release (\"1.31.0\")")
        .with("file", what);
  }
  const auto text_version = model_detail::string_of(*version);
  if (!text_version || !semver::Version::parse(*text_version).ok()) {
    return model_detail::pointer_error(what, "/version", "expected a release version such as \"1.31.0\"")
        .with("file", what);
  }
  return std::string(*text_version);
}

// '*' and '?' within one path segment, as glob means them; other glob
// syntax ({a,b}, [abc], extglobs) is matched literally: no workspace
// pattern of a Backstage app uses it.
bool glob_match(std::string_view pattern, std::string_view name) noexcept {
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool has_wildcard(std::string_view segment) noexcept {
  return segment.find_first_of("*?") != std::string_view::npos;
}

class WorkspaceFinder {
 public:
  WorkspaceFinder(const fs::path& root, const fs::path& manifest_path)
      : root_(root), manifest_path_(manifest_path) {}

  Result<void> add_pattern(std::string_view pattern) {
    // npm and yarn let "!dir" exclude what earlier patterns matched. Not
    // supported: the pattern is ignored, so the excluded folders stay in.
    // No Backstage app template uses negations.
    if (pattern.starts_with('!')) return ok_result();
    if (pattern.starts_with('/')) return fail(pattern, "is an absolute path; workspaces must be inside the app");
    std::vector<std::string> segments;
    std::size_t start = 0;
    while (start <= pattern.size()) {
      std::size_t end = pattern.find('/', start);
      if (end == std::string_view::npos) end = pattern.size();
      const std::string_view segment = pattern.substr(start, end - start);
      start = end + 1;
      if (segment.empty() || segment == ".") continue;
      if (segment == "..") return fail(pattern, "leaves the app root ('..'); workspaces must be inside the app");
      // Consecutive "**" mean the same as one and would multiply the walk.
      if (segment == "**" && !segments.empty() && segments.back() == "**") continue;
      segments.emplace_back(segment);
    }
    if (segments.empty()) return ok_result();  // the root itself is not a workspace
    return walk("", segments, 0);
  }

  [[nodiscard]] const std::set<std::string>& found() const noexcept { return found_; }

 private:
  Error fail(std::string_view pattern, std::string_view why) const {
    return file_error(ErrorCode::kInvalidArgument, manifest_path_,
                      "workspace pattern '" + std::string(pattern) + "' " + std::string(why))
        .with("pattern", std::string(pattern));
  }

  static std::string join(const std::string& base, std::string_view name) {
    return base.empty() ? std::string(name) : base + "/" + std::string(name);
  }

  // Subdirectories of `rel` a wildcard may enter: not hidden (glob's '*'
  // skips dot-folders), not node_modules, not symlinks (which could loop).
  Result<std::vector<std::string>> list(const std::string& rel) {
    std::vector<std::string> names;
    std::error_code ec;
    fs::directory_iterator it(rel.empty() ? root_ : root_ / rel, ec);
    if (ec) return names;  // unreadable or gone: nothing to match
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) break;
      if (++listed_ > kMaxListedDirectories) {
        return file_error(ErrorCode::kResourceExhausted, manifest_path_,
                          "workspace patterns reach more than " + std::to_string(kMaxListedDirectories) +
                              " directory entries");
      }
      std::error_code type_ec;
      if (it->is_symlink(type_ec) || !it->is_directory(type_ec)) continue;
      std::string name = it->path().filename().string();
      if (name.empty() || name.front() == '.' || name == "node_modules") continue;
      names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  Result<void> walk(const std::string& rel, const std::vector<std::string>& segments, std::size_t index) {
    if (index == segments.size()) {
      if (!rel.empty() && is_file(root_ / rel / "package.json")) {
        found_.insert(rel);
        if (found_.size() > kMaxWorkspaces) {
          return file_error(ErrorCode::kResourceExhausted, manifest_path_,
                            "more than " + std::to_string(kMaxWorkspaces) + " workspaces");
        }
      }
      return ok_result();
    }
    const std::string& segment = segments[index];
    if (segment == "**") {
      // Zero folders, or one more folder and "**" again.
      if (auto r = walk(rel, segments, index + 1); !r) return r;
      if (static_cast<std::size_t>(std::count(rel.begin(), rel.end(), '/')) + 1 >= kMaxWorkspaceDepth) {
        return ok_result();
      }
      auto children = list(rel);
      if (!children) return std::move(children).error();
      for (const auto& child : *children) {
        if (auto r = walk(join(rel, child), segments, index); !r) return r;
      }
      return ok_result();
    }
    if (has_wildcard(segment)) {
      auto children = list(rel);
      if (!children) return std::move(children).error();
      for (const auto& child : *children) {
        if (!glob_match(segment, child)) continue;
        if (auto r = walk(join(rel, child), segments, index + 1); !r) return r;
      }
      return ok_result();
    }
    const std::string next = join(rel, segment);
    std::error_code ec;
    if (fs::is_directory(root_ / next, ec)) return walk(next, segments, index + 1);
    return ok_result();
  }

  fs::path root_;
  fs::path manifest_path_;
  std::set<std::string> found_;
  std::size_t listed_ = 0;
};

// The ranges the app's own package.json files write, by name: what the
// yarn/pnpm host-level rule matches descriptors against.
void collect_ranges(const Manifest& m, model_detail::RangesByName& out) {
  for (const DependencyMap* deps : {&m.dependencies, &m.dev_dependencies, &m.optional_dependencies}) {
    for (const auto& [name, range] : *deps) {
      std::string_view r = range;
      // "npm:^1.0.0" is a plain range with the protocol spelled out; an
      // alias ("npm:a@^1") is a range of another name and stays as it is.
      if (r.starts_with("npm:")) {
        const std::string_view target = r.substr(4);
        const auto t = model_detail::split_descriptor(target);
        if (!(t && (!t->range.empty() || target.starts_with('@')))) r = target;
      }
      out[name].emplace(r);
    }
  }
}

void decide_host_level(AppProfile& profile) {
  model_detail::RangesByName root_ranges;
  model_detail::RangesByName workspace_ranges;
  for (const auto& w : profile.packages) collect_ranges(w.manifest, w.path == "." ? root_ranges : workspace_ranges);
  model_detail::decide_host_level(profile.locked, root_ranges, workspace_ranges,
                                  profile.lockfile == LockfileKind::kPnpm);
}

Result<void> read_lockfile(const fs::path& root, const ParseLimits& limits, AppProfile& profile) {
  // npm prefers npm-shrinkwrap.json to package-lock.json.
  for (const char* name : {"npm-shrinkwrap.json", "package-lock.json"}) {
    const fs::path npm_lock = root / name;
    if (!is_file(npm_lock)) continue;
    auto text = read_file(npm_lock, limits.max_document_bytes);
    if (!text) return std::move(text).error();
    auto locked = model_detail::parse_package_lock(*text, npm_lock.string(), limits);
    if (!locked) return std::move(locked).error();
    profile.lockfile = LockfileKind::kNpm;
    profile.locked = std::move(*locked);
    profile.package_manager_source = name;
    return ok_result();
  }
  const fs::path yarn_lock = root / "yarn.lock";
  if (is_file(yarn_lock)) {
    auto text = read_file(yarn_lock, limits.max_document_bytes);
    if (!text) return std::move(text).error();
    auto lock = model_detail::parse_yarn_lock(*text, yarn_lock.string(), limits);
    if (!lock) return std::move(lock).error();
    profile.lockfile = lock->kind;
    profile.locked = std::move(lock->packages);
    profile.package_manager_source = "yarn.lock";
    decide_host_level(profile);
    return ok_result();
  }
  const fs::path pnpm_lock = root / "pnpm-lock.yaml";
  if (is_file(pnpm_lock)) {
    auto text = read_file(pnpm_lock, limits.max_document_bytes);
    if (!text) return std::move(text).error();
    auto locked = model_detail::parse_pnpm_lock(*text, pnpm_lock.string(), limits);
    if (!locked) return std::move(locked).error();
    profile.lockfile = LockfileKind::kPnpm;
    profile.locked = std::move(*locked);
    profile.package_manager_source = "pnpm-lock.yaml";
    decide_host_level(profile);
  }
  return ok_result();
}

// `packageManager` is "<name>@<version>[+<hash>]" (corepack's form).
std::optional<PackageManager> manager_of_field(std::string_view field) {
  const std::size_t at = field.find('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view name = field.substr(0, at);
  if (name == "npm") return PackageManager::kNpm;
  if (name == "pnpm") return PackageManager::kPnpm;
  if (name != "yarn") return std::nullopt;
  std::string_view version = field.substr(at + 1);
  std::size_t digits = 0;
  while (digits < version.size() && version[digits] >= '0' && version[digits] <= '9') ++digits;
  if (digits == 0 || digits > 6) return std::nullopt;
  version = version.substr(0, digits);
  return version == "0" || version == "1" ? PackageManager::kYarnClassic : PackageManager::kYarnBerry;
}

void detect_package_manager(const fs::path& root, AppProfile& profile) {
  switch (profile.lockfile) {
    case LockfileKind::kNpm: profile.package_manager = PackageManager::kNpm; return;
    case LockfileKind::kYarnClassic: profile.package_manager = PackageManager::kYarnClassic; return;
    case LockfileKind::kYarnBerry: profile.package_manager = PackageManager::kYarnBerry; return;
    case LockfileKind::kPnpm: profile.package_manager = PackageManager::kPnpm; return;
    case LockfileKind::kNone: break;
  }
  if (!profile.packages.empty()) {
    if (const auto m = manager_of_field(profile.packages.front().manifest.package_manager)) {
      profile.package_manager = *m;
      profile.package_manager_source = "packageManager field";
      return;
    }
  }
  if (is_file(root / ".yarnrc.yml")) {
    profile.package_manager = PackageManager::kYarnBerry;
    profile.package_manager_source = ".yarnrc.yml";
    return;
  }
  profile.package_manager = PackageManager::kNpm;
  profile.package_manager_source = "default";
}

bool ini_true(std::string_view value) { return value == "true"; }

// The peer-dependency settings of the root .npmrc the app's manager reads.
// Only the app's own file: a user or global setting is the person's, not
// the app's, and a plan should not depend on who runs it.
Result<void> read_peer_settings(const fs::path& root, AppProfile& profile, const ParseLimits& limits) {
  const fs::path npmrc = root / ".npmrc";
  if (!is_file(npmrc)) return ok_result();
  auto text = read_file(npmrc, limits.max_document_bytes);
  if (!text) return std::move(text).error();
  auto settings = npmrc_settings(*text, npmrc.string());
  if (!settings) return std::move(settings).error();
  for (const auto& [key, value] : *settings) {
    const bool npm = profile.package_manager == PackageManager::kNpm;
    const bool pnpm = profile.package_manager == PackageManager::kPnpm;
    if ((npm && key == "legacy-peer-deps") || (npm && key == "strict-peer-deps" && ini_true(value)) ||
        (pnpm && key == "strict-peer-dependencies")) {
      // legacy-peer-deps=true: npm ignores peer ranges; strict-peer-deps
      // only hardens what is already an error for callboard.
      profile.strict_peers = key == "legacy-peer-deps" ? !ini_true(value) : ini_true(value);
      profile.strict_peers_source = ".npmrc " + key + "=" + value;
    }
  }
  return ok_result();
}

// pnpm-workspace.yaml: {packages: ["packages/*", "!**/test/**"]}. Read only
// when package.json has no `workspaces`, as pnpm ignores that field.
Result<std::vector<std::string>> read_pnpm_workspace(const fs::path& path, const ParseLimits& limits) {
  auto text = read_file(path, limits.max_document_bytes);
  if (!text) return std::move(text).error();
  const std::string what = path.string();
  model_detail::YamlLimits yaml_limits;
  yaml_limits.max_bytes = limits.max_document_bytes;
  yaml_limits.max_depth = limits.max_depth;
  auto root = model_detail::parse_yaml(*text, what, what, yaml_limits);
  if (!root) return std::move(root).error();
  std::vector<std::string> patterns;
  if (root->is_null()) return patterns;
  if (!root->is_mapping()) return model_detail::yaml_node_error(*root, what, what, "", "expected a mapping");
  const model_detail::YamlNode* packages = root->find("packages");
  if (packages == nullptr || packages->is_null()) return patterns;
  if (!packages->is_sequence()) {
    return model_detail::yaml_node_error(*packages, what, what, "packages", "expected a list of folder globs");
  }
  for (const auto& item : packages->children) {
    if (!item.is_scalar() || item.is_null()) {
      return model_detail::yaml_node_error(item, what, what, "packages", "expected a folder glob");
    }
    patterns.push_back(item.text);
  }
  return patterns;
}

Result<AppProfile> load(const fs::path& root, const ParseLimits& limits) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return file_error(ErrorCode::kNotFound, root, "the app root is not a directory");
  }
  AppProfile profile;
  profile.root = root;

  const fs::path backstage_json = root / "backstage.json";
  if (fs::exists(fs::symlink_status(backstage_json, ec))) {
    auto version = read_backstage_json(backstage_json, limits);
    if (!version) return std::move(version).error();
    profile.backstage_version = std::move(*version);
  }

  const fs::path root_manifest_path = root / "package.json";
  auto root_manifest = read_manifest_file(root_manifest_path, limits);
  if (!root_manifest) return std::move(root_manifest).error();

  std::vector<std::string> patterns = root_manifest->workspaces;
  fs::path patterns_file = root_manifest_path;
  if (patterns.empty() && is_file(root / "pnpm-workspace.yaml")) {
    patterns_file = root / "pnpm-workspace.yaml";
    auto pnpm_patterns = read_pnpm_workspace(patterns_file, limits);
    if (!pnpm_patterns) return std::move(pnpm_patterns).error();
    patterns = std::move(*pnpm_patterns);
  }
  WorkspaceFinder finder(root, patterns_file);
  for (const auto& pattern : patterns) {
    if (auto r = finder.add_pattern(pattern); !r) return std::move(r).error();
  }
  profile.packages.reserve(finder.found().size() + 1);
  profile.packages.push_back(WorkspacePackage{".", std::move(*root_manifest)});
  // std::set iterates in path order: "packages/app" < "packages/backend" < "plugins/x".
  for (const auto& rel : finder.found()) {
    auto manifest = read_manifest_file(root / rel / "package.json", limits);
    if (!manifest) return std::move(manifest).error();
    profile.packages.push_back(WorkspacePackage{rel, std::move(*manifest)});
  }

  if (auto r = read_lockfile(root, limits, profile); !r) return std::move(r).error();
  detect_package_manager(root, profile);
  if (auto peers = read_peer_settings(root, profile, limits); !peers) return std::move(peers).error();
  return profile;
}

}  // namespace

Result<AppProfile> load_app_profile(const std::filesystem::path& root, const ParseLimits& limits) {
  try {
    return load(root, limits);
  } catch (const std::bad_alloc&) {
    return file_error(ErrorCode::kResourceExhausted, root, "out of memory while reading the app");
  } catch (const std::exception& e) {
    return file_error(ErrorCode::kInternal, root, e.what());
  }
}

}  // namespace callboard
