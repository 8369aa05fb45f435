// The scanner's rules, and scan(): one plugin version against one release.

#include <algorithm>
#include <tuple>

#include "callboard/backstage.hpp"
#include "compat/detail.hpp"

namespace callboard::compat {
namespace detail {
namespace {

constexpr std::string_view kBackstageScope = "@backstage/";

bool is_frontend_role(PackageRole role) noexcept {
  return role == PackageRole::kFrontendPlugin || role == PackageRole::kFrontendPluginModule;
}
bool is_backend_role(PackageRole role) noexcept {
  return role == PackageRole::kBackendPlugin || role == PackageRole::kBackendPluginModule;
}

std::string release_phrase(std::string_view release) { return "Backstage " + std::string(release); }

}  // namespace

bool is_singleton(std::string_view package) noexcept {
  const auto& list = backstage::kSingletonPackages;
  return std::find(list.begin(), list.end(), package) != list.end();
}

bool is_registration_api(std::string_view package) noexcept {
  return package == "@backstage/backend-plugin-api" || package == "@backstage/frontend-plugin-api";
}

ParsedDep parse_dep(std::string_view name, std::string_view spec, std::string_view field,
                    bool optional_peer, const ReleaseCatalog::Impl& catalog) {
  ParsedDep dep;
  dep.name = std::string(name);
  dep.checked = dep.name;
  dep.spec = std::string(spec);
  dep.field = std::string(field);
  dep.optional_peer = optional_peer;
  auto parsed = semver::parse_specifier(spec);
  if (!parsed) {
    dep.valid = false;
  } else {
    dep.kind = parsed->kind;
    if (parsed->kind == semver::SpecifierKind::kAlias) {
      // npm:<name>@<range>: the aliased package is what gets installed.
      dep.checked = parsed->target;
      dep.range = parsed->range;
    } else if (parsed->kind == semver::SpecifierKind::kRange) {
      dep.range = parsed->range;
    }
    if (dep.range) dep.minimum = semver::min_version(*dep.range);
  }
  dep.id = catalog.id_of(dep.checked);
  return dep;
}

std::vector<ParsedDep> parse_backstage_deps(const Manifest& manifest,
                                            const ReleaseCatalog::Impl& catalog) {
  std::vector<ParsedDep> out;
  for_each_backstage_entry(manifest, [&](std::string_view name, std::string_view spec,
                                         std::string_view field, bool optional) {
    ParsedDep dep = parse_dep(name, spec, field, optional, catalog);
    // An alias to a non-Backstage package is not ours to judge.
    if (dep.checked.starts_with(kBackstageScope)) out.push_back(std::move(dep));
  });
  return out;
}

DepOutcome classify(const ParsedDep& dep, const ReleaseCatalog::Impl& catalog,
                    std::size_t release) noexcept {
  if (!dep.valid) return DepOutcome::kInvalid;
  using semver::SpecifierKind;
  const bool checkable = dep.range.has_value() &&
                         (dep.kind == SpecifierKind::kRange || dep.kind == SpecifierKind::kAlias);
  const bool follows_release = dep.kind == SpecifierKind::kBackstage;
  const semver::Version* have = dep.id ? catalog.version(release, *dep.id) : nullptr;
  if (!checkable && !follows_release) {
    // workspace:, tags, URLs: the version cannot be judged, but a package
    // the release lacks is lacking whatever the specifier says.
    if (have != nullptr || !dep.id) return DepOutcome::kUnchecked;
  } else if (have != nullptr) {
    // backstage:^ resolves to the release's own version.
    if (follows_release || dep.range->satisfied_by(*have)) return DepOutcome::kOk;
    if (is_singleton(dep.checked)) {
      if (is_registration_api(dep.checked) && dep.minimum && *dep.minimum > *have) {
        return DepOutcome::kRegistrationSkew;
      }
      return DepOutcome::kSingletonDuplicate;
    }
    return DepOutcome::kLibraryDuplicate;
  }
  if (!dep.id) {
    // Never in a release manifest: a plain npm dependency; backstage:^
    // cannot resolve it (the yarn plugin reads the manifest).
    return follows_release ? DepOutcome::kRemoved : DepOutcome::kUnlisted;
  }
  const std::int32_t removed = catalog.removed[*dep.id];
  if (removed != kNone && static_cast<std::int32_t>(release) >= removed) {
    if (dep.optional_peer) return DepOutcome::kRemovedOptional;
    if (catalog.moved.find(dep.checked) != catalog.moved.end() && !follows_release)
      return DepOutcome::kMoved;
    return DepOutcome::kRemoved;
  }
  // Listed only in later releases (or in a gap).
  if (is_singleton(dep.checked) || follows_release) return DepOutcome::kUnreleasedSingleton;
  return DepOutcome::kUnreleasedLibrary;
}

Tier limit_of(DepOutcome outcome) noexcept {
  switch (outcome) {
    case DepOutcome::kOk:
    case DepOutcome::kUnchecked:
    case DepOutcome::kRemovedOptional:
    case DepOutcome::kUnreleasedLibrary:
    case DepOutcome::kUnlisted: return Tier::kAligned;
    case DepOutcome::kLibraryDuplicate:
    case DepOutcome::kMoved: return Tier::kCompatible;
    case DepOutcome::kInvalid:
    case DepOutcome::kSingletonDuplicate:
    case DepOutcome::kRegistrationSkew:
    case DepOutcome::kRemoved:
    case DepOutcome::kUnreleasedSingleton: return Tier::kIncompatible;
  }
  return Tier::kIncompatible;
}

std::optional<semver::Version> declared_target(const Manifest& manifest, std::string_view fallback,
                                               std::string* raw) {
  std::string_view text =
      manifest.supported_versions ? std::string_view(*manifest.supported_versions) : fallback;
  if (text.empty()) return std::nullopt;
  if (raw != nullptr) *raw = std::string(text);
  return semver::coerce(text);
}

Tier declared_limit(const semver::Version& declared, const semver::Version& release) noexcept {
  if (declared.major() != release.major()) {
    return declared.major() > release.major() ? Tier::kIncompatible : Tier::kAligned;
  }
  return declared.minor() > release.minor() ? Tier::kIncompatible : Tier::kAligned;
}

Tier legacy_backend_limit(PluginSystem backend, const ReleaseCatalog::Impl& catalog,
                          std::size_t release) noexcept {
  if (backend != PluginSystem::kLegacy || catalog.legacy_backend_gone == kNone)
    return Tier::kAligned;
  return static_cast<std::int32_t>(release) >= catalog.legacy_backend_gone ? Tier::kIncompatible
                                                                           : Tier::kAligned;
}

BackendSystemView backend_system_of(const Manifest& manifest, const ArtifactRecord* code) noexcept {
  BackendSystemView view;
  view.metadata = classify_plugin_systems(manifest).backend;
  view.code = code;
  view.system = view.from_code() ? code->backend_system : view.metadata;
  return view;
}

const ArtifactRecord* artifact_for(const Manifest& manifest, const ScanOptions& options) noexcept {
  const ArtifactRecord* found = nullptr;
  for (const ArtifactRecord& r : options.artifacts) {
    if (r.name == manifest.name && r.version == manifest.version) found = &r;
  }
  return found;
}

namespace {

// "createBackendPlugin, createRouter; default export on .": what the code
// shows, for messages.
std::string code_evidence(const ArtifactRecord& r) {
  std::string out;
  for (const auto& marker : r.code_markers) out += (out.empty() ? "" : ", ") + marker;
  if (out.empty()) out = "no plugin factory calls";
  std::string defaults;
  for (const auto& e : r.entry_points) {
    if (e.default_export) defaults += (defaults.empty() ? "" : ", ") + e.subpath;
  }
  out += defaults.empty() ? "; no entry point has a default export" : "; default export on " + defaults;
  return out;
}

/// backend-system-code-mismatch: package.json and the verified code disagree.
void code_mismatch_check(const Manifest& m, const BackendSystemView& backend, const std::string& release,
                         Emitter& emit) {
  if (backend.from_code() && backend.metadata != backend.system) {
    const bool legacy_differs =
        (backend.metadata == PluginSystem::kLegacy) != (backend.system == PluginSystem::kLegacy);
    emit.add(
        "backend-system-code-mismatch", legacy_differs ? Severity::kWarning : Severity::kInfo, Tier::kAligned,
        [&] {
          const std::string says =
              backend.metadata == PluginSystem::kNotApplicable
                  ? "'s package.json shows no backend plugin system"
                  : "'s package.json suggests the " + std::string(to_string(backend.metadata)) + " backend system";
          return m.name + "@" + m.version + says + ", but the code of its verified tarball (" +
                 backend.code->integrity.substr(0, 20) + "...) shows " + std::string(to_string(backend.system)) +
                 " (" + code_evidence(*backend.code) + "): the checks follow the code.";
        },
        Evidence{m.name, "backend system", std::string(to_string(backend.metadata)),
                 std::string(to_string(backend.system)), release});
  }
}

}  // namespace

void release_independent_checks(const Manifest& m, const std::vector<ParsedDep>& deps,
                                const ScanOptions& options, const BackendSystemView& backend,
                                std::string_view release_text, Emitter& emit) {
  const std::string release(release_text);
  const HostProfile* host = options.host;

  for (const auto& dep : deps) {
    if (dep.valid) continue;
    emit.add(
        "invalid-specifier", Severity::kError, Tier::kIncompatible,
        [&] {
          return dep.name + " is asked for as '" + dep.spec +
                 "', which is no valid npm specifier: no package manager can install this version; "
                 "pick another version of the plugin.";
        },
        Evidence{dep.name, dep.field, dep.spec, "", release});
  }

  // Role fit.
  const PackageRole role = detect_role(m);
  const std::string role_name(to_string(role));
  const bool declared_role = m.backstage && m.backstage->role;
  if (!is_plugin_role(role)) {
    emit.add(
        "role-not-plugin", Severity::kInfo, Tier::kAligned,
        [&] {
          return role == PackageRole::kUnknown
                     ? m.name +
                           " declares no Backstage role and none can be detected: it is checked "
                           "as a library."
                     : m.name + " is a " + role_name +
                           ", not a plugin: it is installed as a dependency of a plugin or the "
                           "app.";
        },
        Evidence{m.name, "backstage.role", declared_role ? role_name : "", "", release});
  } else if (host != nullptr && !host->roles.empty()) {
    const PackageRole wanted =
        is_frontend_role(role) ? PackageRole::kFrontend : PackageRole::kBackend;
    if (std::find(host->roles.begin(), host->roles.end(), wanted) == host->roles.end()) {
      std::string have;
      for (PackageRole r : host->roles) {
        if (!have.empty()) have += ", ";
        have += to_string(r);
      }
      emit.add(
          "role-mismatch", Severity::kError, Tier::kIncompatible,
          [&] {
            return m.name + " is a " + role_name + " and needs a " +
                   std::string(to_string(wanted)) +
                   " package in the app, which has only: " + (have.empty() ? "none" : have) +
                   ". Install it into an app that has one, or pick the plugin's " +
                   (wanted == PackageRole::kFrontend ? "backend" : "frontend") + " package.";
          },
          Evidence{m.name, "backstage.role", role_name, have, release});
    }
  }

  // Plugin systems. The backend's comes from the verified tarball's code
  // when a stored record applies and is conclusive.
  const PluginSystems systems{backend.system, classify_plugin_systems(m).frontend};
  const std::string backend_field = backend.from_code() ? "backend system (code)" : "backend system";
  code_mismatch_check(m, backend, release, emit);
  if (systems.backend == PluginSystem::kLegacy) {
    // The release-dependent part (an error once the legacy system is
    // gone) is added by the caller; here the part every release shares.
    if (host != nullptr && host->backend_system == PluginSystem::kNew) {
      emit.add(
          "backend-system-mismatch", Severity::kWarning, Tier::kAligned,
          [&] {
            return m.name +
                   " uses the legacy backend system (createRouter) and the app's backend runs "
                   "only the new one: it loads only through a legacyPlugin() wrapper, which "
                   "went away with @backstage/backend-common.";
          },
          Evidence{m.name, backend_field, "legacy", "new", release});
    }
  } else if (systems.backend == PluginSystem::kTransitional) {
    emit.add(
        "transitional-backend-system", Severity::kInfo, Tier::kAligned,
        [&] {
          return m.name +
                 " ships both backend systems (or the new one on a subpath such as ./alpha): "
                 "import the new-system entry point in a new backend.";
        },
        Evidence{m.name, backend_field, "transitional", "", release});
  } else if (systems.backend == PluginSystem::kNew && host != nullptr &&
             host->backend_system == PluginSystem::kLegacy) {
    emit.add(
        "backend-system-mismatch", Severity::kError, Tier::kIncompatible,
        [&] {
          return m.name +
                 " exists only for the new backend system (a BackendFeature default export) and "
                 "the app's backend still runs the legacy one: migrate the backend to "
                 "@backstage/backend-defaults first.";
        },
        Evidence{m.name, backend_field, "new", "legacy", release});
  }
  if (systems.frontend == PluginSystem::kLegacy) {
    emit.add(
        "legacy-frontend-system", Severity::kInfo, Tier::kAligned,
        [&] {
          return m.name +
                 " uses the legacy frontend system (createPlugin): an app on the new frontend "
                 "system needs convertLegacyPlugin from @backstage/core-compat-api.";
        },
        Evidence{m.name, "frontend system", "legacy", "", release});
  } else if (systems.frontend == PluginSystem::kTransitional) {
    emit.add(
        "transitional-frontend-system", Severity::kInfo, Tier::kAligned,
        [&] {
          return m.name + " supports both frontend systems (the new one usually from ./alpha).";
        },
        Evidence{m.name, "frontend system", "transitional", "", release});
  } else if (systems.frontend == PluginSystem::kNew && host != nullptr &&
             host->frontend_system == PluginSystem::kLegacy) {
    emit.add(
        "frontend-system-mismatch", Severity::kError, Tier::kIncompatible,
        [&] {
          return m.name +
                 " exists only for the new frontend system and the app runs the legacy one "
                 "(createApp from @backstage/app-defaults): migrate the app to "
                 "@backstage/frontend-defaults first.";
        },
        Evidence{m.name, "frontend system", "new", "legacy", release});
  }

  // engines.node against the app's Node.js.
  if (auto engines = m.engines.find("node");
      engines != m.engines.end() && host != nullptr && !host->node.empty()) {
    auto wanted = semver::Range::parse(engines->second);
    if (wanted) {
      bool fits = true;
      bool partly = false;
      if (auto exact = semver::Version::parse(host->node)) {
        fits = wanted->satisfied_by(*exact);
      } else if (auto have_range = semver::Range::parse(host->node)) {
        fits = semver::intersects(*wanted, *have_range);
        partly = fits && !semver::subset(*have_range, *wanted);
      }
      if (!fits) {
        emit.add(
            "engines-node", Severity::kError, Tier::kIncompatible,
            [&] {
              return m.name + " needs Node.js " + engines->second + " and the app runs " +
                     host->node +
                     ": upgrade Node.js or pick a plugin version whose engines admit it.";
            },
            Evidence{m.name, "engines.node", engines->second, host->node, release});
      } else if (partly) {
        emit.add(
            "engines-node", Severity::kWarning, Tier::kAligned,
            [&] {
              return m.name + " needs Node.js " + engines->second + "; the app allows " +
                     host->node + ", so some of its Node.js versions are not supported.";
            },
            Evidence{m.name, "engines.node", engines->second, host->node, release});
      }
    }
  }

  // Non-Backstage peers against what the host package provides.
  if (host != nullptr) {
    const DependencyMap* provides = is_frontend_role(role)  ? &host->frontend_provides
                                    : is_backend_role(role) ? &host->backend_provides
                                                            : nullptr;
    for (const auto& [name, spec] : m.peer_dependencies) {
      if (provides == nullptr) break;
      if (name.starts_with("@backstage") || name.starts_with("@types/")) continue;
      auto meta = m.peer_dependencies_meta.find(name);
      if (meta != m.peer_dependencies_meta.end() && meta->second.optional) continue;
      auto wanted = semver::Range::parse(spec, semver::Options{true, false});
      if (!wanted) continue;  // invalid peers are npm's warning, not ours
      std::string have;
      bool fits = true;
      if (auto locked = host->locked.find(name); locked != host->locked.end()) {
        have = locked->second;
        fits = wanted->satisfied_by(std::string_view(have));
      } else if (auto declared = provides->find(name); declared != provides->end()) {
        have = declared->second;
        auto have_range = semver::Range::parse(have, semver::Options{true, false});
        fits = !have_range || semver::intersects(*wanted, *have_range);
      } else {
        continue;  // provided transitively (express via backend-defaults) or not at all: npm says
                   // so
      }
      if (fits) continue;
      emit.add(
          "peer-unsatisfiable", Severity::kWarning, Tier::kCompatible,
          // Structured bindings are named through init-captures (clang 14
          // cannot capture them).
          [&, &name = name, &spec = spec] {
            return m.name + " wants " + name + " " + spec + " and the app has " + have +
                   ": yarn installs it with a peer warning and npm 7+ refuses (ERESOLVE); check "
                   "the "
                   "plugin works with the app's " +
                   name + " or pick a version whose peers admit it.";
          },
          Evidence{name, "peerDependencies", spec, have, release});
    }
  }

  // Package-level notes.
  if (m.deprecated) {
    emit.add(
        "deprecated-version", Severity::kWarning, Tier::kAligned,
        [&] { return m.name + "@" + m.version + " is deprecated: \"" + *m.deprecated + "\""; },
        Evidence{m.name, "deprecated", m.version, "", release});
  }
  if (m.backstage && m.backstage->moved && !m.backstage->moved->empty()) {
    emit.add(
        "moved-plugin", Severity::kWarning, Tier::kAligned,
        [&] {
          return m.name + " moved to " + *m.backstage->moved +
                 ": switch to it (backstage-cli "
                 "versions:migrate rewrites the imports).";
        },
        Evidence{m.name, "backstage.moved", *m.backstage->moved, "", release});
  }
  if (semver::is_prerelease_text(m.version)) {
    emit.add(
        "prerelease-version", Severity::kInfo, Tier::kAligned,
        [&] { return m.name + "@" + m.version + " is a prerelease."; },
        Evidence{m.name, "version", m.version, "", release});
  }
}

void finish(ScanResult& result) {
  std::sort(result.findings.begin(), result.findings.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return std::tie(a.id, a.evidence.package, a.evidence.field, a.evidence.range, a.message) <
           std::tie(b.id, b.evidence.package, b.evidence.field, b.evidence.range, b.message);
  });
  result.tier = Tier::kAligned;
  for (const auto& f : result.findings) result.tier = std::max(result.tier, f.limit);
  result.deciding.clear();
  if (result.tier == Tier::kAligned) return;
  for (std::size_t i = 0; i < result.findings.size(); ++i) {
    if (result.findings[i].limit == result.tier) result.deciding.push_back(i);
  }
}

namespace {

void dependency_findings(const ParsedDep& dep, const ReleaseCatalog::Impl& catalog, std::size_t r,
                         Emitter& emit) {
  const DepOutcome outcome = classify(dep, catalog, r);
  const std::string& release = catalog.texts[r];
  const std::string* have = dep.id ? catalog.version_text(r, *dep.id) : nullptr;
  const std::string found = have != nullptr ? *have : std::string();
  Evidence ev{dep.checked, dep.field, dep.spec, found, release};
  const Tier limit = limit_of(outcome);
  auto first = [&] {
    return dep.id && catalog.first[*dep.id] != kNone
               ? catalog.texts[static_cast<std::size_t>(catalog.first[*dep.id])]
               : std::string();
  };
  auto last = [&] {
    return dep.id && catalog.last[*dep.id] != kNone
               ? catalog.texts[static_cast<std::size_t>(catalog.last[*dep.id])]
               : std::string();
  };
  switch (outcome) {
    case DepOutcome::kOk:
    case DepOutcome::kInvalid:  // reported once, release-independent
    case DepOutcome::kUnlisted: return;
    case DepOutcome::kUnchecked:
      emit.add(
          "unchecked-specifier", Severity::kInfo, limit,
          [&] {
            return dep.checked + " is asked for as '" + dep.spec +
                   "' (not a version range): it cannot be checked against " +
                   release_phrase(release) + "; a published version has a concrete range.";
          },
          std::move(ev));
      return;
    case DepOutcome::kLibraryDuplicate:
      emit.add(
          "backstage-range-mismatch", Severity::kWarning, limit,
          [&] {
            return dep.checked + " " + dep.spec + " does not admit " + found + " from " +
                   release_phrase(release) +
                   ": the app gets a second copy of this library (harmless for a library, but it "
                   "grows "
                   "the bundle); a plugin version built for this release avoids it.";
          },
          std::move(ev));
      return;
    case DepOutcome::kSingletonDuplicate:
      emit.add(
          "singleton-duplicate", Severity::kError, limit,
          [&] {
            return dep.checked + " " + dep.spec + " does not admit " + found + " from " +
                   release_phrase(release) +
                   ": a second copy of this singleton breaks the plugin at run "
                   "time (its APIs and contexts are not the app's); use a plugin version whose "
                   "range "
                   "admits " +
                   found + ".";
          },
          std::move(ev));
      return;
    case DepOutcome::kRegistrationSkew:
      emit.add(
          "registration-skew", Severity::kError, limit,
          [&] {
            return dep.checked + " " + dep.spec + " needs at least " +
                   (dep.minimum ? dep.minimum->to_string() : dep.spec) + " and " +
                   release_phrase(release) + " ships " + found +
                   ": the plugin registers in a format the host does not know (\"Invalid "
                   "registration "
                   "type\"); upgrade Backstage or use an older plugin version.";
          },
          std::move(ev));
      return;
    case DepOutcome::kRemoved:
      if (!dep.id) {
        emit.add(
            "package-removed", Severity::kError, limit,
            [&] {
              return dep.checked + " is asked for as '" + dep.spec +
                     "', which the Backstage yarn plugin resolves from the release manifest, and "
                     "no "
                     "release lists it: the install fails.";
            },
            std::move(ev));
        return;
      }
      emit.add(
          "package-removed", Severity::kError, limit,
          [&] {
            std::string text = dep.checked + " was removed from Backstage in " +
                               catalog.texts[static_cast<std::size_t>(catalog.removed[*dep.id])] +
                               " (last in " + last() + "), so " + release_phrase(release) +
                               " does not have it";
            if (dep.checked == "@backstage/backend-common" ||
                dep.checked == "@backstage/backend-tasks") {
              text +=
                  ": the plugin still uses the legacy backend system; move to a version built on "
                  "@backstage/backend-plugin-api.";
            } else {
              text += ": use a plugin version that no longer depends on it.";
            }
            return text;
          },
          std::move(ev));
      return;
    case DepOutcome::kRemovedOptional:
      emit.add(
          "package-removed", Severity::kWarning, limit,
          [&] {
            return dep.checked + " (an optional peer) was removed from Backstage in " +
                   catalog.texts[static_cast<std::size_t>(catalog.removed[*dep.id])] +
                   ": the plugin runs without it, minus what it offered.";
          },
          std::move(ev));
      return;
    case DepOutcome::kMoved:
      emit.add(
          "package-moved", Severity::kWarning, limit,
          [&] {
            const std::string to = catalog.moved.find(dep.checked)->second;
            return dep.checked + " left the Backstage release in " +
                   catalog.texts[static_cast<std::size_t>(catalog.removed[*dep.id])] +
                   " and moved to " + to +
                   ": the old package still installs from npm but gets no fixes; use a plugin "
                   "version "
                   "that depends on " +
                   to + ".";
          },
          std::move(ev));
      return;
    case DepOutcome::kUnreleasedSingleton:
      emit.add(
          "package-unreleased", Severity::kError, limit,
          [&] {
            const std::string since = first();
            return dep.checked + " first appears in " +
                   (since.empty() ? std::string("no release") : "Backstage " + since) + ", after " +
                   release_phrase(release) +
                   ": the app has no copy to share with the plugin; upgrade "
                   "Backstage or use an older plugin version.";
          },
          std::move(ev));
      return;
    case DepOutcome::kUnreleasedLibrary:
      emit.add(
          "package-unreleased", Severity::kInfo, limit,
          [&] {
            return dep.checked + " first appears in Backstage " + first() + ", after " +
                   release_phrase(release) + ": npm installs it for the plugin alone.";
          },
          std::move(ev));
      return;
  }
}

}  // namespace
}  // namespace detail

Result<ScanResult> scan(const Manifest& manifest, const ReleaseCatalog& catalog,
                        std::string_view release, const ScanOptions& options) {
  const auto r = detail::require_release(catalog, release);
  if (!r) return r.error();
  const ReleaseCatalog::Impl& impl = catalog.impl();
  ScanResult result;
  result.package = manifest.name;
  result.version = manifest.version;
  result.release = impl.texts[*r];
  detail::Emitter emit(&result.findings);

  const auto deps = detail::parse_backstage_deps(manifest, impl);
  const detail::BackendSystemView backend =
      detail::backend_system_of(manifest, detail::artifact_for(manifest, options));
  detail::release_independent_checks(manifest, deps, options, backend, result.release, emit);
  for (const auto& dep : deps) detail::dependency_findings(dep, impl, *r, emit);

  if (backend.system == PluginSystem::kLegacy) {
    const Tier limit = detail::legacy_backend_limit(backend.system, impl, *r);
    const bool gone = limit == Tier::kIncompatible;
    emit.add(
        "legacy-backend-system", gone ? Severity::kError : Severity::kWarning, limit,
        [&] {
          const std::string end =
              impl.legacy_backend_gone == detail::kNone
                  ? std::string()
                  : impl.texts[static_cast<std::size_t>(impl.legacy_backend_gone)];
          if (gone) {
            return manifest.name +
                   " uses only the legacy backend system (createRouter), which Backstage " + end +
                   " removed with @backstage/backend-common: use a version that exports a "
                   "BackendFeature.";
          }
          return manifest.name +
                 " uses only the legacy backend system (createRouter): a new backend "
                 "needs a legacyPlugin() wrapper" +
                 (end.empty() ? std::string(".")
                              : ", and Backstage " + end + " drops it entirely.");
        },
        Evidence{manifest.name, backend.from_code() ? "backend system (code)" : "backend system", "legacy", "",
                 result.release});
  }

  std::string raw_target;
  if (auto declared = detail::declared_target(manifest, options.declared_target, &raw_target)) {
    const semver::Version& have = impl.versions[*r];
    const Tier limit = detail::declared_limit(*declared, have);
    const std::string field = manifest.supported_versions ? "supported-versions" : "backstage.json";
    const bool newer = limit == Tier::kIncompatible;
    const bool same = declared->major() == have.major() && declared->minor() == have.minor();
    emit.add(
        "declared-target",
        newer  ? Severity::kError
        : same ? Severity::kInfo
               : Severity::kWarning,
        limit,
        [&] {
          if (newer) {
            return manifest.name + " declares it targets Backstage " + raw_target +
                   ", newer than " + result.release +
                   ": it may use APIs this release lacks; upgrade Backstage or use a "
                   "plugin version built for " +
                   std::to_string(have.major()) + "." + std::to_string(have.minor()) + ".";
          }
          if (same) return manifest.name + " declares it targets Backstage " + raw_target + ".";
          return manifest.name + " declares it targets Backstage " + raw_target + ", older than " +
                 result.release + ": it usually works, but was not built for this release.";
        },
        Evidence{manifest.name, field, raw_target, result.release, result.release});
  }

  detail::finish(result);
  return result;
}

std::optional<Finding> code_system_finding(const Manifest& manifest, const ArtifactRecord& code) {
  std::vector<Finding> out;
  detail::Emitter emit(&out);
  detail::code_mismatch_check(manifest, detail::backend_system_of(manifest, &code), "", emit);
  if (out.empty()) return std::nullopt;
  return std::move(out.front());
}

}  // namespace callboard::compat
