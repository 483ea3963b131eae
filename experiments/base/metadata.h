// The metadata every JSON output of the CLI carries: where and how the numbers were made.
#ifndef DISPATCHLAB_EXPERIMENTS_METADATA_H_
#define DISPATCHLAB_EXPERIMENTS_METADATA_H_

#include <cstdint>
#include <string>

#include "core/layers.h"
#include "experiments/base/json_fwd.h"

namespace dispatchlab {

struct MetadataFields {
  std::string profile;  // empty when not applicable
  LayerSet layers;
  bool has_layers = false;
  int64_t n = 0;            // 0 when not applicable
  int64_t repetitions = 0;  // 0 when not applicable
  bool max_rss = false;     // add "max_rss_bytes" (PeakRssBytes() when MetadataJson is called)
};

// {"version", "binary", "machine": {...}, "compiler", "flags", "build_type", "counting", "profile", "layers",
//  "n", "repetitions", "max_rss_bytes", "date"}: the object docs/cli.md documents ("The metadata object").
Json MetadataJson(const MetadataFields& fields);

// The peak resident set of this process so far, in bytes: getrusage(RUSAGE_SELF).ru_maxrss (kilobytes on
// Linux) * 1024. Only this process: children are not included (run, sweep and counts spawn none).
int64_t PeakRssBytes();

// `git describe --tags --always --dirty` of the tree this binary was built from (generated at build time by
// cmake/version.cmake), or "unknown" outside a git checkout.
std::string DispatchlabVersion();

// The compiler that built this binary: "g++ 12.2.0" or "clang 14.0.6".
std::string CompilerName();

// One line for tables: "AMD EPYC x2; g++ 12.2.0; Release; counting compiled in; dispatchlab 7e77667" (the
// binary's name, kThisBuildName in core/layers.h, then its version).
std::string MetadataLine();

// The build as the metadata names it: the build type, then ", LTO" and ", PGO" when they are on
// ("Release, LTO, PGO" in the debian-like build; CMakeLists.txt, DISPATCHLAB_BUILD_LABEL).
std::string BuildType();

// Machine facts: CPU model and count, kernel.
std::string CpuModel();
int CpuCount();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_METADATA_H_
