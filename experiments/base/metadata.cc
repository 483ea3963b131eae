#include "experiments/base/metadata.h"

#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/counters.h"
#include "experiments/base/json.h"

#ifndef DISPATCHLAB_CXX_FLAGS
#define DISPATCHLAB_CXX_FLAGS "unknown"
#endif
#ifndef DISPATCHLAB_BUILD_TYPE
#define DISPATCHLAB_BUILD_TYPE "unknown"
#endif

namespace dispatchlab {

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
    }
  }
  return "unknown";
}

int CpuCount() { return static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)); }

std::string CompilerName() {
#if defined(__clang__)
  return absl::StrCat("clang ", __clang_major__, ".", __clang_minor__, ".", __clang_patchlevel__);
#elif defined(__GNUC__)
  return absl::StrCat("g++ ", __GNUC__, ".", __GNUC_MINOR__, ".", __GNUC_PATCHLEVEL__);
#else
  return "unknown";
#endif
}

Json MetadataJson(const MetadataFields& fields) {
  struct utsname u;
  uname(&u);
  Json m = Json::object();
  m["version"] = DispatchlabVersion();
  m["binary"] = std::string(kThisBuildName);
  m["machine"] = {{"cpu", CpuModel()},
                  {"cpus", CpuCount()},
                  {"kernel", absl::StrCat(u.sysname, " ", u.release)},
                  {"arch", u.machine}};
  m["compiler"] = CompilerName();
  m["flags"] = DISPATCHLAB_CXX_FLAGS;
  m["build_type"] = DISPATCHLAB_BUILD_TYPE;
  m["counting"] = kCountingCompiledIn ? "compiled in" : "compiled out";
  if (!fields.profile.empty()) m["profile"] = fields.profile;
  if (fields.has_layers) m["layers"] = fields.layers.ToString();
  if (fields.n > 0) m["n"] = fields.n;
  if (fields.repetitions > 0) m["repetitions"] = fields.repetitions;
  if (fields.max_rss) m["max_rss_bytes"] = PeakRssBytes();
  m["date"] = absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  return m;
}

int64_t PeakRssBytes() {
  struct rusage usage = {};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

std::string BuildType() { return DISPATCHLAB_BUILD_TYPE; }

std::string MetadataLine() {
  return absl::StrCat(CpuModel(), " x", CpuCount(), "; ", CompilerName(), "; ", DISPATCHLAB_BUILD_TYPE,
                      "; counting ", kCountingCompiledIn ? "compiled in" : "compiled out", "; ",
                      kThisBuildName, " ", DispatchlabVersion());
}

}  // namespace dispatchlab
