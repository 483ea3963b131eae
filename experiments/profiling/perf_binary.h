// Which dispatchlab binary perf should record, and whether its call stacks can be trusted.
//
// perf reads call stacks by following frame pointers (`--call-graph=fp`): in a binary built without them
// (the `release` preset) most stacks lose their layer frames and most samples fall into "unattributed"
// (81% for sct_init, against under 20% with the `profile` preset). So `dispatchlab perf` and
// `dispatchlab profile --tool=perf` record the `profile` preset's binary when they are not one themselves
// and it is built (build/profile/ beside build/<preset>/), and otherwise say loudly that the numbers will
// be poor and how to build it. See docs/perf.md, section 2.
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_BINARY_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_BINARY_H_

#include <string>

namespace dispatchlab::profiling {

// Whether this executable was compiled with -fno-omit-frame-pointer (the `profile` preset, or flags that
// say so; recorded by CMake as DISPATCHLAB_FRAME_POINTERS_BUILD).
bool BuiltWithFramePointers();

struct PerfBinary {
  std::string path;             // the executable to record
  bool frame_pointers = false;  // whether `path` keeps frame pointers
  // One line for the user (no prefix): which binary is used instead of this one, or, when frame_pointers
  // is false, a warning that names the cause and the fix. Empty when this executable keeps frame pointers.
  std::string message;
};

// The binary to record: this executable when it keeps frame pointers; else the profile preset's binary
// of the same name (<dir>/../profile/<name>) when it exists; else this executable, with a warning.
// `self` is this executable's path (SelfExecutable()).
PerfBinary ChoosePerfBinary(const std::string& self);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_BINARY_H_
