#include "core/str.h"

#include <memory>

#include "absl/container/flat_hash_map.h"

namespace dispatchlab {

TypeObject PyUnicode_Type;

StrObject* Intern(absl::string_view name) {
  static auto* table = new absl::flat_hash_map<std::string, std::unique_ptr<StrObject>>();
  auto it = table->find(name);
  if (it != table->end()) return it->second.get();
  auto str = std::make_unique<StrObject>();
  InitStaticObject(&str->ob_base, &PyUnicode_Type);
  str->value = std::string(name);
  StrObject* raw = str.get();
  table->emplace(std::string(name), std::move(str));
  return raw;
}

namespace internal {
const Identifiers g_identifiers = {
    Intern("__setitem__"), Intern("__getitem__"), Intern("__delitem__"), Intern("__len__"),
    Intern("__init__"),    Intern("__call__"),    Intern("__get__"),     Intern("__index__"),
};
}  // namespace internal

}  // namespace dispatchlab
