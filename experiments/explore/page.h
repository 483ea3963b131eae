// The explorable page of `dispatchlab explore`: one standalone HTML file (no server, no network, no
// external script or font) that holds every configuration's measurements as embedded JSON and redraws the
// chain, the cost, the counts and the Shapley shares when a switch flips.
//
// The HTML, CSS and JavaScript live in experiments/explore/explore.html, a template embedded in the binary
// at build time (CMake reads it into a generated header, page_template.h). RenderPage() puts the data in
// place of its one placeholder.
#ifndef DISPATCHLAB_EXPERIMENTS_EXPLORE_PAGE_H_
#define DISPATCHLAB_EXPERIMENTS_EXPLORE_PAGE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace dispatchlab::explore {

// The placeholder of the template, inside <script type="application/json" id="explore-data">.
inline constexpr absl::string_view kDataPlaceholder = "/*@EXPLORE_DATA@*/";

// The template as embedded at build time.
absl::string_view PageTemplate();

// Makes JSON safe inside a <script> element: every '<', '>' and '&' (which JSON holds only inside strings)
// becomes its \u escape, so no "</script>" or "<!--" can end the element early. The result parses to the
// same value.
std::string EscapeJsonForScript(absl::string_view json);

// The page for `data_json` (ExploreJson's output). Internal error if the template lacks its placeholder.
absl::StatusOr<std::string> RenderPage(absl::string_view data_json);

}  // namespace dispatchlab::explore

#endif  // DISPATCHLAB_EXPERIMENTS_EXPLORE_PAGE_H_
