// Reading `perf script` output: one sample per block, a header line then one frame per line, innermost
// frame first, blocks separated by blank lines. This is the text perf prints for
//   perf script -F comm,tid,period,event,ip,sym --no-inline
// on a recording made with `-g --call-graph=fp`, e.g.
//
//   dispatchlab  4184     250000 cpu-clock:
//   	            11a7 dispatchlab::dispatch::TupleNew
//   	            1219 dispatchlab::layers::call_tuple::PackArgs
//   	            12a4 main
//
// Each frame line is "<hex address> <symbol>" with an optional "+0xOFF" and " (dso)" which are dropped.
// The samples are charged to layers with the innermost-frame rule of symbol_layers.h.
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_SCRIPT_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_SCRIPT_H_

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "experiments/profiling/symbol_layers.h"

namespace dispatchlab::profiling {

struct PerfSamples {
  LayerTally samples;  // one unit per sample
  std::string event;   // the event named in the sample headers, e.g. "cpu-clock"
  uint64_t sample_count = 0;
};

// Extracts the symbol from one frame line ("\t  11a7 ns::f(int)+0x1f (/usr/bin/x)"); empty when the line
// is not a frame. "[unknown]" is returned as is (it is no layer's).
std::string_view PerfFrameSymbol(std::string_view line);

// Parses the whole output. Fails (InvalidArgument) on text that is not perf script output: a frame line
// before any sample header.
absl::StatusOr<PerfSamples> ParsePerfScript(std::istream& in);
absl::StatusOr<PerfSamples> ParsePerfScript(std::string_view text);

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_PERF_SCRIPT_H_
