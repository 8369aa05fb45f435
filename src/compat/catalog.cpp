// ReleaseCatalog: every release manifest resolved once into a flat table,
// and the history of each package (first/last listed, removed at).

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "callboard/backstage.hpp"
#include "compat/detail.hpp"

namespace callboard::compat {

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::kInfo: return "info";
    case Severity::kWarning: return "warning";
    case Severity::kError: return "error";
  }
  return "info";
}

std::string_view to_string(Tier tier) noexcept {
  switch (tier) {
    case Tier::kAligned: return "aligned";
    case Tier::kCompatible: return "compatible";
    case Tier::kIncompatible: return "incompatible";
  }
  return "incompatible";
}

std::optional<Tier> parse_tier(std::string_view text) noexcept {
  if (text == "aligned") return Tier::kAligned;
  if (text == "compatible") return Tier::kCompatible;
  if (text == "incompatible") return Tier::kIncompatible;
  return std::nullopt;
}

namespace {

std::shared_ptr<const ReleaseCatalog::Impl> build_impl(
    const std::vector<Release>& releases, std::map<std::string, std::string, std::less<>> moved) {
  auto impl = std::make_shared<ReleaseCatalog::Impl>();
  impl->moved = std::move(moved);

  const auto usable = backstage::ordered_releases(releases);

  // Dense ids in name order, so the table does not depend on input order.
  std::map<std::string_view, std::uint32_t> sorted_names;
  for (const auto& [v, release] : usable) {
    for (const auto& entry : release->packages) sorted_names.emplace(entry.first, 0);
  }
  for (auto& [name, id] : sorted_names) {
    id = static_cast<std::uint32_t>(impl->names.size());
    impl->names.emplace_back(name);
    impl->ids.emplace(std::string(name), id);
  }

  const std::size_t n = usable.size();
  const std::size_t p = impl->names.size();
  impl->table.assign(n * p, detail::kNone);
  impl->first.assign(p, detail::kNone);
  impl->last.assign(p, detail::kNone);
  impl->removed.assign(p, detail::kNone);
  detail::StringMap<std::int32_t> pool_index;
  for (std::size_t r = 0; r < n; ++r) {
    impl->texts.push_back(usable[r].second->version);
    impl->versions.push_back(usable[r].first);
    for (const auto& [name, text] : usable[r].second->packages) {
      auto parsed = semver::Version::parse(text);
      if (!parsed) continue;  // a manifest entry that is not semver cannot be checked
      const std::uint32_t id = sorted_names.find(name)->second;
      auto [it, inserted] = pool_index.emplace(text, static_cast<std::int32_t>(impl->pool.size()));
      if (inserted) {
        impl->pool.push_back(std::move(*parsed));
        impl->pool_texts.push_back(text);
      }
      impl->table[r * p + id] = it->second;
      const auto ri = static_cast<std::int32_t>(r);
      if (impl->first[id] == detail::kNone) impl->first[id] = ri;
      impl->last[id] = ri;
    }
  }
  for (std::size_t id = 0; id < p; ++id) {
    // Removed: listed up to some release, absent from the next one onward.
    if (impl->last[id] != detail::kNone && static_cast<std::size_t>(impl->last[id]) + 1 < n) {
      impl->removed[id] = impl->last[id] + 1;
    }
  }
  if (auto id = impl->id_of("@backstage/backend-common"))
    impl->legacy_backend_gone = impl->removed[*id];
  return impl;
}

}  // namespace

namespace detail {

std::optional<std::size_t> find_release(const std::vector<std::string>& texts,
                                        std::string_view version) noexcept {
  return backstage::find_release(texts, version);
}

}  // namespace detail

ReleaseCatalog::ReleaseCatalog() : impl_(build_impl({}, {})) {}
ReleaseCatalog::ReleaseCatalog(const std::vector<Release>& releases,
                               std::map<std::string, std::string, std::less<>> moved)
    : impl_(build_impl(releases, std::move(moved))) {}
ReleaseCatalog::~ReleaseCatalog() = default;
ReleaseCatalog::ReleaseCatalog(const ReleaseCatalog&) = default;
ReleaseCatalog& ReleaseCatalog::operator=(const ReleaseCatalog&) = default;
ReleaseCatalog::ReleaseCatalog(ReleaseCatalog&&) noexcept = default;
ReleaseCatalog& ReleaseCatalog::operator=(ReleaseCatalog&&) noexcept = default;

const std::vector<std::string>& ReleaseCatalog::releases() const noexcept { return impl_->texts; }

std::optional<std::size_t> ReleaseCatalog::find(std::string_view version) const noexcept {
  return detail::find_release(impl_->texts, version);
}

Result<std::size_t> detail::require_release(const ReleaseCatalog& catalog, std::string_view release) {
  if (auto r = catalog.find(release)) return *r;
  return make_error(ErrorCode::kNotFound, "no Backstage release manifest for '" + std::string(release) +
                                              "'; import it with 'callboard releases import'")
      .with("release", std::string(release));
}

std::optional<std::string> ReleaseCatalog::removed_in(std::string_view package) const {
  auto id = impl_->id_of(package);
  if (!id || impl_->removed[*id] == detail::kNone) return std::nullopt;
  return impl_->texts[static_cast<std::size_t>(impl_->removed[*id])];
}

std::optional<std::string> ReleaseCatalog::last_listed_in(std::string_view package) const {
  auto id = impl_->id_of(package);
  if (!id || impl_->last[*id] == detail::kNone) return std::nullopt;
  return impl_->texts[static_cast<std::size_t>(impl_->last[*id])];
}

std::optional<std::string> ReleaseCatalog::first_listed_in(std::string_view package) const {
  auto id = impl_->id_of(package);
  if (!id || impl_->first[*id] == detail::kNone) return std::nullopt;
  return impl_->texts[static_cast<std::size_t>(impl_->first[*id])];
}

std::string_view ReleaseCatalog::moved_to(std::string_view package) const noexcept {
  auto it = impl_->moved.find(package);
  return it == impl_->moved.end() ? std::string_view() : std::string_view(it->second);
}

std::vector<std::pair<std::string, std::string>> ReleaseCatalog::removed_packages() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::size_t id = 0; id < impl_->names.size(); ++id) {
    if (impl_->removed[id] != detail::kNone) {
      out.emplace_back(impl_->names[id],
                       impl_->texts[static_cast<std::size_t>(impl_->removed[id])]);
    }
  }
  return out;  // names are in id order, which is name order
}

std::map<std::string, std::string, std::less<>> moved_packages(
    const std::vector<Packument>& packuments) {
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& p : packuments) {
    const Manifest* m = backstage::metadata_manifest(p);
    if (m != nullptr && m->backstage && m->backstage->moved && !m->backstage->moved->empty()) {
      out[p.name] = *m->backstage->moved;
    }
  }
  return out;
}

std::map<std::string, std::string, std::less<>> community_moves(
    const ReleaseCatalog& catalog, const std::vector<std::string>& known_names) {
  constexpr std::string_view kCore = "@backstage/";
  constexpr std::string_view kCommunity = "@backstage-community/";
  std::set<std::string_view> known(known_names.begin(), known_names.end());
  std::map<std::string, std::string, std::less<>> out;
  for (const auto& [name, release] : catalog.removed_packages()) {
    if (!name.starts_with(kCore)) continue;
    std::string twin = std::string(kCommunity) + name.substr(kCore.size());
    if (known.count(twin) != 0) out.emplace(name, std::move(twin));
  }
  return out;
}

}  // namespace callboard::compat
