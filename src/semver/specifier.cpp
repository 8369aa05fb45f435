#include "semver/detail.hpp"
namespace callboard::semver {
std::string_view to_string(SpecifierKind) noexcept { return ""; }
Result<Specifier> parse_specifier(std::string_view, Options) { return make_error(ErrorCode::kUnimplemented, "todo"); }
}
