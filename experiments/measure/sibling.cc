#include "experiments/measure/sibling.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "core/counters.h"
#include "core/layers.h"
#include "experiments/base/json.h"
#include "experiments/base/subprocess.h"

namespace dispatchlab {

absl::StatusOr<std::string> SiblingBinary() {
  absl::StatusOr<std::string> self = profiling::SelfExecutable();
  if (!self.ok()) return self.status();
  const std::string& path = *self;
  const size_t slash = path.rfind('/');
  const std::string dir = path.substr(0, slash + 1);
  std::string sibling = absl::StrCat(dir, kCountingCompiledIn ? kNocountBuildName : kCountingBuildName);
  if (access(sibling.c_str(), X_OK) != 0) {
    return absl::NotFoundError(
        absl::StrCat("the sibling build ", sibling, " is not there (build both targets)"));
  }
  return sibling;
}

absl::StatusOr<std::map<std::string, std::vector<double>>> NsPerElementByRun(const std::string& text) {
  absl::StatusOr<Json> doc = ParseJson(text);
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() || !doc->contains("benchmarks") || !(*doc)["benchmarks"].is_array()) {
    return absl::InvalidArgumentError("not Google Benchmark JSON: no \"benchmarks\" array");
  }
  std::map<std::string, std::vector<double>> out;
  for (const Json& entry : (*doc)["benchmarks"]) {
    if (!entry.is_object() || entry.value("run_type", "") != "iteration") continue;
    const auto name = entry.find("run_name");
    const auto ns = entry.find("ns_per_element");
    if (name == entry.end() || !name->is_string() || ns == entry.end() || !ns->is_number()) {
      return absl::InvalidArgumentError("a Google Benchmark entry without run_name or ns_per_element");
    }
    out[name->get<std::string>()].push_back(ns->get<double>());
  }
  return out;
}

}  // namespace dispatchlab
