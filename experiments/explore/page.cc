#include "experiments/explore/page.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "experiments/explore/page_template.h"  // generated into the build tree from explore.html

namespace dispatchlab::explore {

absl::string_view PageTemplate() { return internal::kPageTemplate; }

std::string EscapeJsonForScript(absl::string_view json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    switch (c) {
      case '<':
        out += "\\u003c";
        break;
      case '>':
        out += "\\u003e";
        break;
      case '&':
        out += "\\u0026";
        break;
      default:
        out += c;
    }
  }
  return out;
}

absl::StatusOr<std::string> RenderPage(absl::string_view data_json) {
  const absl::string_view page = PageTemplate();
  const size_t at = page.find(kDataPlaceholder);
  if (at == absl::string_view::npos || page.find(kDataPlaceholder, at + 1) != absl::string_view::npos) {
    return absl::InternalError("explore: the page template must hold its data placeholder exactly once");
  }
  return absl::StrCat(page.substr(0, at), EscapeJsonForScript(data_json),
                      page.substr(at + kDataPlaceholder.size()));
}

}  // namespace dispatchlab::explore
