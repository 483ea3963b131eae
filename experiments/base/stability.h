// Can a timing be trusted? The pyperf-grade checks every timing command runs on its samples before it
// prints them (run, sweep, report, alloc, mp; attribute keeps its own, per configuration, in
// experiments/attribution/stability.h). The model is pyperf's `_check_stats` (pyperf/_cli.py, "WARNING:
// the benchmark result may be unstable"): the standard deviation over the mean, the minimum and maximum
// against the centre, plus the machine's state that pyperf's `system show` reports (load, CPU governor,
// turbo). A verdict is data: a flag, one human reason per problem, the figures behind them, and a JSON
// object that every timing command's --format=json carries under "stability". docs/cli.md, "Stability".
#ifndef DISPATCHLAB_EXPERIMENTS_STABILITY_H_
#define DISPATCHLAB_EXPERIMENTS_STABILITY_H_

#include <iosfwd>
#include <string>
#include <vector>

#include "experiments/base/json_fwd.h"

namespace dispatchlab {

struct StabilityLimits {
  double max_cv = 0.10;           // stddev / mean of one series' samples
  double max_spread = 0.50;       // min or max farther than this fraction from the median (pyperf: 50%)
  int min_repetitions = 9;        // samples per series when the series feed a comparison
  double max_load_per_cpu = 1.0;  // 1-minute load average over online CPUs
  const char* repetitions_flag = "--repetitions";  // the command's flag for more samples, in the advice
};

// What the machine says about itself (Linux /proc and /sys). Unknown facts are empty / negative.
struct MachineState {
  double load_average = -1;  // 1-minute load average (getloadavg); < 0 when unknown
  int cpus = 0;              // online CPUs
  std::string cpu_governor;  // cpufreq scaling governor of CPU 0; empty when /sys has no cpufreq (VMs)
  std::string turbo;         // "on", "off", or empty when /sys does not say
};

// Reads the load average, the CPU count, the governor and the turbo state now.
MachineState ReadMachineState();

// One measured quantity: a label for the reasons ("sct_init", "sct_init n=1000") and its samples (any
// unit; one per repetition).
struct TimedSeries {
  std::string label;
  std::vector<double> samples;
};

struct TimingStability {
  bool stable = true;
  std::vector<std::string> reasons;  // empty when stable; one line per problem
  double max_cv = 0;                 // over the series
  int repetitions = 0;               // the fewest samples of any series
  bool comparison = false;           // the series were compared with each other
  MachineState machine;
  StabilityLimits limits;
};

// Judges `series` (compared with each other when `comparison`: then fewer than limits.min_repetitions
// samples is a reason) measured on a machine in `machine`'s state.
TimingStability JudgeTimings(const std::vector<TimedSeries>& series, bool comparison,
                             const MachineState& machine, const StabilityLimits& limits = {});

// {"stable", "reasons": [...], "max_cv", "repetitions", "comparison", "load_average", "cpus",
//  "cpu_governor", "turbo", "limits": {"max_cv", "max_spread", "min_repetitions", "max_load_per_cpu"}}
// (unknown machine facts are null).
Json StabilityToJson(const TimingStability& verdict);

// Unless `quiet`: one "dispatchlab: warning: unstable timing: REASON" line per reason on `err`, and a
// line of advice. Prints nothing for a stable verdict. Warnings only: the data is printed regardless.
void WarnIfUnstable(const TimingStability& verdict, bool quiet, std::ostream& err);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_STABILITY_H_
