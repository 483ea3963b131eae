// Reading core/layers.def's mirrors column as a map from CPython function names to layers (mirrors.h).
#include "experiments/cpython/mirrors.h"

#include <algorithm>

#include "absl/container/flat_hash_map.h"

namespace dispatchlab::cpython {
namespace {

bool IsIdentifierChar(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool LooksLikeCFunction(std::string_view word) {
  if (word.empty() || (word[0] >= '0' && word[0] <= '9')) return false;
  return word.find('_') != std::string_view::npos || word.rfind("Py", 0) == 0;
}

// The text with parenthesised parts removed.
std::string WithoutParentheses(std::string_view text) {
  std::string out;
  int depth = 0;
  for (char c : text) {
    if (c == '(') ++depth;
    if (depth == 0) out.push_back(c);
    if (c == ')' && depth > 0) --depth;
  }
  return out;
}

// Splits at "->", ',', ';' and '+'.
std::vector<std::string> Items(const std::string& text) {
  std::vector<std::string> items(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.compare(i, 2, "->") == 0) {
      items.emplace_back();
      ++i;
    } else if (text[i] == ',' || text[i] == ';' || text[i] == '+') {
      items.emplace_back();
    } else {
      items.back().push_back(text[i]);
    }
  }
  return items;
}

}  // namespace

std::vector<std::string> MirroredNames(std::string_view mirrors) {
  std::vector<std::string> names;
  for (std::string item : Items(WithoutParentheses(mirrors))) {
    if (size_t in = item.find(" in "); in != std::string::npos) item.resize(in);
    for (size_t i = 0; i < item.size();) {
      if (!IsIdentifierChar(item[i])) {
        ++i;
        continue;
      }
      size_t end = i;
      while (end < item.size() && IsIdentifierChar(item[end])) ++end;
      std::string_view word(item.data() + i, end - i);
      // "a.b": only the last part of a dotted name counts.
      const bool dotted_prefix = end < item.size() && item[end] == '.';
      if (!dotted_prefix && LooksLikeCFunction(word) &&
          std::find(names.begin(), names.end(), word) == names.end()) {
        names.emplace_back(word);
      }
      i = end;
    }
  }
  return names;
}

std::optional<Layer> LayerOfCPythonFunction(std::string_view function) {
  static const auto* map = [] {
    auto* m = new absl::flat_hash_map<std::string, Layer>();
    for (int i = 0; i < kLayerCount; ++i) {
      const absl::string_view mirrors = LayerTable()[i].mirrors;
      for (std::string& name : MirroredNames(std::string_view(mirrors.data(), mirrors.size()))) {
        m->try_emplace(std::move(name), static_cast<Layer>(i));  // the first (outermost) layer wins
      }
    }
    return m;
  }();
  // callgrind may append "'2" (recursion level) to a name; GCC names its clones "f.isra.0", "f.part.0".
  function = function.substr(0, function.find_first_of("'."));
  auto it = map->find(std::string(function));
  if (it == map->end()) return std::nullopt;
  return it->second;
}

}  // namespace dispatchlab::cpython
