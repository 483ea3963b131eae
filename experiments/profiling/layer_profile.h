// The result of profiling one scenario with one tool, mapped back to layers: the value a report shows
// per layer, plus what fell outside every layer. Produced by perf_runner.h (share of samples) and
// callgrind_runner.h (instructions per element).
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_LAYER_PROFILE_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_LAYER_PROFILE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/layers.h"
#include "experiments/profiling/symbol_layers.h"

namespace dispatchlab::profiling {

// What the child runs, and how.
struct ProfileRequest {
  std::string scenario;
  int64_t n = 1000;
  LayerSet layers;               // the active layer set of the run
  int64_t iterations = 1;        // callgrind: runs inside the region
  int64_t warmup = 1;            // runs before the region
  double seconds = 5;            // perf: length of the recorded region
  std::string keep_output;       // when set, the raw profile (perf.data / callgrind dump) is copied here
  std::string child_executable;  // the dispatchlab binary to run; empty = this executable
  // callgrind: --branch-sim=yes, which adds the branches executed (Bc conditional, Bi indirect) and
  // callgrind's own predictor's misses (Bcm, Bim) to each dump's events.
  bool simulate_branches = false;
  // callgrind: --cache-sim=yes, which adds data reads and writes (Dr, Dw) and the simulated caches' misses.
  bool simulate_cache = false;
  // perf: how call stacks are read. "dwarf" (the default) unwinds with the binary's unwind tables, through
  // Debian's libc, which has no frame pointers and uses %rbp as a register inside malloc and free, so a
  // frame-pointer walk from there stops at once; sampled at 1000 Hz to keep the stack copies small.
  // "fp" follows frame pointers: cheaper, at 4000 Hz, but samples inside libc lose their stacks.
  std::string call_graph = "dwarf";
};

struct LayerProfile {
  std::string scenario;
  std::string tool;   // "perf" or "callgrind"
  std::string unit;   // "share of samples" or "instructions per element"
  std::string event;  // "cpu-clock", "cycles", "Ir"
  LayerSet layers;
  int64_t n = 0;
  int64_t runs = 0;  // scenario runs inside the region
  std::array<double, kLayerCount> by_layer{};
  double unattributed = 0;
  uint64_t raw_total = 0;  // samples or instructions in the region
  std::vector<std::string> unknown_layer_names;
  std::vector<std::string> notes;  // e.g. "only the software event cpu-clock is available"

  double Of(Layer layer) const { return by_layer[static_cast<int>(layer)]; }
};

// Fills by_layer / unattributed with tally / divisor (divisor = samples for shares, n * runs for
// instructions per element).
void FillFromTally(const LayerTally& tally, double divisor, LayerProfile* profile);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_LAYER_PROFILE_H_
