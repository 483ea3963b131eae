#include "experiments/base/progress.h"

#include <unistd.h>

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace dispatchlab {

ProgressMode ChooseProgressMode(bool progress_flag, bool quiet_flag) {
  if (quiet_flag) return ProgressMode::kOff;
  if (isatty(STDERR_FILENO) != 0) return ProgressMode::kTerminal;
  return progress_flag ? ProgressMode::kLines : ProgressMode::kOff;
}

Progress::Progress(std::string label, int64_t total, ProgressMode mode, std::FILE* out)
    : label_(std::move(label)),
      total_(std::max<int64_t>(total, 1)),
      mode_(mode),
      out_(out),
      start_(absl::Now()) {}

void Progress::Update(int64_t done, int64_t total, absl::string_view what) {
  total_ = std::max<int64_t>(total, 1);
  done_ = std::clamp<int64_t>(done, 0, total_);
  if (mode_ == ProgressMode::kOff) return;
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start_);
  // A linear estimate: the units so far took `elapsed`, the rest will take as long each.
  const double left =
      done_ > 0 ? elapsed * static_cast<double>(total_ - done_) / static_cast<double>(done_) : 0;
  const std::string line =
      absl::StrFormat("%s: %d/%d (%d%%), %.0f s elapsed, ~%.0f s left%s%s", label_, done_, total_,
                      100 * done_ / total_, elapsed, left, what.empty() ? "" : ": ", what);
  if (mode_ == ProgressMode::kTerminal) {
    absl::FPrintF(out_, "\r%s\033[K", line);  // \033[K clears what a longer previous line left
    open_line_ = true;
    if (done_ == total_) Finish();
    std::fflush(out_);
    return;
  }
  const int quarter = static_cast<int>(4 * done_ / total_);
  if (quarter > last_quarter_) {
    last_quarter_ = quarter;
    absl::FPrintF(out_, "%s\n", line);
  }
}

void Progress::Finish() {
  if (open_line_) {
    absl::FPrintF(out_, "\n");
    open_line_ = false;
  }
}

}  // namespace dispatchlab
