#include "experiments/metadata.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "core/counters.h"
#include "experiments/json.h"

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

std::string MetadataJson(const MetadataFields& fields) {
  struct utsname u;
  uname(&u);
  JsonWriter w;
  w.BeginObject();
  w.Key("machine").BeginObject();
  w.Key("cpu").String(CpuModel());
  w.Key("cpus").Int(CpuCount());
  w.Key("kernel").String(absl::StrCat(u.sysname, " ", u.release));
  w.Key("arch").String(u.machine);
  w.EndObject();
  w.Key("compiler").String(absl::StrCat("g++/clang ", __VERSION__));
  w.Key("flags").String(DISPATCHLAB_CXX_FLAGS);
  w.Key("build_type").String(DISPATCHLAB_BUILD_TYPE);
  w.Key("counting").String(kCountingCompiledIn ? "compiled in" : "compiled out");
  if (!fields.profile.empty()) w.Key("profile").String(fields.profile);
  if (fields.has_layers) w.Key("layers").String(fields.layers.ToString());
  if (fields.n > 0) w.Key("n").Int(fields.n);
  if (fields.repetitions > 0) w.Key("repetitions").Int(fields.repetitions);
  w.Key("date").String(absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone()));
  w.EndObject();
  return w.str();
}

std::string MetadataLine() {
  return absl::StrCat(CpuModel(), " x", CpuCount(), "; ", __VERSION__, "; ", DISPATCHLAB_BUILD_TYPE,
                      "; counting ", kCountingCompiledIn ? "compiled in" : "compiled out");
}

}  // namespace dispatchlab
