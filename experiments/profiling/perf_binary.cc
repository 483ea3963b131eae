// Choosing the binary perf records (see perf_binary.h).
#include "experiments/profiling/perf_binary.h"

#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"

#ifndef DISPATCHLAB_FRAME_POINTERS_BUILD
#define DISPATCHLAB_FRAME_POINTERS_BUILD 0
#endif

namespace dispatchlab::profiling {

bool BuiltWithFramePointers() { return DISPATCHLAB_FRAME_POINTERS_BUILD != 0; }

PerfBinary ChoosePerfBinary(const std::string& self) {
  if (BuiltWithFramePointers()) return {self, true, ""};
  namespace fs = std::filesystem;
  const fs::path me(self);
  const fs::path sibling = me.parent_path().parent_path() / "profile" / me.filename();
  std::error_code ec;
  if (sibling != me && fs::is_regular_file(sibling, ec) && access(sibling.c_str(), X_OK) == 0) {
    return {sibling.string(), true,
            absl::StrCat(self, " has no frame pointers; recording the profile preset's ", sibling.string(),
                         " instead (rebuild it if it is older than this one)")};
  }
  return {self, false,
          absl::StrCat(self,
                       " was built without frame pointers: perf's call stacks lose the layer frames and "
                       "most samples will be 'unattributed'. Build the profile preset first: cmake --preset "
                       "profile && cmake --build --preset profile (docs/perf.md)")};
}

}  // namespace dispatchlab::profiling
