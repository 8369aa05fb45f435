// The package source over a Storage (what `callboard index` filled).
#include <memory>
#include <utility>

#include "callboard/backend/storage.hpp"
#include "callboard/solver.hpp"

namespace callboard::solver {

namespace {

class StorageSource final : public PackageSource {
 public:
  explicit StorageSource(backend::Storage& storage) : storage_(storage) {}
  Result<std::shared_ptr<const Packument>> packument(std::string_view name) noexcept override {
    auto got = storage_.packument(name);
    if (!got) return std::move(got).error();
    if (!*got) return std::shared_ptr<const Packument>{};
    try {
      return std::shared_ptr<const Packument>(std::make_shared<const Packument>(std::move(**got)));
    } catch (const std::bad_alloc&) {
      return Error{ErrorCode::kResourceExhausted, "out of memory reading a packument", {}, false}.with("package",
                                                                                                     std::string(name));
    }
  }

 private:
  backend::Storage& storage_;
};

}  // namespace

std::unique_ptr<PackageSource> storage_package_source(backend::Storage& storage) {
  return std::make_unique<StorageSource>(storage);
}

}  // namespace callboard::solver
