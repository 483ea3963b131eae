#include "experiments/base/stability.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <ostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "experiments/base/json.h"
#include "experiments/base/stats.h"

namespace dispatchlab {

namespace {

std::string FirstLine(const char* path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return "";
  return std::string(absl::StripAsciiWhitespace(line));
}

}  // namespace

MachineState ReadMachineState() {
  MachineState m;
  double load[1];
  if (getloadavg(load, 1) == 1) m.load_average = load[0];
  m.cpus = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  m.cpu_governor = FirstLine("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  // intel_pstate says no_turbo = 1 when turbo is off; acpi-cpufreq says boost = 1 when it is on.
  const std::string no_turbo = FirstLine("/sys/devices/system/cpu/intel_pstate/no_turbo");
  const std::string boost = FirstLine("/sys/devices/system/cpu/cpufreq/boost");
  if (!no_turbo.empty()) {
    m.turbo = no_turbo == "1" ? "off" : "on";
  } else if (!boost.empty()) {
    m.turbo = boost == "1" ? "on" : "off";
  }
  return m;
}

TimingStability JudgeTimings(const std::vector<TimedSeries>& series, bool comparison,
                             const MachineState& machine, const StabilityLimits& limits) {
  TimingStability v;
  v.comparison = comparison;
  v.machine = machine;
  v.limits = limits;
  v.repetitions = series.empty() ? 0 : static_cast<int>(series.front().samples.size());
  constexpr int kNamed = 3;  // per kind of problem; the rest are counted
  std::vector<std::string> noisy, spread;
  int more_noisy = 0, more_spread = 0;
  for (const TimedSeries& s : series) {
    v.repetitions = std::min(v.repetitions, static_cast<int>(s.samples.size()));
    if (s.samples.empty()) continue;
    const double cv = stats::CoefficientOfVariation(s.samples);
    v.max_cv = std::max(v.max_cv, cv);
    if (cv > limits.max_cv) {
      if (static_cast<int>(noisy.size()) < kNamed) {
        noisy.push_back(absl::StrFormat("%s: cv %.1f%% > %.0f%%", s.label, 100 * cv, 100 * limits.max_cv));
      } else {
        ++more_noisy;
      }
    }
    const double median = stats::Median(s.samples);
    if (median <= 0) continue;
    const auto [lo, hi] = std::minmax_element(s.samples.begin(), s.samples.end());
    const double above = *hi / median - 1, below = 1 - *lo / median;
    if (above > limits.max_spread || below > limits.max_spread) {
      if (static_cast<int>(spread.size()) < kNamed) {
        spread.push_back(above >= below ? absl::StrFormat("%s: max is %.0f%% above the median (> %.0f%%)",
                                                          s.label, 100 * above, 100 * limits.max_spread)
                                        : absl::StrFormat("%s: min is %.0f%% below the median (> %.0f%%)",
                                                          s.label, 100 * below, 100 * limits.max_spread));
      } else {
        ++more_spread;
      }
    }
  }
  v.reasons = noisy;
  if (more_noisy > 0) v.reasons.push_back(absl::StrCat(more_noisy, " more series over the cv limit"));
  v.reasons.insert(v.reasons.end(), spread.begin(), spread.end());
  if (more_spread > 0) v.reasons.push_back(absl::StrCat(more_spread, " more series with a far min or max"));
  if (comparison && !series.empty() && v.repetitions < limits.min_repetitions) {
    v.reasons.push_back(absl::StrCat("only ", v.repetitions, " repetitions feed a comparison (at least ",
                                     limits.min_repetitions, " recommended: ", limits.repetitions_flag, "=",
                                     limits.min_repetitions, ")"));
  }
  if (machine.load_average >= 0 && machine.cpus > 0 &&
      machine.load_average > limits.max_load_per_cpu * machine.cpus) {
    v.reasons.push_back(absl::StrFormat("load average %.2f on %d CPUs: other processes competed for the CPU",
                                        machine.load_average, machine.cpus));
  }
  if (!machine.cpu_governor.empty() && machine.cpu_governor != "performance") {
    v.reasons.push_back(absl::StrCat("CPU frequency governor '", machine.cpu_governor,
                                     "', not 'performance': the clock changes during the run"));
  }
  if (machine.turbo == "on") {
    v.reasons.push_back("turbo boost is on: the clock depends on temperature and on the other cores' load");
  }
  v.stable = v.reasons.empty();
  return v;
}

Json StabilityToJson(const TimingStability& v) {
  auto known = [](const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); };
  return {{"stable", v.stable},
          {"reasons", v.reasons},
          {"max_cv", v.max_cv},
          {"repetitions", v.repetitions},
          {"comparison", v.comparison},
          {"load_average", v.machine.load_average >= 0 ? Json(v.machine.load_average) : Json(nullptr)},
          {"cpus", v.machine.cpus},
          {"cpu_governor", known(v.machine.cpu_governor)},
          {"turbo", known(v.machine.turbo)},
          {"limits",
           {{"max_cv", v.limits.max_cv},
            {"max_spread", v.limits.max_spread},
            {"min_repetitions", v.limits.min_repetitions},
            {"max_load_per_cpu", v.limits.max_load_per_cpu}}}};
}

void WarnIfUnstable(const TimingStability& v, bool quiet, std::ostream& err) {
  if (quiet || v.stable) return;
  for (const std::string& reason : v.reasons)
    err << "dispatchlab: warning: unstable timing: " << reason << "\n";
  err << "dispatchlab: warning: rerun on an idle machine with more repetitions to trust these numbers "
         "(--quiet hides these warnings)\n";
}

}  // namespace dispatchlab
