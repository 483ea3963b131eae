// Progress with an estimate of the time left, on stderr, for every command that runs longer than a couple
// of seconds (run, sweep, report, alloc, mp, profile, attribute). On a terminal: one line rewritten in
// place; elsewhere (a log, a pipe) nothing, unless --progress asks for it: then one line per quarter.
// --quiet silences it. The data on stdout never depends on it.
#ifndef DISPATCHLAB_EXPERIMENTS_PROGRESS_H_
#define DISPATCHLAB_EXPERIMENTS_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace dispatchlab {

enum class ProgressMode { kOff, kTerminal, kLines };

// The mode for a command's flags: kOff with --quiet; kLines with --progress when stderr is not a terminal;
// kTerminal when stderr is one; kOff otherwise.
ProgressMode ChooseProgressMode(bool progress_flag, bool quiet_flag);

class Progress {
 public:
  // `label` starts every line ("sweep"); `total` units of work are expected (> 0).
  Progress(std::string label, int64_t total, ProgressMode mode, std::FILE* out = stderr);
  ~Progress() { Finish(); }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // One unit done; `what` names it ("sct_init n=1000").
  void Step(absl::string_view what = "") { Update(done_ + 1, total_, what); }
  // `done` of `total` units done (for callers that count themselves, as the attribution does).
  void Update(int64_t done, int64_t total, absl::string_view what = "");
  // Ends the line on a terminal (also done by the destructor). Idempotent.
  void Finish();
  bool enabled() const { return mode_ != ProgressMode::kOff; }

 private:
  std::string label_;
  int64_t total_;
  int64_t done_ = 0;
  int last_quarter_ = 0;
  ProgressMode mode_;
  std::FILE* out_;
  absl::Time start_;
  bool open_line_ = false;
};

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_PROGRESS_H_
