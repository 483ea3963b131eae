#include "tests/cli/json_schema.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace dispatchlab::testing {

absl::StatusOr<std::map<std::string, Json>> SchemasFromMarkdown(const std::string& markdown) {
  std::map<std::string, Json> out;
  const std::string marker = "\n<!-- schema: ";  // at the start of a line
  for (size_t at = markdown.find(marker); at != std::string::npos; at = markdown.find(marker, at + 1)) {
    const size_t name_end = markdown.find(" -->", at);
    if (name_end == std::string::npos) return absl::InvalidArgumentError("unterminated schema marker");
    const std::string name = markdown.substr(at + marker.size(), name_end - at - marker.size());
    if (name.find('\n') != std::string::npos) return absl::InvalidArgumentError("unterminated schema marker");
    const size_t open = markdown.find("```json\n", name_end);
    const size_t close = open == std::string::npos ? open : markdown.find("\n```", open + 8);
    if (close == std::string::npos)
      return absl::InvalidArgumentError(absl::StrCat("schema ", name, ": no json block"));
    absl::StatusOr<Json> schema = ParseJson(markdown.substr(open + 8, close - open - 8));
    if (!schema.ok())
      return absl::InvalidArgumentError(absl::StrCat("schema ", name, ": ", schema.status().message()));
    if (!out.emplace(name, *std::move(schema)).second) {
      return absl::InvalidArgumentError(absl::StrCat("schema ", name, " given twice"));
    }
  }
  return out;
}

namespace {

bool MatchesType(absl::string_view type, const Json& v) {
  if (type == "any") return true;
  if (type == "string") return v.is_string();
  if (type == "number") return v.is_number();
  if (type == "integer") return v.is_number_integer();
  if (type == "boolean") return v.is_boolean();
  if (type == "null") return v.is_null();
  return false;
}

}  // namespace

std::vector<std::string> SchemaMismatches(const Json& schema, const Json& value,
                                          const std::map<std::string, Json>& named, const std::string& path) {
  std::vector<std::string> out;
  auto add = [&](const std::vector<std::string>& more) { out.insert(out.end(), more.begin(), more.end()); };
  if (schema.is_string()) {
    const std::string type = schema.get<std::string>();
    if (type.rfind("@", 0) == 0) {
      auto it = named.find(type.substr(1));
      if (it == named.end()) return {absl::StrCat(path, ": the schema names no schema ", type)};
      return SchemaMismatches(it->second, value, named, path);
    }
    for (absl::string_view alternative : absl::StrSplit(type, '|')) {
      if (MatchesType(alternative, value)) return {};
    }
    return {absl::StrCat(path, ": ", DumpJson(value).substr(0, 60), " is not ", type)};
  }
  if (schema.is_array()) {
    if (!value.is_array()) return {absl::StrCat(path, ": not an array")};
    if (schema.empty()) return {};
    for (size_t i = 0; i < value.size(); ++i) {
      add(SchemaMismatches(schema[0], value[i], named, absl::StrCat(path, "[", i, "]")));
    }
    return out;
  }
  if (!schema.is_object())
    return {absl::StrCat(path, ": the schema is neither a type, an array nor an object")};
  if (!value.is_object()) return {absl::StrCat(path, ": not an object")};
  if (schema.size() == 1 && schema.contains("*")) {
    for (const auto& [key, v] : value.items()) add(SchemaMismatches(schema["*"], v, named, path + "." + key));
    return out;
  }
  for (const auto& [key, sub] : schema.items()) {
    const bool optional = !key.empty() && key.back() == '?';
    const std::string name = optional ? key.substr(0, key.size() - 1) : key;
    if (!value.contains(name)) {
      if (!optional) out.push_back(absl::StrCat(path, ": missing key '", name, "'"));
      continue;
    }
    add(SchemaMismatches(sub, value[name], named, path + "." + name));
  }
  for (const auto& [key, v] : value.items()) {
    if (!schema.contains(key) && !schema.contains(key + "?")) {
      out.push_back(absl::StrCat(path, ": key '", key, "' is not in the documented schema"));
    }
  }
  return out;
}

}  // namespace dispatchlab::testing
