#include "semver/detail.hpp"
namespace callboard::semver::detail {
std::optional<std::vector<std::vector<Comparator>>> parse_range_sets_fast(std::string_view, Options) {
  return std::nullopt;
}
}  // namespace callboard::semver::detail
