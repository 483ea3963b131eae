// A private temporary directory for a profiling run (perf.data, control fifos, callgrind dumps), removed
// with everything in it when the ScratchDir goes away, and also when the process is interrupted.
//
// Interruption: while a ScratchDir exists, SIGINT, SIGTERM and SIGHUP are caught. The handler only records
// the signal (InterruptSignal() becomes non-zero); waiting code (subprocess.h) notices it, stops the child
// and returns a Cancelled status, the stack unwinds, the destructor removes the directory, and the CLI
// dies of the same signal (cli::Interrupted). No file outlives the run. A signal inherited as ignored
// (nohup) is left ignored.
#ifndef DISPATCHLAB_EXPERIMENTS_PROFILING_SCRATCH_DIR_H_
#define DISPATCHLAB_EXPERIMENTS_PROFILING_SCRATCH_DIR_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace dispatchlab::profiling {

class ScratchDir {
 public:
  // Creates $TMPDIR/dispatchlab-<tag>-XXXXXX (or /tmp/...) with mkdtemp.
  static absl::StatusOr<std::unique_ptr<ScratchDir>> Create(std::string_view tag);
  ~ScratchDir();  // removes every entry of the directory, then the directory
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string File(std::string_view name) const;
  // Creates a fifo named `name` inside the directory; returns its path.
  absl::StatusOr<std::string> MakeFifo(std::string_view name);

 private:
  explicit ScratchDir(std::string path);
  std::string path_;
};

// The SIGINT/SIGTERM/SIGHUP received while a ScratchDir existed, or 0.
int InterruptSignal();
// Clears the recorded signal (tests).
void ClearInterruptSignal();

}  // namespace dispatchlab::profiling

#endif  // DISPATCHLAB_EXPERIMENTS_PROFILING_SCRATCH_DIR_H_
